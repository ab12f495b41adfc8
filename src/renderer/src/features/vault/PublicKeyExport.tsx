import { useEffect, useState } from 'react'
import type { VaultItemSummary } from '../../../../shared/contract'
import { useT } from '../../i18n/useT'
import { useToasts, useVault } from '../../stores'

type Format = 'spki-pem' | 'pkcs1-pem' | 'spki-der' | 'pkcs1-der'
const FORMATS: Format[] = ['spki-pem', 'pkcs1-pem', 'spki-der', 'pkcs1-der']

/** Public material only: shown, copied and saved freely. */
export function PublicKeyExport({ item, onClose }: { item: VaultItemSummary; onClose(): void }) {
  const t = useT()
  const { publicKey, savePublicKey } = useVault()
  const push = useToasts((state) => state.push)
  const [format, setFormat] = useState<Format>('spki-pem')
  const [exported, setExported] = useState<{ fileName: string; text?: string; fingerprint: string }>()

  useEffect(() => {
    let current = true
    void publicKey(item.id, format).then((result) => current && setExported(result))
    return () => {
      current = false
    }
  }, [item.id, format, publicKey])

  async function save() {
    const path = await savePublicKey(item.id, format)
    if (path !== undefined) push({ kind: 'info', title: t('vault.saved', { path }) })
  }

  return (
    <section className="card panel" aria-labelledby="public-key-title" data-testid="public-key-panel">
      <h3 id="public-key-title">{t('vault.publicKey.title', { name: item.name })}</h3>
      <fieldset className="segmented">
        <legend>{t('vault.publicKey.format')}</legend>
        {FORMATS.map((option) => (
          <label key={option} className="segment">
            <input type="radio" name="public-key-format" value={option} checked={format === option} onChange={() => setFormat(option)} />
            {t(`vault.format.${option}`)}
          </label>
        ))}
      </fieldset>
      {exported?.text ? (
        <textarea className="mono pem" readOnly rows={10} value={exported.text} aria-label={t('vault.publicKey.pem')} data-testid="public-key-pem" />
      ) : (
        <p className="muted">{t('vault.publicKey.binary')}</p>
      )}
      {exported && <p className="mono">SHA-256 {exported.fingerprint}</p>}
      <div className="actions">
        {exported?.text && (
          <button type="button" onClick={() => void navigator.clipboard.writeText(exported.text ?? '').then(() => push({ kind: 'info', title: t('vault.copied') }))}>
            {t('common.copy')}
          </button>
        )}
        <button type="button" className="primary" onClick={() => void save()}>
          {t('vault.saveAs', { file: exported?.fileName ?? '' })}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </section>
  )
}
