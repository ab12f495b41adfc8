import { useMemo, useState, type FormEvent } from 'react'
import { FileDrop } from '../../components/FileDrop'
import { useT } from '../../i18n/useT'
import { parseTags, readFileForIpc } from '../../lib/files'
import { useCredentials, useToasts, useVault } from '../../stores'

/**
 * OVO's SOP without a terminal: key.bin.enc + cred_file.enc + a vault key → fields, masked.
 * Copy and reveal happen in main (clipboard, native window); the values never reach this page.
 */
export function CredentialDecryptPanel() {
  const t = useT()
  // Select the store's own array; a selector that filters would return a new array every time and loop.
  const items = useVault((state) => state.items)
  const keys = useMemo(() => items.filter((item) => item.type === 'private-key' || item.type === 'identity'), [items])
  const { result, busy, decrypt, copy, reveal, save, discard } = useCredentials()
  const push = useToasts((state) => state.push)
  const [keyFile, setKeyFile] = useState<File>()
  const [credFile, setCredFile] = useState<File>()
  const [keyId, setKeyId] = useState('')
  const [digest, setDigest] = useState<'auto' | 'sha256' | 'md5'>('auto')
  const [pbkdf2, setPbkdf2] = useState(false)
  const [iterations, setIterations] = useState('')
  const [profileName, setProfileName] = useState('')
  const [profileTags, setProfileTags] = useState('ovo')
  const chosenKey = keyId || keys[0]?.id || ''

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!keyFile || !credFile || !chosenKey) return
    const iterationCount = Number(iterations)
    await decrypt({
      keyId: chosenKey,
      keyFile: await readFileForIpc(keyFile),
      credFile: await readFileForIpc(credFile),
      digest,
      pbkdf2,
      ...(pbkdf2 && iterationCount > 0 ? { iterations: iterationCount } : {}),
    })
  }

  async function saveProfile(event: FormEvent) {
    event.preventDefault()
    const item = await save(profileName, parseTags(profileTags))
    if (item) {
      push({ kind: 'info', title: t('cred.saved', { name: item.name }) })
      setProfileName('')
    }
  }

  async function copyField(name: string) {
    const seconds = await copy(name)
    if (seconds) push({ kind: 'info', title: t('cred.copied', { name, seconds }) })
  }

  return (
    <section className="card" aria-labelledby="cred-title">
      <h2 id="cred-title">{t('cred.title')}</h2>
      <p className="muted">{t('cred.intro')}</p>
      <form onSubmit={(event) => void submit(event)}>
        <div className="form-row">
          <FileDrop label="key.bin.enc" hint={t('cred.drop')} file={keyFile} onFile={setKeyFile} testId="key-file-drop" />
          <FileDrop label="cred_file.enc" hint={t('cred.drop')} file={credFile} onFile={setCredFile} testId="cred-file-drop" />
        </div>
        <div className="form-row">
          <label>
            {t('cred.key')}
            <select value={chosenKey} onChange={(event) => setKeyId(event.target.value)} required>
              {keys.length === 0 && <option value="">{t('cred.noKeys')}</option>}
              {keys.map((key) => (
                <option key={key.id} value={key.id}>
                  {key.name} (RSA-{key.bits})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('cred.digest')}
            <select value={digest} onChange={(event) => setDigest(event.target.value as typeof digest)}>
              <option value="auto">{t('cred.digest.auto')}</option>
              <option value="sha256">SHA-256 (-md sha256)</option>
              <option value="md5">MD5 (-md md5)</option>
            </select>
          </label>
          <label className="inline">
            <input type="checkbox" checked={pbkdf2} onChange={(event) => setPbkdf2(event.target.checked)} />
            -pbkdf2
          </label>
          {pbkdf2 && (
            <label>
              -iter
              <input type="number" min={1} placeholder="10000" value={iterations} onChange={(event) => setIterations(event.target.value)} />
            </label>
          )}
          <button type="submit" className="primary" disabled={!keyFile || !credFile || !chosenKey || busy}>
            {t('cred.decrypt')}
          </button>
        </div>
      </form>

      {result && (
        <div className="panel" data-testid="credential-result">
          <p className="ok" role="status">
            {t('cred.done', { digest: result.digest.toUpperCase(), kdf: result.kdf })}
            {result.triedDigests.length > 1 && ` ${t('cred.tried', { digests: result.triedDigests.join(' → ') })}`}
          </p>
          <table className="items">
            <thead>
              <tr>
                <th scope="col">{t('cred.field')}</th>
                <th scope="col">{t('cred.value')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('vault.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.fields.map((field) => (
                <tr key={field.name}>
                  <th scope="row" className="mono">
                    {field.name}
                  </th>
                  <td className="mono">{field.masked}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => void reveal(field.name)} aria-label={`${t('cred.reveal')}: ${field.name}`}>
                      {t('cred.reveal')}
                    </button>
                    <button type="button" onClick={() => void copyField(field.name)} aria-label={`${t('common.copy')}: ${field.name}`}>
                      {t('common.copy')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form className="form-row" onSubmit={(event) => void saveProfile(event)}>
            <label>
              {t('cred.profileName')}
              <input required maxLength={80} value={profileName} onChange={(event) => setProfileName(event.target.value)} />
            </label>
            <label>
              {t('vault.tags')}
              <input value={profileTags} onChange={(event) => setProfileTags(event.target.value)} />
            </label>
            <button type="submit" className="primary">
              {t('cred.save')}
            </button>
            <button type="button" onClick={() => void discard()}>
              {t('cred.discard')}
            </button>
          </form>
        </div>
      )}
    </section>
  )
}
