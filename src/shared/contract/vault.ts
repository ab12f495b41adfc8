import { z } from 'zod'

export const VAULT_TAGS = ['snap', 'ovo', 'ifortepay', 'peruri', 'simas', 'myvalue'] as const
export const TagsSchema = z.array(z.string().trim().min(1).max(32)).max(16)

export const VAULT_ITEM_TYPES = ['private-key', 'identity', 'api-key', 'client-secret', 'hmac-key', 'basic-auth', 'partner-profile'] as const
export const VaultItemTypeSchema = z.enum(VAULT_ITEM_TYPES)
export type VaultItemType = z.infer<typeof VaultItemTypeSchema>

export const ItemNameSchema = z.string().trim().min(1).max(80)

/**
 * Everything the renderer may know about a vault item: metadata, fingerprints and masked previews.
 * The secret itself never leaves main.
 */
export const VaultItemSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: VaultItemTypeSchema,
    tags: z.array(z.string()),
    createdAt: z.iso.datetime(),
    bits: z.number().int().optional(),
    /** SHA-256 of the public key's SPKI DER, colon-separated hex. */
    fingerprint: z.string().optional(),
    /** The format the key was imported from, or "generated". */
    source: z.string().optional(),
    certificate: z.object({ subject: z.string(), issuer: z.string(), notAfter: z.iso.datetime() }).strict().optional(),
    /** A masked preview of a secret value, e.g. "ab••••yz". */
    preview: z.string().optional(),
    fieldNames: z.array(z.string()).optional(),
  })
  .strict()
export type VaultItemSummary = z.infer<typeof VaultItemSummarySchema>

export const VaultStatusSchema = z
  .object({
    state: z.enum(['empty', 'ready', 'key-missing', 'key-mismatch', 'corrupt']),
    file: z.string(),
    items: z.number().int(),
    /** What went wrong and how to recover, when the vault cannot be opened. */
    problem: z.string().optional(),
  })
  .strict()
export type VaultStatus = z.infer<typeof VaultStatusSchema>

export const PUBLIC_KEY_FORMATS = ['spki-pem', 'pkcs1-pem', 'spki-der', 'pkcs1-der'] as const
export const PublicKeyFormatSchema = z.enum(PUBLIC_KEY_FORMATS)

const ItemRef = z.object({ id: z.string().min(1) }).strict()
const Passphrase = z.string().min(1).max(1024)
/** Bytes of a file the user picked or dropped, base64 (for encrypted or public material only, or a key being imported). */
const FileBytes = z.base64().max(16 * 1024 * 1024)

export const SavedFileSchema = z.object({ saved: z.boolean(), path: z.string().optional() }).strict()

/** Which half of a Basic-auth pair to copy or show; a single-value secret names none. */
export const VaultSecretFieldSchema = z.enum(['username', 'password'])
export type VaultSecretField = z.infer<typeof VaultSecretFieldSchema>
const SecretRef = ItemRef.extend({ field: VaultSecretFieldSchema.optional() }).strict()

export const vaultChannels = {
  getVaultStatus: { request: z.undefined(), response: VaultStatusSchema },
  listVaultItems: { request: z.undefined(), response: z.array(VaultItemSummarySchema) },
  generateKey: {
    request: z.object({ name: ItemNameSchema, bits: z.union([z.literal(2048), z.literal(4096)]), tags: TagsSchema }).strict(),
    response: VaultItemSummarySchema,
  },
  importKey: {
    request: z
      .object({
        name: ItemNameSchema,
        tags: TagsSchema,
        source: z.discriminatedUnion('kind', [z.object({ kind: z.literal('file'), fileName: z.string().max(255), base64: FileBytes }).strict(), z.object({ kind: z.literal('paste'), text: z.string().max(1024 * 1024) }).strict()]),
        passphrase: Passphrase.optional(),
      })
      .strict(),
    response: z.object({ item: VaultItemSummarySchema, formatFound: z.string() }).strict(),
  },
  addSecret: {
    request: z.discriminatedUnion('type', [
      z.object({ type: z.enum(['api-key', 'client-secret', 'hmac-key']), name: ItemNameSchema, tags: TagsSchema, value: z.string().min(1).max(8192) }).strict(),
      z.object({ type: z.literal('basic-auth'), name: ItemNameSchema, tags: TagsSchema, username: z.string().min(1).max(512), password: z.string().min(1).max(8192) }).strict(),
    ]),
    response: VaultItemSummarySchema,
  },
  deleteVaultItem: { request: ItemRef, response: VaultItemSummarySchema },
  exportPublicKey: {
    request: ItemRef.extend({ format: PublicKeyFormatSchema }).strict(),
    /** Public material only: safe to show and copy. */
    response: z.object({ fileName: z.string(), base64: z.string(), text: z.string().optional(), fingerprint: z.string() }).strict(),
  },
  savePublicKey: { request: ItemRef.extend({ format: PublicKeyFormatSchema }).strict(), response: SavedFileSchema },
  /** Main puts the value on the OS clipboard (cleared after a while); private keys and partner profiles are refused. */
  copyVaultSecret: { request: SecretRef, response: z.object({ clearsAfterSeconds: z.number().int() }).strict() },
  /** Main shows the value in a window it owns; the value never crosses to the renderer. */
  revealVaultSecret: { request: SecretRef, response: z.object({ shown: z.literal(true) }).strict() },
  savePrivateKey: { request: ItemRef.extend({ format: z.enum(['pkcs8-encrypted', 'pkcs12']), passphrase: Passphrase.min(8) }).strict(), response: SavedFileSchema },
  saveVaultBackup: { request: z.object({ passphrase: Passphrase.min(8) }).strict(), response: SavedFileSchema },
  importVaultBackup: {
    request: z.object({ base64: FileBytes, passphrase: Passphrase }).strict(),
    response: z.object({ imported: z.array(VaultItemSummarySchema) }).strict(),
  },
  resetVault: { request: z.object({ confirm: z.literal('RESET') }).strict(), response: z.object({ movedTo: z.string().optional() }).strict() },
} as const
