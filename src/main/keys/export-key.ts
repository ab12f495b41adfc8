import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { PublicKeyFormat } from './types'

export function generateRsaKey(bits: 2048 | 4096): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 }).privateKey
}

/**
 * The public half in the form a partner asks for: SPKI (BEGIN PUBLIC KEY, what `openssl rsa -pubout`
 * writes) or PKCS#1 (BEGIN RSA PUBLIC KEY, `-RSAPublicKey_out`, what OVO asks for). PEM is UTF-8 ending in "\n".
 */
export function exportPublicKey(key: KeyObject, format: PublicKeyFormat): Buffer {
  const publicKey = createPublicKey(key)
  switch (format) {
    case 'spki-pem':
      return Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }))
    case 'pkcs1-pem':
      return Buffer.from(publicKey.export({ type: 'pkcs1', format: 'pem' }))
    case 'spki-der':
      return publicKey.export({ type: 'spki', format: 'der' })
    case 'pkcs1-der':
      return publicKey.export({ type: 'pkcs1', format: 'der' })
  }
}

/** SHA-256 of the SPKI DER as colon-separated lowercase hex, as `openssl dgst -sha256 -c` prints it. */
export function publicKeyFingerprint(key: KeyObject): string {
  const digest = createHash('sha256').update(exportPublicKey(key, 'spki-der')).digest('hex')
  return digest.replace(/(..)(?!$)/g, '$1:')
}

/** BEGIN ENCRYPTED PRIVATE KEY with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), as `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes. */
export function exportEncryptedPkcs8(key: KeyObject, passphrase: string): string {
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString()
}
