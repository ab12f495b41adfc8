import { type CipherGCMTypes, createDecipheriv, createPrivateKey, type Decipheriv, type KeyObject } from 'node:crypto'
import bcryptPbkdf from 'bcrypt-pbkdf'
import { checkKdfCost, keyNotRsa, keyTruncated, MAX_BCRYPT_ROUNDS, passphraseRejected, passphraseRequired, unsupportedEncryption } from './key-errors'
import { modulusBits } from './rsa-key'
import type { ImportedKey } from './types'

/*
 * The OpenSSH private key format (PROTOCOL.key in OpenSSH), which ssh-keygen writes by default and
 * OpenSSL cannot read:
 *   "openssh-key-v1\0", string cipher, string kdf, string kdfoptions, uint32 count,
 *   string public key, string encrypted private section [, AEAD tag]
 * The private section: uint32 check, uint32 check, key type and key fields, string comment, padding 1, 2, 3…
 */

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1')
const WHAT = 'OpenSSH key'
const REMEDY = 'Re-encrypt it with the default cipher: "ssh-keygen -p -Z aes256-ctr -f <key file>", then import it again.'

/** GCM ("aead") appends a 16-byte tag after the encrypted section. */
type SshCipher = { keyLength: number; ivLength: number; blockSize: number } & ({ aead: false; nodeCipher: string } | { aead: true; nodeCipher: CipherGCMTypes })

const GCM_TAG_LENGTH = 16

const CIPHERS: Record<string, SshCipher> = {
  'aes128-ctr': { aead: false, nodeCipher: 'aes-128-ctr', keyLength: 16, ivLength: 16, blockSize: 16 },
  'aes192-ctr': { aead: false, nodeCipher: 'aes-192-ctr', keyLength: 24, ivLength: 16, blockSize: 16 },
  'aes256-ctr': { aead: false, nodeCipher: 'aes-256-ctr', keyLength: 32, ivLength: 16, blockSize: 16 },
  'aes128-cbc': { aead: false, nodeCipher: 'aes-128-cbc', keyLength: 16, ivLength: 16, blockSize: 16 },
  'aes192-cbc': { aead: false, nodeCipher: 'aes-192-cbc', keyLength: 24, ivLength: 16, blockSize: 16 },
  'aes256-cbc': { aead: false, nodeCipher: 'aes-256-cbc', keyLength: 32, ivLength: 16, blockSize: 16 },
  'aes128-gcm@openssh.com': { aead: true, nodeCipher: 'aes-128-gcm', keyLength: 16, ivLength: 12, blockSize: 16 },
  'aes256-gcm@openssh.com': { aead: true, nodeCipher: 'aes-256-gcm', keyLength: 32, ivLength: 12, blockSize: 16 },
  '3des-cbc': { aead: false, nodeCipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8, blockSize: 8 },
}

const KEY_TYPE_NAMES: Record<string, string> = {
  'ssh-ed25519': 'Ed25519',
  'ssh-ed448': 'Ed448',
  'ssh-dss': 'DSA',
  'ecdsa-sha2-nistp256': 'ECDSA (P-256)',
  'ecdsa-sha2-nistp384': 'ECDSA (P-384)',
  'ecdsa-sha2-nistp521': 'ECDSA (P-521)',
  'sk-ssh-ed25519@openssh.com': 'Ed25519 security-key',
  'sk-ecdsa-sha2-nistp256@openssh.com': 'ECDSA security-key',
}

/** Sequential reads of SSH wire types; running out of bytes means the file was cut short. */
class SshReader {
  private offset = 0
  constructor(private readonly bytes: Buffer) {}

  uint32(): number {
    return this.take(4).readUInt32BE(0)
  }

  string(): Buffer {
    return this.take(this.uint32())
  }

  text(): string {
    return this.string().toString('utf8')
  }

  /** An mpint as an unsigned big-endian magnitude (leading zero bytes dropped). */
  mpint(): Buffer {
    const bytes = this.string()
    let start = 0
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1
    return bytes.subarray(start)
  }

  take(length: number): Buffer {
    if (this.offset + length > this.bytes.length) throw keyTruncated('the OpenSSH key data ends early')
    const slice = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return slice
  }

  rest(): Buffer {
    return this.take(this.bytes.length - this.offset)
  }
}

