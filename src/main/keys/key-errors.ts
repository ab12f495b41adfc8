import { TekenError } from '../../shared/errors'

/*
 * Every message says what was found and what to do next. None may carry key material: they hold names
 * Teken chose (formats, algorithms, key types), and from the file only algorithm names or PEM labels
 * that pass a strict name pattern.
 */

/** `what` names the container, e.g. "key" or "PKCS#12 file". */
export function passphraseRequired(what: string): TekenError {
  return new TekenError('KEY_PASSPHRASE_REQUIRED', `This ${what} is protected by a passphrase. Enter the passphrase that came with it and import it again.`)
}

/** `note` adds a cause specific to the container, e.g. that a PKCS#12 MAC also fails when the file was altered. */
function wrongPassphrase(what: string, note = ''): TekenError {
  return new TekenError(
    'KEY_WRONG_PASSPHRASE',
    `The passphrase does not open this ${what}${note}. Check it for typing errors (passphrases are case-sensitive) or ask whoever sent the ${what} for the right one.`,
  )
}

/** Wrong passphrase when one was typed; otherwise the user has not typed one yet. */
export function passphraseRejected(what: string, passphrase: string | undefined, note = ''): TekenError {
  return passphrase ? wrongPassphrase(what, note) : passphraseRequired(what)
}

export function keyTruncated(reason: string): TekenError {
  return new TekenError(
    'KEY_TRUNCATED',
    `The key file is incomplete or damaged: ${reason}. Copy or download the whole file again (for PEM text, everything from the BEGIN line to the END line) and import it again.`,
    { reason },
  )
}

/** `found` reads as a noun phrase, e.g. "a certificate" or "an SPKI public key (BEGIN PUBLIC KEY)". */
export function keyIsPublic(found: string): TekenError {
  return new TekenError(
    'KEY_IS_PUBLIC',
    `This is ${found}, which holds only the public half of a key pair. Import the private key instead: the file that was generated together with it (often .key, .pem, .p12 or .pfx, or the OpenSSH file without .pub).`,
    { found },
  )
}

/** `found` completes "The private key is …", e.g. "EC (P-256)" or "Ed25519". */
export function keyNotRsa(found: string): TekenError {
  return new TekenError(
    'KEY_NOT_RSA',
    `The private key is ${found}, not RSA. Partners signing with SNAP (such as OVO and Ifortepay) require RSA: generate an RSA key in Teken, or with "openssl genrsa -out key.pem 2048", and register its public key with the partner.`,
    { found },
  )
}

export function keyFormatUnknown(hint?: string): TekenError {
  const known = 'Teken reads PEM (PKCS#1, PKCS#8, encrypted PEM), DER, PKCS#12 (.p12, .pfx) and OpenSSH private keys.'
  return new TekenError('KEY_FORMAT_UNKNOWN', hint ? `${hint} ${known}` : `This file is not a private key format Teken recognises. ${known}`)
}

/** `encryption` names the scheme found; `remedy` says how to re-encrypt the key into one Teken reads. */
export function unsupportedEncryption(encryption: string, remedy: string): TekenError {
  return new TekenError('KEY_UNSUPPORTED_ENCRYPTION', `This key is encrypted with ${encryption}, which Teken cannot decrypt. ${remedy}`, { encryption })
}

export const REMEDY_REENCRYPT =
  'Re-encrypt it with AES-256: "openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.pem -out new.pem" (OpenSSL 3 may need "-provider legacy -provider default" to read the old file), then import new.pem.'

/**
 * Key-derivation work a file may ask for. Real tools stay far below (OpenSSL: 2,048-600,000
 * iterations; ssh-keygen: 16-100 bcrypt rounds); a crafted file asking for more would freeze main.
 */
export const MAX_KDF_ITERATIONS = 5_000_000
export const MAX_BCRYPT_ROUNDS = 1_024

export function checkKdfCost(cost: number, limit: number, what: string): number {
  if (cost > limit) throw unsupportedEncryption(`${what} of ${cost} (Teken accepts up to ${limit})`, 'Re-export the key with standard settings.')
  return cost
}
