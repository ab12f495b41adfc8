import { useState, type FormEvent } from 'react'
import { useT } from '../../i18n/useT'
import { parseTags } from '../../lib/files'
import { useToasts, useVault } from '../../stores'

export function GenerateKeyForm() {
  const t = useT()
  const generate = useVault((state) => state.generate)
  const push = useToasts((state) => state.push)
  const [name, setName] = useState('')
  const [bits, setBits] = useState<2048 | 4096>(2048)
  const [tags, setTags] = useState('')
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    const item = await generate({ name, bits, tags: parseTags(tags) })
    setBusy(false)
    if (item) {
      push({ kind: 'info', title: t('vault.generated.toast', { name: item.name, bits: item.bits ?? bits }) })
      setName('')
      setTags('')
    }
  }

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="generate-title">
      <h2 id="generate-title">{t('vault.generate.title')}</h2>
      <div className="form-row">
        <label>
          {t('vault.name')}
          <input required maxLength={80} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          {t('vault.bits')}
          <select value={bits} onChange={(event) => setBits(Number(event.target.value) as 2048 | 4096)}>
            <option value={2048}>RSA 2048</option>
            <option value={4096}>RSA 4096</option>
          </select>
        </label>
        <label>
          {t('vault.tags')}
          <input value={tags} placeholder="snap, ovo" onChange={(event) => setTags(event.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('vault.generating') : t('vault.generate')}
        </button>
      </div>
    </form>
  )
}
