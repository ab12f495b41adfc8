import { useState, type FormEvent } from 'react'
import { useT } from '../../i18n/useT'
import { parseTags } from '../../lib/files'
import { useToasts, useVault } from '../../stores'

const SECRET_TYPES = ['api-key', 'client-secret', 'hmac-key', 'basic-auth'] as const
type SecretType = (typeof SECRET_TYPES)[number]

/** API keys, client secrets, HMAC keys and Basic-auth pairs go straight to main; the form forgets them on success. */
export function AddSecretForm() {
  const t = useT()
  const addSecret = useVault((state) => state.addSecret)
  const push = useToasts((state) => state.push)
  const [type, setType] = useState<SecretType>('api-key')
  const [name, setName] = useState('')
  const [value, setValue] = useState('')
  const [username, setUsername] = useState('')
  const [tags, setTags] = useState('')

  async function submit(event: FormEvent) {
    event.preventDefault()
    const common = { name, tags: parseTags(tags) }
    const item = await addSecret(type === 'basic-auth' ? { ...common, type, username, password: value } : { ...common, type, value })
    if (!item) return
    setValue('')
    setName('')
    setUsername('')
    push({ kind: 'info', title: t('vault.secret.added', { name: item.name }) })
  }

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="secret-title">
      <h2 id="secret-title">{t('vault.secret.title')}</h2>
      <div className="form-row">
        <label>
          {t('vault.col.type')}
          <select value={type} onChange={(event) => setType(event.target.value as SecretType)}>
            {SECRET_TYPES.map((option) => (
              <option key={option} value={option}>
                {t(`vault.type.${option}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('vault.name')}
          <input required maxLength={80} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        {type === 'basic-auth' && (
          <label>
            {t('vault.secret.username')}
            <input required autoComplete="off" value={username} onChange={(event) => setUsername(event.target.value)} />
          </label>
        )}
        <label>
          {type === 'basic-auth' ? t('vault.secret.password') : t('vault.secret.value')}
          <input type="password" required autoComplete="off" value={value} onChange={(event) => setValue(event.target.value)} />
        </label>
        <label>
          {t('vault.tags')}
          <input value={tags} placeholder="peruri, simas" onChange={(event) => setTags(event.target.value)} />
        </label>
        <button type="submit" className="primary">
          {t('vault.secret.add')}
        </button>
      </div>
    </form>
  )
}
