import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync, randomBytes } from 'node:crypto'
import { TekenError } from '../../shared/errors'

/** The `-md` of `openssl enc`: SHA-256 is the default since OpenSSL 1.1.0; MD5 before it and in old LibreSSL. */
export type EncDigest = 'sha256' | 'md5'

/**
 * How `openssl enc` turned the password into key and IV. Without `pbkdf2` it is EVP_BytesToKey with
 * one iteration; `iterations` applies to PBKDF2 only (`-iter N` implies `-pbkdf2`).
 */
export interface EncKdf {
  digest: EncDigest
  pbkdf2: boolean
  iterations?: number
}

/** `openssl enc -pbkdf2` without `-iter`. */
export const DEFAULT_PBKDF2_ITERATIONS = 10_000

const CIPHER = 'aes-256-cbc'
const MAGIC = Buffer.from('Salted__', 'latin1')
const SALT_BYTES = 8
const HEADER_BYTES = MAGIC.length + SALT_BYTES
const KEY_BYTES = 32
const IV_BYTES = 16
const BLOCK_BYTES = 16
/** "Salted__" in base64: the start of a file written with `openssl enc -a`. */
const BASE64_MAGIC = Buffer.from('U2FsdGVkX1', 'latin1')

/** Decrypts `openssl enc -aes-256-cbc -salt` output. Returns exactly the bytes `openssl enc -d` writes. */
export function opensslEncDecrypt(data: Uint8Array, password: Uint8Array, kdf: EncKdf): Buffer {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new TekenError(
      'CREDENTIAL_NOT_OPENSSL_ENC',
      bytes.subarray(0, BASE64_MAGIC.length).equals(BASE64_MAGIC)
        ? 'The credential file is base64 text (written with openssl enc -a), not the binary file the OVO procedure decrypts. Decode it first (openssl base64 -d) or ask OVO for the binary cred_file.enc.'
        : 'The credential file is not an openssl enc file: it does not start with "Salted__". Choose the cred_file.enc that OVO sent.',
    )
  }
  const salt = bytes.subarray(MAGIC.length, HEADER_BYTES)
  const ciphertext = bytes.subarray(HEADER_BYTES)
  // AES-CBC with PKCS#7 padding always writes whole 16-byte blocks, at least one.
  if (ciphertext.length === 0 || ciphertext.length % BLOCK_BYTES !== 0) {
    throw new TekenError(
      'CREDENTIAL_NOT_OPENSSL_ENC',
      `The credential file is cut short or damaged: its encrypted part is ${ciphertext.length} bytes, which is not a whole number of 16-byte AES blocks. Download cred_file.enc again.`,
      { encryptedBytes: String(ciphertext.length) },
    )
  }
  const keyAndIv = deriveKeyAndIv(password, salt, kdf)
  try {
    const decipher = createDecipheriv(CIPHER, keyAndIv.subarray(0, KEY_BYTES), keyAndIv.subarray(KEY_BYTES))
    const body = decipher.update(ciphertext)
    try {
      return Buffer.concat([body, decipher.final()])
    } catch {
      // Bad PKCS#7 padding: the key and IV, so the password or the digest, are not the ones used.
      throw new TekenError(
        'CREDENTIAL_WRONG_KEY_OR_DIGEST',
        `The credential file did not decrypt with this password using ${describeKdf(kdf)}: wrong key or digest. Check that key.bin and cred_file.enc come from the same OVO delivery and that the digest is the one OVO used.`,
        { digest: kdf.digest, pbkdf2: String(kdf.pbkdf2) },
      )
    }
  } finally {
    keyAndIv.fill(0)
  }
}

/** Writes what `openssl enc -aes-256-cbc -salt -pass … [-md …] [-pbkdf2 [-iter N]]` writes; `openssl enc -d` reads it back. */
export function opensslEncEncrypt(plaintext: Uint8Array, password: Uint8Array, kdf: EncKdf, salt: Uint8Array = randomBytes(SALT_BYTES)): Buffer {
  if (salt.length !== SALT_BYTES) throw new RangeError(`The openssl enc salt is ${SALT_BYTES} bytes, not ${salt.length}`)
  const keyAndIv = deriveKeyAndIv(password, salt, kdf)
  try {
    const cipher = createCipheriv(CIPHER, keyAndIv.subarray(0, KEY_BYTES), keyAndIv.subarray(KEY_BYTES))
    return Buffer.concat([MAGIC, salt, cipher.update(plaintext), cipher.final()])
  } finally {
    keyAndIv.fill(0)
  }
}

export function describeKdf(kdf: EncKdf): string {
  const digest = kdf.digest === 'sha256' ? 'SHA-256' : 'MD5'
  return kdf.pbkdf2 ? `PBKDF2-HMAC-${digest} (${kdf.iterations ?? DEFAULT_PBKDF2_ITERATIONS} iterations)` : `${digest} (-md ${kdf.digest})`
}

/** key ‖ IV, 48 bytes, as `openssl enc` derives them (apps/enc.c). */
function deriveKeyAndIv(password: Uint8Array, salt: Uint8Array, kdf: EncKdf): Buffer {
  if (!kdf.pbkdf2) {
    if (kdf.iterations !== undefined) throw new RangeError('Iterations apply to PBKDF2 only: set pbkdf2 (openssl -iter implies -pbkdf2)')
    return evpBytesToKey(password, salt, kdf.digest)
  }
  const iterations = kdf.iterations ?? DEFAULT_PBKDF2_ITERATIONS
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new RangeError(`PBKDF2 iterations must be a whole number of at least 1, not ${iterations}`)
  return pbkdf2Sync(password, salt, iterations, KEY_BYTES + IV_BYTES, kdf.digest)
}

/** EVP_BytesToKey with count 1: D_1 = H(pass ‖ salt), D_i = H(D_{i-1} ‖ pass ‖ salt), concatenated. */
function evpBytesToKey(password: Uint8Array, salt: Uint8Array, digest: EncDigest): Buffer {
  const blocks: Buffer[] = []
  let produced = 0
  let previous = Buffer.alloc(0)
  while (produced < KEY_BYTES + IV_BYTES) {
    previous = createHash(digest).update(previous).update(password).update(salt).digest()
    blocks.push(previous)
    produced += previous.length
  }
  const keyAndIv = Buffer.concat(blocks, KEY_BYTES + IV_BYTES)
  for (const block of blocks) block.fill(0)
  return keyAndIv
}
