import { z } from 'zod'
import { ItemNameSchema, TagsSchema, VaultItemSummarySchema } from './vault'

const EncryptedFile = z.object({ fileName: z.string().max(255), base64: z.base64().max(1024 * 1024) }).strict()
const SessionRef = z.object({ sessionId: z.uuid() }).strict()

/** A decrypted credential as the renderer sees it: names and masked values, never the values. */
export const DecryptedCredentialsViewSchema = z
  .object({
    sessionId: z.uuid(),
    digest: z.enum(['sha256', 'md5']),
    kdf: z.enum(['EVP_BytesToKey', 'PBKDF2']),
    iterations: z.number().int().optional(),
    triedDigests: z.array(z.enum(['sha256', 'md5'])),
    format: z.enum(['json', 'key-value', 'lines']),
    fields: z.array(z.object({ name: z.string(), masked: z.string() }).strict()),
    expiresAt: z.iso.datetime(),
  })
  .strict()
export type DecryptedCredentialsView = z.infer<typeof DecryptedCredentialsViewSchema>

export const credentialChannels = {
  decryptCredentials: {
    request: z
      .object({
        keyId: z.string().min(1),
        keyFile: EncryptedFile,
        credFile: EncryptedFile,
        digest: z.enum(['auto', 'sha256', 'md5']),
        pbkdf2: z.boolean(),
        iterations: z.number().int().min(1).max(10_000_000).optional(),
      })
      .strict(),
    response: DecryptedCredentialsViewSchema,
  },
  copyCredentialField: { request: SessionRef.extend({ field: z.string() }).strict(), response: z.object({ clearsAfterSeconds: z.number().int() }).strict() },
  revealCredentialField: { request: SessionRef.extend({ field: z.string() }).strict(), response: z.object({ shown: z.literal(true) }).strict() },
  saveCredentialProfile: { request: SessionRef.extend({ name: ItemNameSchema, tags: TagsSchema }).strict(), response: VaultItemSummarySchema },
  discardCredentials: { request: SessionRef, response: z.object({ discarded: z.boolean() }).strict() },
} as const
