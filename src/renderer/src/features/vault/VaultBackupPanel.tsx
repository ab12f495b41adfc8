import { useState, type FormEvent } from 'react'
import { FileDrop } from '../../components/FileDrop'
import { useT } from '../../i18n/useT'
import { readFileForIpc } from '../../lib/files'
import { useToasts, useVault } from '../../stores'

/** Moving machines: the whole vault as one passphrase-protected file, and back. */
export function VaultBackupPanel() {
  const t = useT()
  const { saveBackup, importBackup } = useVault()
  const push = useToasts((state) => state.push)
  const [exportPassphrase, setExportPassphrase] = useState('')
  const [backupFile, setBackupFile] = useState<File>()
  const [importPassphrase, setImportPassphrase] = useState('')

  async function exportVault(event: FormEvent) {
    event.preventDefault()
    const path = await saveBackup(exportPassphrase)
    setExportPassphrase('')
    if (path !== undefined) push({ kind: 'info', title: t('vault.saved', { path }) })
  }

  async function importVault(event: FormEvent) {
    event.preventDefault()
    if (!backupFile) return
    const imported = await importBackup(await readFileForIpc(backupFile), importPassphrase)
    setImportPassphrase('')
    if (imported) push({ kind: 'info', title: t('vault.backup.imported', { count: imported.length }) })
  }

  return (
    <section className="card" aria-labelledby="backup-title">
      <h2 id="backup-title">{t('vault.backup.title')}</h2>
      <form className="form-row" onSubmit={(event) => void exportVault(event)}>
        <label>
          {t('vault.backup.passphrase')}
          <input type="password" autoComplete="new-password" minLength={8} required value={exportPassphrase} onChange={(event) => setExportPassphrase(event.target.value)} />
        </label>
        <button type="submit">{t('vault.backup.export')}</button>
      </form>
      <form className="form-row" onSubmit={(event) => void importVault(event)}>
        <FileDrop label={t('vault.backup.file')} hint={t('vault.import.drop')} file={backupFile} accept=".tekenvault" onFile={setBackupFile} />
        <label>
          {t('vault.backup.passphrase')}
          <input type="password" autoComplete="off" required value={importPassphrase} onChange={(event) => setImportPassphrase(event.target.value)} />
        </label>
        <button type="submit" disabled={!backupFile}>
          {t('vault.backup.import')}
        </button>
      </form>
    </section>
  )
}
