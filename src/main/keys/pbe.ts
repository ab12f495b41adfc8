import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync, randomBytes } from 'node:crypto'
import forge from 'node-forge'
import { type Asn1, build, bytesOf, childrenOf, fromBinary, isOctetString, isSequence, oidOf, smallIntegerOf, toBinary } from './der'
import { checkKdfCost, keyTruncated, MAX_KDF_ITERATIONS, unsupportedEncryption } from './key-errors'

/*
 * Password-based encryption as PKCS#8 and PKCS#12 use it (RFC 8018 PBES2, RFC 7292 appendix B).
 * Node's OpenSSL does the ciphers and PBKDF2; only RC2, which OpenSSL 3 keeps in its legacy provider
 * (so Node cannot load it), comes from node-forge. Legacy PKCS#12 files encrypt their certificates
 * with RC2-40.
 */

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'

/** PKCS#12's KDF hashes in blocks of this many bytes (the hash's input block size). */
const HASH_BLOCK_BYTES: Record<HashName, number> = { sha1: 64, sha224: 64, sha256: 64, sha384: 128, sha512: 128 }

const PRF_BY_OID: Record<string, HashName> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
}

interface Pbes2Cipher {
  name: string
  nodeCipher: string
  keyLength: number
}

const PBES2_CIPHERS: Record<string, Pbes2Cipher> = {
  '2.16.840.1.101.3.4.1.2': { name: 'AES-128-CBC', nodeCipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'AES-192-CBC', nodeCipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'AES-256-CBC', nodeCipher: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'DES-EDE3-CBC', nodeCipher: 'des-ede3-cbc', keyLength: 24 },
}

interface Pkcs12PbeCipher {
  name: string
  keyLength: number
  /** Node's name, or the RC2 effective key bits for forge. */
  decipher: { node: string } | { rc2Bits: number }
}

const PKCS12_PBE_CIPHERS: Record<string, Pkcs12PbeCipher> = {
  '1.2.840.113549.1.12.1.3': { name: '3DES', keyLength: 24, decipher: { node: 'des-ede3-cbc' } },
  '1.2.840.113549.1.12.1.5': { name: 'RC2', keyLength: 16, decipher: { rc2Bits: 128 } },
  '1.2.840.113549.1.12.1.6': { name: 'RC2', keyLength: 5, decipher: { rc2Bits: 40 } },
}

/** Schemes that show up in old files; named so the error can say what was found. */
const UNSUPPORTED_SCHEME_NAMES: Record<string, string> = {
  '1.2.840.113549.1.5.1': 'PBES1 (MD2, DES)',
  '1.2.840.113549.1.5.3': 'PBES1 (MD5, DES)',
  '1.2.840.113549.1.5.4': 'PBES1 (MD2, RC2)',
  '1.2.840.113549.1.5.6': 'PBES1 (MD5, RC2)',
  '1.2.840.113549.1.5.10': 'PBES1 (SHA-1, DES)',
  '1.2.840.113549.1.5.11': 'PBES1 (SHA-1, RC2)',
  '1.2.840.113549.1.12.1.1': 'PKCS#12 PBE (SHA-1, RC4-128)',
  '1.2.840.113549.1.12.1.2': 'PKCS#12 PBE (SHA-1, RC4-40)',
  '1.2.840.113549.1.12.1.4': 'PKCS#12 PBE (SHA-1, two-key 3DES)',
}

const OID_PBES2 = '1.2.840.113549.1.5.13'
const OID_PBKDF2 = '1.2.840.113549.1.5.12'
const OID_SCRYPT = '1.3.6.1.4.1.11591.4.11'
const OID_HMAC_SHA256 = '1.2.840.113549.2.9'
const OID_AES_256_CBC = '2.16.840.1.101.3.4.1.42'

export type PbeScheme =
  | {
      kind: 'pbes2'
      kdf: { kind: 'pbkdf2'; salt: Buffer; iterations: number; prf: HashName } | { kind: 'scrypt' }
      cipher: Pbes2Cipher
      iv: Buffer
    }
  | { kind: 'pkcs12-pbe'; cipher: Pkcs12PbeCipher; salt: Buffer; iterations: number }

/**
 * Reads a password-based-encryption AlgorithmIdentifier. Schemes Teken cannot decrypt are refused
 * here, before any passphrase is tried, so the user is not told the passphrase is wrong.
 */
