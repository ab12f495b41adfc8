import { useState } from 'react'
import type { VaultItemSummary, VaultSecretField } from '../../../../shared/contract'
import { formatWib } from '../../../../shared/time'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useT } from '../../i18n/useT'
import { useSettings, useToasts, useVault } from '../../stores'
import { PrivateKeyExport } from './PrivateKeyExport'
import { PublicKeyExport } from './PublicKeyExport'

const isKey = (item: VaultItemSummary) => item.type === 'private-key' || item.type === 'identity'
/** One secret value main may copy or show (never a private key, never a partner profile's fields). */
const isSingleValue = (item: VaultItemSummary) => item.type === 'api-key' || item.type === 'client-secret' || item.type === 'hmac-key'

/** Copy and Show for a stored secret value: main copies it to the clipboard or shows it in its own window. */
function SecretActions({ item }: { item: VaultItemSummary }) {
  const t = useT()
  const push = useToasts((state) => state.push)
  const copySecret = useVault((state) => state.copySecret)
  const revealSecret = useVault((state) => state.revealSecret)

  async function copy(field?: VaultSecretField) {
    const seconds = await copySecret(item.id, field)
    const name = field ? `${item.name} (${t(`vault.field.${field}`)})` : item.name
    if (seconds) push({ kind: 'info', title: t('vault.secretCopied', { name, seconds }) })
  }

  if (item.type === 'basic-auth')
    return (
      <>
        <button type="button" onClick={() => void copy('username')} aria-label={`${t('vault.copyUsername')}: ${item.name}`}>
          {t('vault.copyUsername')}
        </button>
        <button type="button" onClick={() => void copy('password')} aria-label={`${t('vault.copyPassword')}: ${item.name}`}>
          {t('vault.copyPassword')}
        </button>
        <button type="button" onClick={() => void revealSecret(item.id, 'password')} aria-label={`${t('vault.showPassword')}: ${item.name}`}>
          {t('vault.showPassword')}
        </button>
      </>
    )
  if (!isSingleValue(item)) return null
  return (
    <>
      <button type="button" onClick={() => void copy()} aria-label={`${t('common.copy')}: ${item.name}`}>
        {t('common.copy')}
      </button>
      <button type="button" onClick={() => void revealSecret(item.id)} aria-label={`${t('vault.show')}: ${item.name}`}>
        {t('vault.show')}
      </button>
    </>
  )
}

export function KeyList() {
  const t = useT()
  const language = useSettings((state) => state.settings.language)
  const items = useVault((state) => state.items)
  const remove = useVault((state) => state.remove)
  const [publicFor, setPublicFor] = useState<VaultItemSummary>()
  const [privateFor, setPrivateFor] = useState<VaultItemSummary>()
  const [deleting, setDeleting] = useState<VaultItemSummary>()

  if (!items.length) return <p className="muted">{t('vault.empty')}</p>
  return (
    <>
      <table className="items" data-testid="vault-items">
        <thead>
          <tr>
            <th scope="col">{t('vault.col.name')}</th>
            <th scope="col">{t('vault.col.type')}</th>
            <th scope="col">{t('vault.col.details')}</th>
            <th scope="col">{t('vault.col.created')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('vault.col.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <th scope="row">
                {item.name}
                <div className="tags">
                  {item.tags.map((tag) => (
                    <span key={tag} className="tag">
                      {tag}
                    </span>
                  ))}
                </div>
              </th>
              <td>
                <span className={`type type-${item.type}`}>{t(`vault.type.${item.type}`)}</span>
              </td>
              <td>
                {item.bits && <div>RSA-{item.bits}</div>}
                {item.fingerprint && (
                  <div className="mono fingerprint" title={item.fingerprint}>
                    SHA-256 {item.fingerprint}
                  </div>
                )}
                {item.certificate && <div className="muted">{item.certificate.subject}</div>}
                {item.preview && <div className="mono">{item.preview}</div>}
                {item.fieldNames && <div className="muted">{item.fieldNames.join(', ')}</div>}
                {item.source && <div className="muted">{item.source === 'generated' ? t('vault.generated') : item.source}</div>}
              </td>
              <td>{formatWib(new Date(item.createdAt), language)}</td>
              <td className="row-actions">
                {isKey(item) && (
                  <>
                    <button type="button" onClick={() => setPublicFor(item)} aria-label={`${t('vault.publicKey')}: ${item.name}`}>
                      {t('vault.publicKey')}
                    </button>
                    <button type="button" onClick={() => setPrivateFor(item)} aria-label={`${t('vault.exportPrivate')}: ${item.name}`}>
                      {t('vault.exportPrivate')}
                    </button>
                  </>
                )}
                <SecretActions item={item} />
                <button type="button" className="danger-outline" onClick={() => setDeleting(item)} aria-label={`${t('vault.delete')}: ${item.name}`}>
                  {t('vault.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {publicFor && <PublicKeyExport item={publicFor} onClose={() => setPublicFor(undefined)} />}
      {privateFor && <PrivateKeyExport item={privateFor} onClose={() => setPrivateFor(undefined)} />}
      <ConfirmDialog
        open={deleting !== undefined}
        title={t('vault.delete.title', { name: deleting?.name ?? '' })}
        confirmLabel={t('vault.delete')}
        cancelLabel={t('common.cancel')}
        danger
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          const item = deleting
          setDeleting(undefined)
          if (item) void remove(item.id)
        }}
      >
        <p>{t('vault.delete.body')}</p>
      </ConfirmDialog>
    </>
  )
}
