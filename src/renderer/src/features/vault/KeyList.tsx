import { useState } from 'react'
import type { VaultItemSummary } from '../../../../shared/contract'
import { formatWib } from '../../../../shared/time'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useT } from '../../i18n/useT'
import { useSettings, useVault } from '../../stores'
import { PrivateKeyExport } from './PrivateKeyExport'
import { PublicKeyExport } from './PublicKeyExport'

const isKey = (item: VaultItemSummary) => item.type === 'private-key' || item.type === 'identity'

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