export function parsePbeScheme(algorithm: Asn1 | undefined, remedy: string): PbeScheme {
  const [schemeOid, parameters] = childrenOf(algorithm)
  const oid = oidOf(schemeOid)
  if (oid === undefined) throw keyTruncated('the encryption parameters are damaged')
  const pkcs12Cipher = PKCS12_PBE_CIPHERS[oid]
  if (pkcs12Cipher) {
    const [salt, iterations] = childrenOf(parameters)
    return { kind: 'pkcs12-pbe', cipher: pkcs12Cipher, salt: requireBytes(salt), iterations: requireCount(iterations) }
  }
  if (oid !== OID_PBES2) throw unsupportedEncryption(UNSUPPORTED_SCHEME_NAMES[oid] ?? `an unknown scheme (OID ${oid})`, remedy)

  const [kdfAlgorithm, encryptionScheme] = childrenOf(parameters)
  const [kdfOid, kdfParameters] = childrenOf(kdfAlgorithm)
  const [cipherOid, iv] = childrenOf(encryptionScheme)
  const cipher = PBES2_CIPHERS[oidOf(cipherOid) ?? '']
  if (!cipher) throw unsupportedEncryption(`PBES2 with cipher OID ${oidOf(cipherOid) ?? 'missing'}`, remedy)
  const kdf = oidOf(kdfOid)
  if (kdf === OID_SCRYPT) return { kind: 'pbes2', kdf: { kind: 'scrypt' }, cipher, iv: requireBytes(iv) }
  if (kdf !== OID_PBKDF2) throw unsupportedEncryption(`PBES2 with key derivation OID ${kdf ?? 'missing'}`, remedy)

  // PBKDF2-params: salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1
  const [salt, iterations, ...optional] = childrenOf(kdfParameters)
  const prfAlgorithm = optional.find(isSequence)
  const prfOid = prfAlgorithm ? oidOf(childrenOf(prfAlgorithm)[0]) : undefined
  const prf = prfOid === undefined ? 'sha1' : PRF_BY_OID[prfOid]
  if (!prf) throw unsupportedEncryption(`PBKDF2 with PRF OID ${prfOid}`, remedy)
  return { kind: 'pbes2', kdf: { kind: 'pbkdf2', salt: requireBytes(salt), iterations: requireCount(iterations), prf }, cipher, iv: requireBytes(iv) }
}

function requireBytes(node: Asn1 | undefined): Buffer {
  const bytes = isOctetString(node) ? bytesOf(node) : undefined
  if (!bytes) throw keyTruncated('the encryption parameters are damaged')
  return bytes
}

function requireCount(node: Asn1 | undefined): number {
  const count = smallIntegerOf(node)
  if (count === undefined || count < 1) throw keyTruncated('the encryption parameters are damaged')
  return checkKdfCost(count, MAX_KDF_ITERATIONS, 'an iteration count')
}

/** OpenSSL 3 keeps RC2 in its legacy provider, which Node does not load. */
export function nodeCanDecrypt(scheme: PbeScheme): boolean {
  return scheme.kind === 'pbes2' || 'node' in scheme.cipher.decipher
}

/** "PBES2, AES-256-CBC", "PBES2 (scrypt), AES-256-CBC" or "PKCS#12 PBE, 3DES". */
export function describePbeScheme(scheme: PbeScheme): string {
  if (scheme.kind === 'pkcs12-pbe') return `PKCS#12 PBE, ${scheme.cipher.name}`
  return `${scheme.kdf.kind === 'scrypt' ? 'PBES2 (scrypt)' : 'PBES2'}, ${scheme.cipher.name}`
}

/**
 * A passphrase in the two encodings the schemes use: PBKDF2 takes the UTF-8 bytes, PKCS#12's KDF takes
 * UTF-16BE with a two-byte terminator. An absent password (OpenSSL's NULL, which some tools write for
 * "no password") is the empty byte string in both.
 */
export interface PbePassword {
  utf8: Buffer
  bmp: Buffer
}

export function pbePassword(passphrase: string): PbePassword {
  return { utf8: Buffer.from(passphrase, 'utf8'), bmp: Buffer.concat([Buffer.from(passphrase, 'utf16le').swap16(), Buffer.alloc(2)]) }
}

export const ABSENT_PASSWORD: PbePassword = { utf8: Buffer.alloc(0), bmp: Buffer.alloc(0) }

