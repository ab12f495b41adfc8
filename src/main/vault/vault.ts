import { createPrivateKey, randomBytes, randomUUID, X509Certificate, type KeyObject } from 'node:crypto'
import { readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { VaultItemSummary, VaultItemType, VaultStatus } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import type { AuditLog } from '../audit/audit-log'
import { maskSecret, type CredentialField } from '../credentials'
import { publicKeyFingerprint } from '../keys'
import { writeFileAtomic } from '../platform/atomic-file'
import { oneAtATime } from '../platform/one-at-a-time'
import type { Clock } from '../ports/clock'
import type { SecretStore } from '../ports/secret-store'
import { openBackup, sealBackup } from './backup'
import { openVault, sealVault, VAULT_KEY_BYTES } from './vault-file'

/** The keychain holds one small secret (the vault key), well under Windows' 2,560-byte credential cap. */
export const VAULT_KEY_ACCOUNT = 'vault-key'

const SecretSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('private-key'), pkcs8: z.string(), certificates: z.array(z.string()) }).strict(),
  z.object({ kind: z.literal('value'), value: z.string() }).strict(),
  z.object({ kind: z.literal('basic-auth'), username: z.string(), password: z.string() }).strict(),
  z.object({ kind: z.literal('fields'), fields: z.array(z.object({ name: z.string(), value: z.string() }).strict()) }).strict(),
])
type StoredSecret = z.infer<typeof SecretSchema>

const StoredItemSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(['private-key', 'identity', 'api-key', 'client-secret', 'hmac-key', 'basic-auth', 'partner-profile']),
    tags: z.array(z.string()),
    createdAt: z.string(),
    source: z.string().optional(),
    secret: SecretSchema,
  })
  .strict()
type StoredItem = z.infer<typeof StoredItemSchema>

const VaultContentsSchema = z.object({ version: z.literal(1), items: z.array(StoredItemSchema) }).strict()

export type NewSecret =
  | { type: 'api-key' | 'client-secret' | 'hmac-key'; value: string }
  | { type: 'basic-auth'; username: string; password: string }
  | { type: 'partner-profile'; fields: CredentialField[] }

function storedSecret(secret: NewSecret): StoredSecret {
  switch (secret.type) {
    case 'basic-auth':
      return { kind: 'basic-auth', username: secret.username, password: secret.password }
    case 'partner-profile':
      return { kind: 'fields', fields: secret.fields }
    default:
      return { kind: 'value', value: secret.value }
  }
}

function summarize(item: StoredItem): VaultItemSummary {
  const base = { id: item.id, name: item.name, type: item.type, tags: item.tags, createdAt: item.createdAt, ...(item.source ? { source: item.source } : {}) }
  const secret = item.secret
  switch (secret.kind) {
    case 'private-key': {
      const key = createPrivateKey(secret.pkcs8)
      const [leaf] = secret.certificates
      const certificate = leaf ? new X509Certificate(leaf) : undefined
      return {
        ...base,
        bits: key.asymmetricKeyDetails?.modulusLength,
        fingerprint: publicKeyFingerprint(key),
        ...(certificate ? { certificate: { subject: certificate.subject.replaceAll('\n', ', '), issuer: certificate.issuer.replaceAll('\n', ', '), notAfter: new Date(certificate.validTo).toISOString() } } : {}),
      }
    }
    case 'value':
      return { ...base, preview: maskSecret(secret.value) }
    case 'basic-auth':
      return { ...base, preview: `${secret.username} / ${maskSecret(secret.password)}` }
    case 'fields':
      return { ...base, fieldNames: secret.fields.map((field) => field.name) }
  }
}

/**
 * Partner keys and credentials, encrypted at rest in `vault.bin` (AES-256-GCM) under a random
 * 256-bit key that lives in the OS keychain. Everything leaving this module towards the renderer
 * is a summary; private keys and secret values are only handed to other main-process code.
 */
