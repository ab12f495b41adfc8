import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * `vault.bin`: | "TEKENVLT" | version (1 byte) | key id (8) | nonce (12) | AES-256-GCM ciphertext | tag (16) |
 * The header is authenticated as AAD. The key id (an HMAC of a constant under the vault key) lets
 * Teken tell "the keychain holds a different key" from "the file is damaged" without decrypting.
 */
const MAGIC = Buffer.from('TEKENVLT', 'ascii')
const VERSION = 1
const KEY_ID_BYTES = 8
const NONCE_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = MAGIC.length + 1 + KEY_ID_BYTES + NONCE_BYTES

export const VAULT_KEY_BYTES = 32

export function vaultKeyId(vaultKey: Buffer): Buffer {
  return createHmac('sha256', vaultKey).update('teken vault key id v1').digest().subarray(0, KEY_ID_BYTES)
}

/** A fresh nonce on every write: GCM must never see the same (key, nonce) twice. */
export function sealVault(plaintext: Buffer, vaultKey: Buffer): Buffer {
  const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), vaultKeyId(vaultKey), randomBytes(NONCE_BYTES)])
  const cipher = createCipheriv('aes-256-gcm', vaultKey, header.subarray(HEADER_BYTES - NONCE_BYTES))
  cipher.setAAD(header)
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return Buffer.concat([header, ciphertext, cipher.getAuthTag()])
}

export type OpenVaultResult = { ok: true; plaintext: Buffer } | { ok: false; reason: 'not-a-vault' | 'unsupported-version' | 'key-mismatch' | 'corrupt'; version?: number }

export function openVault(file: Buffer, vaultKey: Buffer): OpenVaultResult {
  if (file.length < HEADER_BYTES + TAG_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) return { ok: false, reason: 'not-a-vault' }
  const version = file[MAGIC.length]
  if (version !== VERSION) return { ok: false, reason: 'unsupported-version', version }
  const header = file.subarray(0, HEADER_BYTES)
  const keyId = header.subarray(MAGIC.length + 1, MAGIC.length + 1 + KEY_ID_BYTES)
  if (!timingSafeEqual(keyId, vaultKeyId(vaultKey))) return { ok: false, reason: 'key-mismatch' }
  const decipher = createDecipheriv('aes-256-gcm', vaultKey, header.subarray(HEADER_BYTES - NONCE_BYTES))
  decipher.setAAD(header)
  decipher.setAuthTag(file.subarray(file.length - TAG_BYTES))
  try {
    return { ok: true, plaintext: Buffer.concat([decipher.update(file.subarray(HEADER_BYTES, file.length - TAG_BYTES)), decipher.final()]) }
  } catch {
    return { ok: false, reason: 'corrupt' }
  }
}