/** Decrypts with the scheme; undefined when the padding is wrong, i.e. almost surely the wrong passphrase. */
export function pbeDecrypt(scheme: PbeScheme, ciphertext: Buffer, password: PbePassword, remedy: string): Buffer | undefined {
  if (scheme.kind === 'pbes2') {
    if (scheme.kdf.kind === 'scrypt') throw unsupportedEncryption('scrypt inside a PKCS#12 file', remedy)
    const key = pbkdf2Sync(password.utf8, scheme.kdf.salt, scheme.kdf.iterations, scheme.cipher.keyLength, scheme.kdf.prf)
    return nodeDecrypt(scheme.cipher.nodeCipher, key, scheme.iv, ciphertext)
  }
  const key = pkcs12Kdf('sha1', password.bmp, scheme.salt, 1, scheme.iterations, scheme.cipher.keyLength)
  const iv = pkcs12Kdf('sha1', password.bmp, scheme.salt, 2, scheme.iterations, 8)
  const { decipher } = scheme.cipher
  if ('node' in decipher) return nodeDecrypt(decipher.node, key, iv, ciphertext)
  const rc2 = forge.rc2.createDecryptionCipher(toBinary(key), decipher.rc2Bits)
  rc2.start(toBinary(iv))
  rc2.update(forge.util.createBuffer(toBinary(ciphertext)))
  // forge's own unpadding only checks the last byte against the length; keep the padding and check it here.
  if (!rc2.finish(() => true)) return undefined
  return withoutPkcs7Padding(fromBinary(rc2.output.getBytes()), 8)
}

function withoutPkcs7Padding(bytes: Buffer, blockSize: number): Buffer | undefined {
  const count = bytes.at(-1) ?? 0
  if (count < 1 || count > blockSize || count > bytes.length) return undefined
  return bytes.subarray(bytes.length - count).every((byte) => byte === count) ? bytes.subarray(0, bytes.length - count) : undefined
}

function nodeDecrypt(cipher: string, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv(cipher, key, iv)
    return Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    return undefined
  }
}

/** Iterations for new files: OpenSSL 3's default for PKCS#8 and PKCS#12, so the output matches what `openssl` writes. */
export const PBE_ITERATIONS = 2048

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, as OpenSSL 3 writes it. */
export function pbes2Encrypt(plaintext: Buffer, password: PbePassword): { algorithm: Asn1; ciphertext: Buffer } {
  const salt = randomBytes(16)
  const iv = randomBytes(16)
  const key = pbkdf2Sync(password.utf8, salt, PBE_ITERATIONS, 32, 'sha256')
  const cipher = createCipheriv('aes-256-cbc', key, iv)
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  const algorithm = build.sequence([
    build.oid(OID_PBES2),
    build.sequence([
      build.sequence([
        build.oid(OID_PBKDF2),
        build.sequence([build.octets(salt), build.integer(PBE_ITERATIONS), build.sequence([build.oid(OID_HMAC_SHA256), build.null()])]),
      ]),
      build.sequence([build.oid(OID_AES_256_CBC), build.octets(iv)]),
    ]),
  ])
  return { algorithm, ciphertext }
}

/** RFC 7292 appendix B.2. `id` is 1 for keys, 2 for IVs, 3 for MAC keys. */
export function pkcs12Kdf(hash: HashName, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  const blockBytes = HASH_BLOCK_BYTES[hash]
  const diversifier = Buffer.alloc(blockBytes, id)
  const input = Buffer.concat([repeatToBlocks(salt, blockBytes), repeatToBlocks(password, blockBytes)])
  const output: Buffer[] = []
  for (let produced = 0; produced < length; ) {
    let digest = createHash(hash).update(diversifier).update(input).digest()
    for (let round = 1; round < iterations; round += 1) digest = createHash(hash).update(digest).digest()
    output.push(digest)
    produced += digest.length
    if (produced >= length) break
    // Each block of the input becomes (block + B + 1) mod 2^(8·blockBytes), B being the digest repeated.
    const addend = repeatToLength(digest, blockBytes)
    for (let blockStart = 0; blockStart < input.length; blockStart += blockBytes) {
      let carry = 1
      for (let offset = blockBytes - 1; offset >= 0; offset -= 1) {
        carry += input.readUInt8(blockStart + offset) + addend.readUInt8(offset)
        input.writeUInt8(carry & 0xff, blockStart + offset)
        carry >>>= 8
      }
    }
  }
  return Buffer.concat(output).subarray(0, length)
}

function repeatToBlocks(bytes: Buffer, blockBytes: number): Buffer {
  return repeatToLength(bytes, blockBytes * Math.ceil(bytes.length / blockBytes))
}

function repeatToLength(bytes: Buffer, length: number): Buffer {
  const result = Buffer.alloc(length)
  for (let offset = 0; offset < length; offset += bytes.length) bytes.copy(result, offset, 0, Math.min(bytes.length, length - offset))
  return result
}
