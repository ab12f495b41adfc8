import type { VaultItemSummary, VaultSecretField } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import type { AuditLog } from '../audit/audit-log'
import type { Clipboard, SecretPresenter } from '../ports/desktop'
import { copySecretToClipboard } from '../security/secret-clipboard'
import type { Vault } from './vault'

/**
 * Copy and reveal of a stored secret value (an API key, a client secret, an HMAC key, or one half of
 * a Basic-auth pair), from main: the value goes to the OS clipboard or a main-owned window, never to
 * the renderer. Private keys and partner profiles are refused. Each copy and reveal is audited by
 * item and field, never with the value.
 */
export function createVaultSecretAccess(options: { vault: Vault; clipboard: Clipboard; secretPresenter: SecretPresenter; audit: AuditLog }) {
  async function pick(ref: string, field: VaultSecretField | undefined): Promise<{ item: VaultItemSummary; value: string; label: string }> {
    const { item, secret } = await options.vault.secret(ref)
    switch (secret.kind) {
      case 'private-key':
        throw new TekenError(
          'VAULT_ITEM_NOT_COPYABLE',
          `"${item.name}" is a private key: Teken never copies or shows a private key. Export it encrypted (PKCS#8 or PKCS#12), or export its public key.`,
          { name: item.name },
        )
      case 'fields':
        throw new TekenError('VAULT_ITEM_NOT_COPYABLE', `"${item.name}" is a partner profile: its fields are used by Teken's signing, not copied or shown one by one.`, { name: item.name })
      case 'value':
        if (field) throw new TekenError('INVALID_REQUEST', `"${item.name}" holds one value, not a ${field}: copy it without naming a field.`, { name: item.name })
        return { item, value: secret.value, label: item.name }
      case 'basic-auth':
        if (!field) throw new TekenError('INVALID_REQUEST', `"${item.name}" is a Basic-auth pair: choose its username or its password.`, { name: item.name })
        return { item, value: secret[field], label: `${item.name}: ${field}` }
    }
  }

  const audited = (action: 'vault.secret-copied' | 'vault.secret-revealed', item: VaultItemSummary, field: VaultSecretField | undefined) =>
    options.audit.append({ action, subject: item.name, details: { type: item.type, ...(field ? { field } : {}) } })

  return {
    /** Puts the value on the clipboard, which is cleared after 30 s if it still holds it. */
    async copy(ref: string, field?: VaultSecretField): Promise<{ clearsAfterSeconds: number }> {
      const { item, value } = await pick(ref, field)
      const copied = await copySecretToClipboard(options.clipboard, value)
      await audited('vault.secret-copied', item, field)
      return copied
    },

    /** Shows the value in a window main owns; audited once it was shown (a runtime without that window records nothing). */
    async reveal(ref: string, field?: VaultSecretField): Promise<void> {
      const { item, value, label } = await pick(ref, field)
      await options.secretPresenter.show(label, value)
      await audited('vault.secret-revealed', item, field)
    },
  }
}
