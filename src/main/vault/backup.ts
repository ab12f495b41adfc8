import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto'
import { promisify } from 'node:util'
import { z } from 'zod'
import { TekenError } from '../../shared/errors'

/**
 * A passphrase-protected backup of the whole vault, for moving machines: scrypt derives the key
 * (N=2^15, r=8, p=1: ~32 MiB and a fraction of a second, per passphrase guess), AES-256-GCM seals it.
 */
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>

const SCRYPT = { N: 2 ** 15, r: 8, p: 1 }
const MAX_MEMORY = 64 * 1024 * 1024

const BackupSchema = z
  .object({
    format: z.literal('teken-vault-backup'),
    version: z.literal(1),
    kdf: z.object({ name: z.literal('scrypt'), N: z.number().int().min(2 ** 14).max(2 ** 20), r: z.number().int().min(1).max(32), p: z.number().int().min(1).max(16), salt: z.base64() }).strict(),
    cipher: z.literal('aes-256-gcm'),
    nonce: z.base64(),
    ciphertext: z.base64(),
    tag: z.base64(),
  })
  .strict()

const backupKey = (passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }) => scryptAsync(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: MAX_MEMORY })

export async function sealBackup(plaintext: Buffer, passphrase: string): Promise<Buffer> {
  const salt = randomBytes(16)
  const nonce = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', await backupKey(passphrase, salt, SCRYPT), nonce)
  cipher.setAAD(Buffer.from('teken-vault-backup/1'))
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  const backup: z.infer<typeof BackupSchema> = {
    format: 'teken-vault-backup',
    version: 1,
    kdf: { name: 'scrypt', ...SCRYPT, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    nonce: nonce.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  }
  return Buffer.from(`${JSON.stringify(backup, null, 2)}\n`)
}

export async function openBackup(file: Uint8Array, passphrase: string): Promise<Buffer> {
  let backup: z.infer<typeof BackupSchema>
  try {
    backup = BackupSchema.parse(JSON.parse(Buffer.from(file).toString('utf8')))
  } catch {
    throw new TekenError('VAULT_EXPORT_CORRUPT', 'This is not a Teken vault backup, or it is damaged.')
  }
  const key = await backupKey(passphrase, Buffer.from(backup.kdf.salt, 'base64'), backup.kdf)
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(backup.nonce, 'base64'))
  decipher.setAAD(Buffer.from('teken-vault-backup/1'))
  decipher.setAuthTag(Buffer.from(backup.tag, 'base64'))
  try {
    return Buffer.concat([decipher.update(Buffer.from(backup.ciphertext, 'base64')), decipher.final()])
  } catch {
    throw new TekenError('VAULT_EXPORT_WRONG_PASSPHRASE', 'That passphrase does not open this vault backup (or the backup was altered).')
  }
}
