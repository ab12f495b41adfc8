import { useState, type FormEvent } from 'react'
import type { VaultItemSummary } from '../../../../shared/contract'
import { useT } from '../../i18n/useT'
import { useToasts, useVault } from '../../stores'

/** The private key leaves the vault only encrypted under a passphrase, written by main to a file the user picks. */
export function PrivateKeyExport({ item, onClose }: { item: VaultItemSummary; onClose(): void }) {
  const t = useT()
  const savePrivateKey = useVault((state) => state.savePrivateKey)
  const push = useToasts((state) => state.push)
  const [format, setFormat] = useState<'pkcs8-encrypted' | 'pkcs12'>('pkcs12')
  const [passphrase, setPassphrase] = useState('')
  const [repeat, setRepeat] = useState('')
  const mismatch = repeat !== '' && passphrase !== repeat

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (mismatch || passphrase.length < 8) return
    const path = await savePrivateKey(item.id, format, passphrase)
    setPassphrase('')
    setRepeat('')
    if (path !== undefined) {
      push({ kind: 'info', title: t('vault.saved', { path }) })
      onClose()
    }
  }

  return (
    <form className="card panel" onSubmit={(event) => void submit(event)} aria-labelledby="private-export-title">
      <h3 id="private-export-title">{t('vault.exportPrivate.title', { name: item.name })}</h3>
      <label>
        {t('vault.exportPrivate.format')}
        <select value={format} onChange={(event) => setFormat(event.target.value as typeof format)}>
          <option value="pkcs12">{t('vault.format.pkcs12')}</option>
          <option value="pkcs8-encrypted">{t('vault.format.pkcs8-encrypted')}</option>
        </select>
      </label>
      <label>
        {t('vault.passphrase')}
        <input type="password" autoComplete="new-password" minLength={8} required value={passphrase} onChange={(event) => setPassphrase(event.target.value)} />
      </label>
      <label>
        {t('vault.passphrase.repeat')}
        <input type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} aria-invalid={mismatch} />
      </label>
      {mismatch && <p className="problem">{t('vault.passphrase.mismatch')}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={mismatch}>
          {t('vault.exportPrivate.save')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  )
}
