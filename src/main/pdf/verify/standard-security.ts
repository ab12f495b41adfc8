import { createCipheriv, createDecipheriv, createHash } from 'node:crypto'
import { TekenError } from '../../../shared/errors'
import { asInteger, asName, PdfDict, PdfString, type PdfValue } from '../core/pdf-syntax'

/**
 * The standard security handler (ISO 32000-2 §7.6.4) with the empty user password only: files a
 * viewer opens without asking (owner-password-only files) can be verified; anything that needs a
 * password, or the public-key handler, is `PDF_ENCRYPTED`. Signatures stay checkable because a
 * signature dictionary's /Contents is never encrypted (§7.6.2); other strings are decrypted here.
 */
export interface Decryptor {
  decryptString(bytes: Buffer, num: number, gen: number): Buffer
  decryptStream(bytes: Buffer, num: number, gen: number): Buffer
}

type CryptMethod = 'none' | 'rc4' | 'aes128' | 'aes256'

const HARDENED_HASHES = ['sha256', 'sha384', 'sha512'] as const

/** The 32-byte padding string of Algorithm 2, which is also the empty password padded. */
const PASSWORD_PADDING = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex')

export function openStandardSecurity(encrypt: PdfDict, firstFileId: Buffer): Decryptor {
  const filter = asName(encrypt.get('Filter'))
  if (filter !== 'Standard') {
    throw new TekenError('PDF_ENCRYPTED', `The PDF is encrypted with the ${filter ?? 'unnamed'} security handler, which needs a certificate or plug-in to open; Teken cannot read its signatures.`, { handler: filter ?? '' })
  }
  const version = asInteger(encrypt.get('V')) ?? 0
  const revision = asInteger(encrypt.get('R')) ?? 0
  const owner = stringBytes(encrypt.get('O'))
  const user = stringBytes(encrypt.get('U'))
  const fileKey = revision >= 5 ? aesV3FileKey(revision, user, stringBytes(encrypt.get('UE'))) : md5FileKey(encrypt, version, revision, owner, user, firstFileId)
  if (!fileKey) {
    throw new TekenError('PDF_ENCRYPTED', 'The PDF needs a password to open. Teken verifies only files that open without one.', { revision: String(revision) })
  }
  const stringMethod = cryptMethod(encrypt, version, 'StrF')
  const streamMethod = cryptMethod(encrypt, version, 'StmF')
  const decrypt = (method: CryptMethod, bytes: Buffer, num: number, gen: number): Buffer => {
    if (method === 'none') return bytes
    if (method === 'aes256') return aesDecrypt(fileKey, bytes)
    const objectKey = createHash('md5')
      .update(fileKey)
      .update(Buffer.from([num & 0xff, (num >> 8) & 0xff, (num >> 16) & 0xff, gen & 0xff, (gen >> 8) & 0xff]))
      .update(method === 'aes128' ? Buffer.from('sAlT') : Buffer.alloc(0))
      .digest()
      .subarray(0, Math.min(fileKey.length + 5, 16))
    return method === 'rc4' ? rc4(objectKey, bytes) : aesDecrypt(objectKey, bytes)
  }
  return {
    decryptString: (bytes, num, gen) => decrypt(stringMethod, bytes, num, gen),
    decryptStream: (bytes, num, gen) => decrypt(streamMethod, bytes, num, gen),
  }
}

function stringBytes(value: PdfValue | undefined): Buffer {
  return value instanceof PdfString ? value.bytes : Buffer.alloc(0)
}

function cryptMethod(encrypt: PdfDict, version: number, key: 'StrF' | 'StmF'): CryptMethod {
  if (version < 4) return 'rc4'
  const filterName = asName(encrypt.get(key)) ?? 'Identity'
  if (filterName === 'Identity') return 'none'
  const filters = encrypt.get('CF')
  const filter = filters instanceof PdfDict ? filters.get(filterName) : undefined
  const method = filter instanceof PdfDict ? asName(filter.get('CFM')) : undefined
  switch (method) {
    case 'V2':
      return 'rc4'
    case 'AESV2':
      return 'aes128'
    case 'AESV3':
      return 'aes256'
    case 'None':
      return 'none'
    default:
      throw new TekenError('PDF_ENCRYPTED', `The PDF uses the crypt filter method ${method ?? '(none named)'}, which Teken does not support.`)
  }
}

