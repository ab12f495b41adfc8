import { useState, type FormEvent } from 'react'
import { FileDrop } from '../../components/FileDrop'
import { useT } from '../../i18n/useT'
import { parseTags, readFileForIpc } from '../../lib/files'
import { useToasts, useVault } from '../../stores'

/** Import from a file (picked or dropped) or pasted text; main says which format it found. */
export function ImportKeyForm() {
  const t = useT()
  const importKey = useVault((state) => state.importKey)
  const push = useToasts((state) => state.push)
  const [mode, setMode] = useState<'file' | 'paste'>('file')
  const [file, setFile] = useState<File>()
  const [text, setText] = useState('')
  const [name, setName] = useState('')
  const [passphrase, setPassphrase] = useState('')
  const [tags, setTags] = useState('')
  const [found, setFound] = useState<string>()

  async function submit(event: FormEvent) {
    event.preventDefault()
    setFound(undefined)
    const source = mode === 'file' && file ? { kind: 'file' as const, ...(await readFileForIpc(file)) } : { kind: 'paste' as const, text }
    const result = await importKey({ name, tags: parseTags(tags), source, ...(passphrase ? { passphrase } : {}) })
    setPassphrase('')
    if (!result) return
    // Key material is not kept in renderer state once main has it.
    setText('')
    setFile(undefined)
    setName('')
    setFound(result.formatFound)
    push({ kind: 'info', title: t('vault.imported.toast', { name: result.item.name, format: result.formatFound }) })
  }

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="import-title">
      <h2 id="import-title">{t('vault.import.title')}</h2>
      <p className="muted">{t('vault.import.formats')}</p>
      <fieldset className="segmented">
        <legend>{t('vault.import.from')}</legend>
        {(['file', 'paste'] as const).map((option) => (
          <label key={option} className="segment">
            <input type="radio" name="import-mode" checked={mode === option} onChange={() => setMode(option)} />
            {t(`vault.import.mode.${option}`)}
          </label>
        ))}
      </fieldset>
      {mode === 'file' ? (
        <FileDrop label={t('vault.import.file')} hint={t('vault.import.drop')} file={file} onFile={setFile} testId="import-key-drop" />
      ) : (
        <label className="block">
          {t('vault.import.pasteLabel')}
          <textarea className="mono" rows={6} value={text} onChange={(event) => setText(event.target.value)} spellCheck={false} autoComplete="off" />
        </label>
      )}
      <div className="form-row">
        <label>
          {t('vault.name')}
          <input required maxLength={80} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          {t('vault.import.passphrase')}
          <input type="password" autoComplete="off" value={passphrase} onChange={(event) => setPassphrase(event.target.value)} />
        </label>
        <label>
          {t('vault.tags')}
          <input value={tags} placeholder="snap, ovo" onChange={(event) => setTags(event.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={mode === 'file' ? !file : !text.trim()}>
          {t('vault.import')}
        </button>
      </div>
      {found && (
        <p className="ok" role="status">
          {t('vault.import.found', { format: found })}
        </p>
      )}
    </form>
  )
}
