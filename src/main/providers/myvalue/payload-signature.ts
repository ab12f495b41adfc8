import { createHash, createHmac } from 'node:crypto'
import type { MYVALUE_SIGNATURE_ALGORITHMS } from '../../../shared/contract'
import { TekenError } from '../../../shared/errors'
import type { Vault } from '../../vault/vault'

export type MyValueSignatureAlgorithm = (typeof MYVALUE_SIGNATURE_ALGORITHMS)[number]

/**
 * Seed 004 only says MyValue checks "payload sign dengan menggunakan hash sha256"; it names no
 * construction, key or encoding. The default is therefore an assumption, shown to the user as is.
 */
export const MYVALUE_SIGNATURE_ASSUMPTION =
  'MyValue documents only "a payload signature with SHA-256". Teken assumes HMAC-SHA256 of the exact request body bytes, keyed with the client secret, as lowercase hex, sent in X-Signature beside X-Client-Id. Change the algorithm or the header names in the profile if MyValue specifies otherwise.'

export interface MyValueSignature {
  algorithm: MyValueSignatureAlgorithm
  /** Lowercase hex, the usual text form of a SHA-256 digest (as `openssl dgst` and `sha256sum` print it). */
  signature: string
  /**
   * The request body exactly as signed, for display. It never contains the secret: with
   * `sha256-plain` the digest covers these bytes followed by the client secret.
   */
  stringToSign: string
}

/**
 * - `hmac-sha256` (default, assumed): HMAC-SHA256(key = client secret, message = body bytes).
 * - `sha256-plain` (alternative reading of the seed): SHA-256(body bytes ‖ client secret in UTF-8).
 */
export function signMyValuePayload(body: string | Uint8Array, clientSecret: string, algorithm: MyValueSignatureAlgorithm = 'hmac-sha256'): MyValueSignature {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body)
  const signature =
    algorithm === 'hmac-sha256' ? createHmac('sha256', Buffer.from(clientSecret, 'utf8')).update(bytes).digest('hex') : createHash('sha256').update(bytes).update(clientSecret, 'utf8').digest('hex')
  return { algorithm, signature, stringToSign: bytes.toString('utf8') }
}

/** The client secret kept in the vault as a plain value (type client-secret). */
export async function myValueClientSecret(vault: Vault, ref: string): Promise<string> {
  const { item, secret } = await vault.secret(ref)
  if (secret.kind !== 'value') throw new TekenError('VAULT_ITEM_NOT_FOUND', `"${item.name}" is not a client secret.`, { ref })
  return secret.value
}