/** Algorithms 2 and 6 (revisions 2–4) with the empty user password; undefined when that is not the password. */
function md5FileKey(encrypt: PdfDict, version: number, revision: number, owner: Buffer, user: Buffer, firstFileId: Buffer): Buffer | undefined {
  const lengthBits = version === 1 ? 40 : (asInteger(encrypt.get('Length')) ?? 40)
  const keyLength = revision === 2 ? 5 : Math.min(16, Math.max(5, Math.floor(lengthBits / 8)))
  const permissions = Buffer.alloc(4)
  permissions.writeInt32LE((asInteger(encrypt.get('P')) ?? 0) | 0)
  const hash = createHash('md5').update(PASSWORD_PADDING).update(owner.subarray(0, 32)).update(permissions).update(firstFileId)
  if (revision >= 4 && encrypt.get('EncryptMetadata') === false) hash.update(Buffer.from([0xff, 0xff, 0xff, 0xff]))
  let key = hash.digest().subarray(0, keyLength)
  if (revision >= 3) for (let round = 0; round < 50; round += 1) key = createHash('md5').update(key).digest().subarray(0, keyLength)
  if (revision === 2) return rc4(key, PASSWORD_PADDING).equals(user.subarray(0, 32)) ? key : undefined
  let check = rc4(key, createHash('md5').update(PASSWORD_PADDING).update(firstFileId).digest())
  for (let round = 1; round <= 19; round += 1) check = rc4(Buffer.from(key.map((byte) => byte ^ round)), check)
  return check.equals(user.subarray(0, 16)) ? key : undefined
}

/** Algorithm 2.A (revisions 5 and 6) with the empty user password. */
function aesV3FileKey(revision: number, user: Buffer, userEncryptedKey: Buffer): Buffer | undefined {
  if (user.length < 48 || userEncryptedKey.length < 32) return undefined
  const password = Buffer.alloc(0)
  const hash = (salt: Buffer) => (revision === 5 ? createHash('sha256').update(password).update(salt).digest() : hardenedHash(password, salt))
  if (!hash(user.subarray(32, 40)).equals(user.subarray(0, 32))) return undefined
  const decipher = createDecipheriv('aes-256-cbc', hash(user.subarray(40, 48)), Buffer.alloc(16))
  decipher.setAutoPadding(false)
  return Buffer.concat([decipher.update(userEncryptedKey.subarray(0, 32)), decipher.final()])
}

/** Algorithm 2.B (revision 6) for the user password, which has no user-key data to mix in. */
function hardenedHash(password: Buffer, salt: Buffer): Buffer {
  let key = createHash('sha256').update(password).update(salt).digest()
  for (let round = 0; ; round += 1) {
    const block = Buffer.concat([password, key])
    const cipher = createCipheriv('aes-128-cbc', key.subarray(0, 16), key.subarray(16, 32))
    cipher.setAutoPadding(false)
    const encrypted = Buffer.concat([cipher.update(Buffer.concat(Array.from({ length: 64 }, () => block))), cipher.final()])
    let sum = 0
    for (let index = 0; index < 16; index += 1) sum += encrypted[index] ?? 0
    key = createHash(HARDENED_HASHES[sum % 3] ?? 'sha256')
      .update(encrypted)
      .digest()
    if (round >= 63 && (encrypted[encrypted.length - 1] ?? 0) <= round - 31) return key.subarray(0, 32)
  }
}

function aesDecrypt(key: Buffer, data: Buffer): Buffer {
  if (data.length < 32 || data.length % 16 !== 0) return Buffer.alloc(0)
  const decipher = createDecipheriv(key.length === 32 ? 'aes-256-cbc' : 'aes-128-cbc', key, data.subarray(0, 16))
  decipher.setAutoPadding(false)
  const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()])
  const padding = plain[plain.length - 1] ?? 0
  return padding >= 1 && padding <= 16 ? plain.subarray(0, plain.length - padding) : plain
}

/** RC4, which OpenSSL 3 keeps only in its legacy provider. */
function rc4(key: Buffer, data: Buffer): Buffer {
  const state = Array.from({ length: 256 }, (_, index) => index)
  for (let index = 0, mixer = 0; index < 256; index += 1) {
    mixer = (mixer + (state[index] ?? 0) + (key[index % key.length] ?? 0)) & 0xff
    ;[state[index], state[mixer]] = [state[mixer] ?? 0, state[index] ?? 0]
  }
  const output = Buffer.alloc(data.length)
  for (let position = 0, i = 0, j = 0; position < data.length; position += 1) {
    i = (i + 1) & 0xff
    j = (j + (state[i] ?? 0)) & 0xff
    ;[state[i], state[j]] = [state[j] ?? 0, state[i] ?? 0]
    output[position] = (data[position] ?? 0) ^ (state[((state[i] ?? 0) + (state[j] ?? 0)) & 0xff] ?? 0)
  }
  return output
}
