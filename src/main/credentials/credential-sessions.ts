import { randomUUID } from 'node:crypto'
import type { DecryptedCredentialsView, VaultItemSummary } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import type { AuditLog } from '../audit/audit-log'
import type { Clock } from '../ports/clock'
import type { Clipboard, SecretPresenter } from '../ports/desktop'
import { copySecretToClipboard } from '../security/secret-clipboard'
import type { Vault } from '../vault/vault'
import { decryptOvoCredentials, type DecryptCredentialOptions, type DecryptedCredentials } from './ovo-credentials'
import { maskSecret, parseCredentials, type CredentialField } from './parse-credentials'

/** How long a decrypted result waits for the user to review, copy or save it before main forgets it. */
export const SESSION_TTL_MS = 10 * 60_000
/** How long a copied field stays on the clipboard: the one rule every copied secret follows. */
export { CLIPBOARD_CLEAR_MS } from '../security/secret-clipboard'

export interface CredentialFiles {
  keyFile: { name: string; bytes: Uint8Array }
  credFile: { name: string; bytes: Uint8Array }
}

/**
 * The SOP with a vault key, audited: what the app's sessions and the CLI's `credentials decrypt`
 * both run. The audit entry names the files, the key and the KDF, never the result.
 */
export async function decryptWithVaultKey(vault: Vault, audit: AuditLog, keyRef: string, files: CredentialFiles, kdf: DecryptCredentialOptions): Promise<{ keyName: string; result: DecryptedCredentials }> {
  const { item, key } = await vault.privateKey(keyRef)
  const result = decryptOvoCredentials(key, files.keyFile.bytes, files.credFile.bytes, kdf)
  await audit.append({
    action: 'credentials.decrypted',
    subject: files.credFile.name,
    details: { key: item.name, keyFile: files.keyFile.name, digest: result.digest, kdf: result.pbkdf2 ? `PBKDF2 (${result.iterations} iterations)` : 'EVP_BytesToKey' },
  })
  return { keyName: item.name, result }
}

interface Session {
  plaintext: Buffer
  fields: CredentialField[]
  keyName: string
  expiry: NodeJS.Timeout
}

/**
 * OVO's credential SOP inside main: decrypt with a vault key, keep the result in memory only, and
 * give the renderer field names and masked values. Copy, reveal and save act on the session here.
 */
export function createCredentialSessions(options: { vault: Vault; clipboard: Clipboard; secretPresenter: SecretPresenter; clock: Clock; audit: AuditLog }) {
  const sessions = new Map<string, Session>()

  function discard(sessionId: string): boolean {
    const session = sessions.get(sessionId)
    if (!session) return false
    clearTimeout(session.expiry)
    session.plaintext.fill(0)
    sessions.delete(sessionId)
    return true
  }

  function session(sessionId: string): Session {
    const found = sessions.get(sessionId)
    if (!found) throw new TekenError('CREDENTIAL_SESSION_EXPIRED', 'The decrypted credentials were discarded (saved, closed or older than 10 minutes). Decrypt the files again.')
    return found
  }

  function field(sessionId: string, name: string): CredentialField {
    const found = session(sessionId).fields.find((candidate) => candidate.name === name)
    if (!found) throw new TekenError('INVALID_REQUEST', `The decrypted credentials have no field "${name}".`)
    return found
  }

  return {
    async decrypt(input: CredentialFiles & { keyRef: string; kdf: DecryptCredentialOptions }): Promise<DecryptedCredentialsView> {
      const { keyName, result } = await decryptWithVaultKey(options.vault, options.audit, input.keyRef, input, input.kdf)
      const parsed = parseCredentials(result.plaintext.toString('utf8'))
      const sessionId = randomUUID()
      const expiresAt = new Date(options.clock.now().getTime() + SESSION_TTL_MS)
      const expiry = setTimeout(() => discard(sessionId), SESSION_TTL_MS)
      expiry.unref()
      sessions.set(sessionId, { plaintext: result.plaintext, fields: parsed.fields, keyName, expiry })
      return {
        sessionId,
        digest: result.digest,
        kdf: result.pbkdf2 ? 'PBKDF2' : 'EVP_BytesToKey',
        ...(result.iterations ? { iterations: result.iterations } : {}),
        triedDigests: result.triedDigests,
        format: parsed.format,
        fields: parsed.fields.map(({ name, value }) => ({ name, masked: maskSecret(value) })),
        expiresAt: expiresAt.toISOString(),
      }
    },

    async copy(sessionId: string, name: string): Promise<{ clearsAfterSeconds: number }> {
      return copySecretToClipboard(options.clipboard, field(sessionId, name).value)
    },

    async reveal(sessionId: string, name: string): Promise<void> {
      await options.secretPresenter.show(name, field(sessionId, name).value)
    },

    async saveProfile(sessionId: string, name: string, tags: string[]): Promise<VaultItemSummary> {
      const { fields, keyName } = session(sessionId)
      const item = await options.vault.addSecret({ name, tags, secret: { type: 'partner-profile', fields } })
      await options.audit.append({ action: 'credentials.profile-saved', subject: name, details: { decryptedWith: keyName, fields: String(fields.length) } })
      discard(sessionId)
      return item
    },

    discard,
  }
}

export type CredentialSessions = ReturnType<typeof createCredentialSessions>