/** `binary` is the base64-decoded body of a BEGIN OPENSSH PRIVATE KEY block. */
export function importOpensshKey(binary: Buffer, passphrase: string | undefined): ImportedKey {
  if (!binary.subarray(0, MAGIC.length).equals(MAGIC)) throw keyTruncated('the OpenSSH key header is damaged')
  const reader = new SshReader(binary)
  reader.take(MAGIC.length)
  const cipherName = reader.text()
  const kdfName = reader.text()
  const kdfOptions = reader.string()
  const keyCount = reader.uint32()
  if (keyCount !== 1) throw keyTruncated(`the file says it holds ${keyCount} keys, but OpenSSH key files hold one`)
  // The public key is in clear text, so a non-RSA key is named before any passphrase is needed.
  const keyType = new SshReader(reader.string()).text()
  if (keyType !== 'ssh-rsa') throw keyNotRsa(KEY_TYPE_NAMES[keyType] ?? printableName(keyType, 'of an unrecognised type'))
  const encrypted = reader.string()

  const encryptedFile = cipherName !== 'none'
  let privateSection: Buffer
  if (encryptedFile) {
    const cipher = CIPHERS[cipherName]
    if (!cipher) throw unsupportedEncryption(`the OpenSSH cipher ${printableName(cipherName, 'that is not recognised')}`, REMEDY)
    if (kdfName !== 'bcrypt') throw unsupportedEncryption(`the OpenSSH key derivation ${printableName(kdfName, 'that is not recognised')}`, REMEDY)
    if (encrypted.length % cipher.blockSize !== 0) throw keyTruncated('the encrypted part of the OpenSSH key has been cut')
    // bcrypt_pbkdf refuses an empty passphrase, and ssh-keygen never encrypts with one.
    if (!passphrase) throw passphraseRequired(WHAT)
    privateSection = decrypt(cipher, kdfOptions, encrypted, cipher.aead ? reader.take(GCM_TAG_LENGTH) : undefined, passphrase)
  } else {
    privateSection = encrypted
  }

  const section = new SshReader(privateSection)
  // Two equal random check numbers: after decryption they differ unless the passphrase was right.
  if (section.uint32() !== section.uint32()) throw encryptedFile ? passphraseRejected(WHAT, passphrase) : keyTruncated('the OpenSSH key data is damaged')
  if (section.text() !== 'ssh-rsa') throw keyTruncated('the OpenSSH private key does not match its public key')
  const [n, e, d, iqmp, p, q] = [section.mpint(), section.mpint(), section.mpint(), section.mpint(), section.mpint(), section.mpint()]
  const comment = section.text()
  const padding = section.rest()
  if (!padding.every((byte, index) => byte === index + 1)) throw keyTruncated('the OpenSSH key data is damaged')

  const privateKey = rsaKeyFromComponents({ n, e, d, p, q, qi: iqmp })
  return {
    format: encryptedFile ? 'openssh-encrypted' : 'openssh',
    description: encryptedFile ? `OpenSSH (${kdfName}, ${cipherName})` : 'OpenSSH (unencrypted)',
    privateKey,
    bits: modulusBits(privateKey),
    certificates: [],
    ...(comment ? { comment } : {}),
  }
}

function decrypt(cipher: SshCipher, kdfOptions: Buffer, encrypted: Buffer, tag: Buffer | undefined, passphrase: string): Buffer {
  const options = new SshReader(kdfOptions)
  const salt = options.string()
  const rounds = checkKdfCost(options.uint32(), MAX_BCRYPT_ROUNDS, 'a bcrypt round count')
  const password = Buffer.from(passphrase, 'utf8')
  const keyAndIv = new Uint8Array(cipher.keyLength + cipher.ivLength)
  if (bcryptPbkdf.pbkdf(password, password.length, salt, salt.length, keyAndIv, keyAndIv.length, rounds) !== 0) {
    throw keyTruncated('the OpenSSH key derivation parameters are damaged')
  }
  const key = keyAndIv.subarray(0, cipher.keyLength)
  const iv = keyAndIv.subarray(cipher.keyLength)
  let decipher: Decipheriv
  if (cipher.aead) {
    const gcm = createDecipheriv(cipher.nodeCipher, key, iv)
    if (tag) gcm.setAuthTag(tag)
    decipher = gcm
  } else {
    decipher = createDecipheriv(cipher.nodeCipher, key, iv)
  }
  decipher.setAutoPadding(false)
  try {
    return Buffer.concat([decipher.update(encrypted), decipher.final()])
  } catch {
    // Only GCM fails here: its tag does not verify under the wrong key.
    throw passphraseRejected(WHAT, passphrase)
  }
}

/** JWK wants the CRT exponents OpenSSH does not store: dp = d mod (p-1), dq = d mod (q-1). */
function rsaKeyFromComponents(parts: { n: Buffer; e: Buffer; d: Buffer; p: Buffer; q: Buffer; qi: Buffer }): KeyObject {
  const d = toBigInt(parts.d)
  const dp = d % (toBigInt(parts.p) - 1n)
  const dq = d % (toBigInt(parts.q) - 1n)
  const jwk = {
    kty: 'RSA',
    n: base64url(parts.n),
    e: base64url(parts.e),
    d: base64url(parts.d),
    p: base64url(parts.p),
    q: base64url(parts.q),
    dp: base64url(fromBigInt(dp)),
    dq: base64url(fromBigInt(dq)),
    qi: base64url(parts.qi),
  }
  try {
    return createPrivateKey({ key: jwk, format: 'jwk' })
  } catch {
    throw keyTruncated('the RSA numbers in the OpenSSH key are damaged')
  }
}

/** Names read from the file reach the message only when they look like algorithm names, never as raw bytes. */
function printableName(name: string, otherwise: string): string {
  return /^[A-Za-z0-9@._-]{1,64}$/.test(name) ? name : otherwise
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`)
}

function fromBigInt(value: bigint): Buffer {
  const hex = value.toString(16)
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex')
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url')
}