export function createVault(options: { dataDir: string; secretStore: SecretStore; clock: Clock; audit: AuditLog }) {
  const file = join(options.dataDir, 'vault.bin')
  const exclusive = oneAtATime()

  const recovery = `Nothing was changed: the vault file stays at ${file}. If you moved machines or reset the keychain, restore the keychain entry (service "${options.secretStore.service}", account "${VAULT_KEY_ACCOUNT}"), or start a new vault (Keys & credentials → Reset vault, or "npm run cli -- vault reset", which keeps the old file aside) and import your vault backup.`

  async function readVaultFile(): Promise<Buffer | null> {
    try {
      return await readFile(file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  async function readVaultKey(): Promise<Buffer | null> {
    const encoded = await options.secretStore.get(VAULT_KEY_ACCOUNT)
    if (encoded === null) return null
    const key = Buffer.from(encoded, 'base64')
    if (key.length !== VAULT_KEY_BYTES) throw new TekenError('VAULT_KEY_MISMATCH', `The keychain entry for the vault key is not a vault key. ${recovery}`)
    return key
  }

  /** The items and key; `exists` says whether there is a vault file at all (an emptied vault still has one). */
  async function load(): Promise<{ items: StoredItem[]; key: Buffer | null; exists: boolean }> {
    const [bytes, key] = await Promise.all([readVaultFile(), readVaultKey()])
    if (!bytes) return { items: [], key, exists: false }
    if (!key) throw new TekenError('VAULT_KEY_MISSING', `The vault file exists but its key is missing from the OS keychain. ${recovery}`)
    const opened = openVault(bytes, key)
    if (!opened.ok) {
      if (opened.reason === 'key-mismatch') throw new TekenError('VAULT_KEY_MISMATCH', `The vault key in the OS keychain is not the one this vault file was written with. ${recovery}`)
      const what = opened.reason === 'unsupported-version' ? `was written by a newer Teken (format ${opened.version})` : 'is damaged'
      throw new TekenError('VAULT_FILE_CORRUPT', `The vault file ${what}. ${recovery}`)
    }
    const contents = VaultContentsSchema.safeParse(JSON.parse(opened.plaintext.toString('utf8')))
    if (!contents.success) throw new TekenError('VAULT_FILE_CORRUPT', `The vault file decrypts but its contents are not a vault. ${recovery}`)
    return { items: contents.data.items, key, exists: true }
  }

  async function save(items: StoredItem[], existingKey: Buffer | null): Promise<void> {
    let key = existingKey
    if (!key) {
      // The key reaches the keychain before any file depends on it.
      key = randomBytes(VAULT_KEY_BYTES)
      await options.secretStore.set(VAULT_KEY_ACCOUNT, key.toString('base64'))
    }
    await writeFileAtomic(file, sealVault(Buffer.from(JSON.stringify({ version: 1, items })), key))
  }

  const lookup = (items: StoredItem[], ref: string): StoredItem | undefined =>
    items.find((candidate) => candidate.id === ref) ?? items.find((candidate) => candidate.name.toLowerCase() === ref.toLowerCase())

  function find(items: StoredItem[], ref: string): StoredItem {
    const item = lookup(items, ref)
    if (!item) throw new TekenError('VAULT_ITEM_NOT_FOUND', `There is no vault item called "${ref}".`, { ref })
    return item
  }

  function assertNamesFree(items: StoredItem[], names: string[]): void {
    const taken = names.filter((name) => items.some((item) => item.name.toLowerCase() === name.toLowerCase()))
    if (taken.length) throw new TekenError('VAULT_NAME_TAKEN', `The vault already has an item called ${taken.map((name) => `"${name}"`).join(', ')}. Choose another name or delete the old item first.`, { names: taken.join(', ') })
  }

  /** Adds an item to the loaded contents; the caller holds the exclusive turn. */
  async function insert(items: StoredItem[], key: Buffer | null, item: Omit<StoredItem, 'id' | 'createdAt'>, action: string, details: Record<string, string>): Promise<StoredItem> {
    assertNamesFree(items, [item.name])
    const stored: StoredItem = { ...item, id: randomUUID(), createdAt: options.clock.now().toISOString() }
    await save([...items, stored], key)
    const fingerprint = summarize(stored).fingerprint
    await options.audit.append({ action, subject: stored.name, details: { type: stored.type, ...details, ...(fingerprint ? { fingerprint } : {}) } })
    return stored
  }

  function add(item: Omit<StoredItem, 'id' | 'createdAt'>, action: string, details: Record<string, string>): Promise<VaultItemSummary> {
    return exclusive(async () => {
      const { items, key } = await load()
      return summarize(await insert(items, key, item, action, details))
    })
  }

  const secretItem = (input: { name: string; tags: string[]; secret: NewSecret }): Omit<StoredItem, 'id' | 'createdAt'> => ({
    name: input.name,
    type: input.secret.type satisfies VaultItemType,
    tags: input.tags,
    secret: storedSecret(input.secret),
  })

  return {
    file,

    async status(): Promise<VaultStatus> {
      try {
        const { items, exists } = await load()
        return { state: exists ? 'ready' : 'empty', file, items: items.length }
      } catch (error) {
        if (!(error instanceof TekenError)) throw error
        const state = ({ VAULT_KEY_MISSING: 'key-missing', VAULT_KEY_MISMATCH: 'key-mismatch', VAULT_FILE_CORRUPT: 'corrupt' } as const)[error.code as 'VAULT_KEY_MISSING']
        if (!state) throw error
        return { state, file, items: 0, problem: error.message }
      }
    },

    async list(): Promise<VaultItemSummary[]> {
      return (await load()).items.map(summarize)
    },

    addPrivateKey(input: { name: string; tags: string[]; key: KeyObject; source: string; certificates?: string[] }): Promise<VaultItemSummary> {
      if (input.key.asymmetricKeyType !== 'rsa') throw new TekenError('KEY_NOT_RSA', 'Only RSA private keys are kept in the vault.')
      const certificates = input.certificates ?? []
      return add(
        {
          name: input.name,
          type: certificates.length ? 'identity' : 'private-key',
          tags: input.tags,
          source: input.source,
          secret: { kind: 'private-key', pkcs8: input.key.export({ type: 'pkcs8', format: 'pem' }).toString(), certificates },
        },
        input.source === 'generated' ? 'vault.key-generated' : 'vault.key-imported',
        { source: input.source },
      )
    },

    addSecret(input: { name: string; tags: string[]; secret: NewSecret }): Promise<VaultItemSummary> {
      return add(secretItem(input), 'vault.secret-added', {})
    },

    /**
     * Main-process only: the secret stored as `name`, or, when there is none yet, `fresh()` stored
     * under that name (the sandboxes' generated secrets, the OTP webhook's login). The look-up and
     * the write take one turn, so two first uses at once make one item.
     */
    secretOnFirstUse(input: { name: string; tags: string[]; fresh: () => NewSecret }): Promise<{ item: VaultItemSummary; secret: StoredSecret; created: boolean }> {
      return exclusive(async () => {
        const { items, key } = await load()
        const existing = lookup(items, input.name)
        const item = existing ?? (await insert(items, key, secretItem({ name: input.name, tags: input.tags, secret: input.fresh() }), 'vault.secret-added', {}))
        return { item: summarize(item), secret: item.secret, created: !existing }
      })
    },

    /** Main-process only: the decrypted key for signing and decrypting. */
    async privateKey(ref: string): Promise<{ item: VaultItemSummary; key: KeyObject; certificates: string[] }> {
      const item = find((await load()).items, ref)
      if (item.secret.kind !== 'private-key') throw new TekenError('VAULT_ITEM_NOT_FOUND', `"${item.name}" is not a private key.`, { ref })
      return { item: summarize(item), key: createPrivateKey(item.secret.pkcs8), certificates: item.secret.certificates }
    },

    /** Main-process only: a stored secret value, for signing partner requests. */
    async secret(ref: string): Promise<{ item: VaultItemSummary; secret: StoredSecret }> {
      const item = find((await load()).items, ref)
      return { item: summarize(item), secret: item.secret }
    },

    remove(ref: string): Promise<VaultItemSummary> {
      return exclusive(async () => {
        const { items, key } = await load()
        const item = find(items, ref)
        await save(
          items.filter((candidate) => candidate.id !== item.id),
          key,
        )
        const summary = summarize(item)
        await options.audit.append({ action: 'vault.item-deleted', subject: item.name, details: { type: item.type, ...(summary.fingerprint ? { fingerprint: summary.fingerprint } : {}) } })
        return summary
      })
    },

    async exportBackup(passphrase: string): Promise<Buffer> {
      const { items } = await load()
      const backup = await sealBackup(Buffer.from(JSON.stringify({ version: 1, items })), passphrase)
      await options.audit.append({ action: 'vault.backup-exported', subject: 'vault', details: { items: String(items.length) } })
      return backup
    },

    /** Adds every item of a backup, or none: a name already in use stops the whole import. */
    importBackup(bytes: Uint8Array, passphrase: string): Promise<VaultItemSummary[]> {
      return exclusive(async () => {
        const contents = VaultContentsSchema.safeParse(JSON.parse((await openBackup(bytes, passphrase)).toString('utf8')))
        if (!contents.success) throw new TekenError('VAULT_EXPORT_CORRUPT', 'The backup opened, but its contents are not a Teken vault.')
        const { items, key } = await load()
        // Items already here (same id) are skipped, so importing the same backup twice adds nothing.
        const fresh = contents.data.items.filter((item) => !items.some((existing) => existing.id === item.id))
        assertNamesFree(
          items,
          fresh.map((item) => item.name),
        )
        await save([...items, ...fresh], key)
        await options.audit.append({ action: 'vault.backup-imported', subject: 'vault', details: { items: String(fresh.length) } })
        return fresh.map(summarize)
      })
    },

    /**
     * Starts a new, empty vault. Nothing is destroyed: the old file is renamed aside and the old
     * keychain entry is kept under a matching account name, so the pair can still be reunited.
     */
    reset(): Promise<{ movedTo?: string }> {
      return exclusive(async () => {
        const stamp = options.clock.now().getTime()
        const aside = `${file}.orphaned-${stamp}`
        let movedTo: string | undefined
        try {
          await rename(file, aside)
          movedTo = aside
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
        }
        const oldKey = await options.secretStore.get(VAULT_KEY_ACCOUNT)
        if (oldKey !== null) {
          await options.secretStore.set(`${VAULT_KEY_ACCOUNT}.orphaned-${stamp}`, oldKey)
          await options.secretStore.delete(VAULT_KEY_ACCOUNT)
        }
        await options.audit.append({ action: 'vault.reset', subject: 'vault', details: movedTo ? { keptAs: movedTo } : {} })
        return movedTo ? { movedTo } : {}
      })
    },
  }
}

export type Vault = ReturnType<typeof createVault>
