import type { KeyObject } from 'node:crypto'
import { TekenError } from '../../shared/errors'
import { DEFAULT_PBKDF2_ITERATIONS, describeKdf, opensslEncDecrypt, type EncDigest, type EncKdf } from './openssl-enc'
import { passwordFromPassFile } from './pass-file'
import { rsaPkcs1v15Decrypt } from './rsa-pkcs1'

export interface DecryptCredentialOptions {
  /** The `-md` OVO used. 'auto' (the default) tries SHA-256, then MD5. */
  digest?: EncDigest | 'auto'
  /** `-pbkdf2`. Giving `iterations` turns it on whatever this says, as `-iter` does in openssl. */
  pbkdf2?: boolean
  /** `-iter N`; PBKDF2 only, default 10,000. */
  iterations?: number
}

export interface DecryptedCredentials {
  /** Exactly the bytes of the cred_file.txt that openssl writes. */
  plaintext: Buffer
  /** The digest that worked. */
  digest: EncDigest
  pbkdf2: boolean
  iterations?: number
  /** The digests tried, in order, ending with the one that worked. */
  triedDigests: EncDigest[]
}

/** The order 'auto' tries: today's OpenSSL default first, then the pre-1.1.0 / old LibreSSL one. */
const AUTO_DIGESTS: readonly EncDigest[] = ['sha256', 'md5']

/**
 * OVO's credential procedure, in memory:
 *   openssl rsautl -decrypt -inkey id_rsa.pem -in key.bin.enc -out key.bin
 *   openssl enc -d -aes-256-cbc -in cred_file.enc -out cred_file.txt -pass file:./key.bin -md sha256
 */
export function decryptOvoCredentials(
  privateKey: KeyObject,
  keyFileEnc: Uint8Array,
  credFileEnc: Uint8Array,
  options: DecryptCredentialOptions = {},
): DecryptedCredentials {
  const keyBin = rsaPkcs1v15Decrypt(privateKey, keyFileEnc)
  try {
    const password = passwordFromPassFile(keyBin)
    try {
      return decryptCredentialFile(credFileEnc, password, options)
    } finally {
      password.fill(0)
    }
  } finally {
    keyBin.fill(0)
  }
}

/**
 * The `openssl enc -d` step alone, for a password already read from key.bin. PKCS#7 padding is
 * valid by chance about once in 256 wrong keys, so a result only counts when it is also readable
 * text; anything else is "wrong key or digest", never garbage.
 */
export function decryptCredentialFile(credFileEnc: Uint8Array, password: Uint8Array, options: DecryptCredentialOptions = {}): DecryptedCredentials {
  const pbkdf2 = options.pbkdf2 === true || options.iterations !== undefined
  const iterations = options.iterations ?? (pbkdf2 ? DEFAULT_PBKDF2_ITERATIONS : undefined)
  const kdfWith = (digest: EncDigest): EncKdf => (iterations === undefined ? { digest, pbkdf2 } : { digest, pbkdf2, iterations })
  const digests = options.digest === undefined || options.digest === 'auto' ? AUTO_DIGESTS : [options.digest]
  const triedDigests: EncDigest[] = []
  for (const digest of digests) {
    triedDigests.push(digest)
    const kdf = kdfWith(digest)
    let plaintext: Buffer
    try {
      plaintext = opensslEncDecrypt(credFileEnc, password, kdf)
    } catch (error) {
      if (error instanceof TekenError && error.code === 'CREDENTIAL_WRONG_KEY_OR_DIGEST') continue
      throw error
    }
    if (isPlausibleText(plaintext)) return { plaintext, ...kdf, triedDigests }
    plaintext.fill(0)
  }
  const tried = triedDigests.map((digest) => describeKdf(kdfWith(digest)))
  throw new TekenError(
    'CREDENTIAL_WRONG_KEY_OR_DIGEST',
    `cred_file.enc did not decrypt to readable credentials with this key (tried ${tried.join(', then ')}): wrong key or digest. Check that key.bin.enc and cred_file.enc come from the same OVO delivery, and ask OVO which -md and -pbkdf2/-iter options they used.`,
    { triedDigests: triedDigests.join(','), pbkdf2: String(pbkdf2) },
  )
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true })
/** Control characters (C0, DEL, C1) other than tab, LF and CR. */
const UNEXPECTED_CONTROL = /[^\P{Cc}\t\n\r]/u

/** Credentials are text: valid UTF-8 (a BOM is fine) without stray control characters. */
function isPlausibleText(bytes: Buffer): boolean {
  let text: string
  try {
    text = STRICT_UTF8.decode(bytes)
  } catch {
    return false
  }
  return !UNEXPECTED_CONTROL.test(text)
}
