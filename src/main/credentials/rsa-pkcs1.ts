import type { KeyObject } from 'node:crypto'
import forge from 'node-forge'
import { TekenError } from '../../shared/errors'

/**
 * RSAES-PKCS1-v1_5 decryption: what `openssl rsautl -decrypt` (and `pkeyutl -decrypt`) does by
 * default, and what OVO uses for key.bin.enc. Node 20+ refuses this padding in `privateDecrypt`
 * (CVE-2023-46809), so node-forge does the RSA operation on a PEM exported in memory only.
 */
export function rsaPkcs1v15Decrypt(privateKey: KeyObject, ciphertext: Uint8Array): Buffer {
  if (privateKey.type !== 'private') {
    throw new TekenError('KEY_IS_PUBLIC', 'This is a public key. Decrypting key.bin.enc needs the private key whose public half you sent to OVO.')
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new TekenError('KEY_NOT_RSA', 'This key is not an RSA key. OVO encrypts key.bin.enc for an RSA key; choose the RSA private key whose public half you sent to OVO.', {
      keyType: privateKey.asymmetricKeyType ?? 'unknown',
    })
  }
  const modulusBits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0
  const modulusBytes = Math.ceil(modulusBits / 8)
  // An RSA ciphertext is always exactly as long as the modulus; any other length cannot be for this key.
  if (ciphertext.length !== modulusBytes) {
    throw new TekenError(
      'CREDENTIAL_WRONG_KEY',
      `key.bin.enc is ${ciphertext.length} bytes, but anything encrypted for this ${modulusBits}-bit key is ${modulusBytes} bytes. It was encrypted for a key of another size, or it is not an RSA-encrypted file. Choose the key whose public half you sent to OVO, and check that you picked key.bin.enc.`,
      { expectedBytes: String(modulusBytes), actualBytes: String(ciphertext.length) },
    )
  }
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString())
  let plaintext: string
  try {
    plaintext = forgeKey.decrypt(Buffer.from(ciphertext).toString('binary'), 'RSAES-PKCS1-V1_5')
  } catch {
    // Bad padding: the ciphertext was made with another public key.
    throw new TekenError(
      'CREDENTIAL_WRONG_KEY',
      'key.bin.enc was not encrypted for this key. Choose the private key whose public half you sent to OVO, or ask OVO which public key they used.',
    )
  }
  return Buffer.from(plaintext, 'binary')
}
