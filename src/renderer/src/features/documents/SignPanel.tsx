import { useMemo, useState } from 'react'
import type { VerificationView } from '../../../../shared/contract'
import { useT } from '../../i18n/useT'
import { FileDrop } from '../../components/FileDrop'
import { readFileForIpc } from '../../lib/files'
import { useDocuments, usePlacement, useToasts, useVault } from '../../stores'
import { VerificationReport } from './VerificationReport'

/** Local signing with a vault identity, and the signature report of what is open or was just signed. */
export function SignPanel({ docId }: { docId: string }) {
  const t = useT()
  const items = useVault((state) => state.items)
  const identities = useMemo(() => items.filter((item) => item.type === 'identity'), [items])
  const boxes = usePlacement((state) => state.boxes)
  const { sign, verify } = useDocuments()
  const push = useToasts((state) => state.push)
  const [identityId, setIdentityId] = useState('')
  const [report, setReport] = useState<VerificationView>()
  const [busy, setBusy] = useState(false)
  const [speciment, setSpeciment] = useState<File>()
  const chosen = identityId || identities[0]?.id || ''

  async function signAndSave() {
    setBusy(true)
    const result = await sign({
      docId,
      identityId: chosen,
      ...(speciment ? { speciment: (await readFileForIpc(speciment)).base64 } : {}),
      boxes: boxes.map(({ pageNumber, rect, visible, reason, location, certificationLevel }) => ({ pageNumber, rect: [...rect] as [number, number, number, number], visible, reason, location, certificationLevel })),
    })
    setBusy(false)
    if (!result) return
    setReport(result.verification)
    if (result.saved) push({ kind: 'info', title: t('vault.saved', { path: result.path ?? '' }) })
  }

  async function check() {
    setReport(await verify(docId))
  }

  return (
    <section aria-labelledby="sign-title">
      <h3 id="sign-title">{t('sign.title')}</h3>
      <label>
        {t('sign.identity')}
        <select value={chosen} onChange={(event) => setIdentityId(event.target.value)}>
          {identities.length === 0 && <option value="">{t('sign.noIdentity')}</option>}
          {identities.map((identity) => (
            <option key={identity.id} value={identity.id}>
              {identity.name} ({identity.certificate?.subject})
            </option>
          ))}
        </select>
      </label>
      <FileDrop label={t('sign.speciment')} hint={t('sign.speciment.hint')} file={speciment} accept="image/png,image/jpeg" onFile={setSpeciment} testId="speciment-drop" />
      <div className="actions">
        <button type="button" className="primary" disabled={!chosen || boxes.length === 0 || busy} onClick={() => void signAndSave()}>
          {busy ? t('sign.signing') : t('sign.sign', { count: boxes.length })}
        </button>
        <button type="button" onClick={() => void check()}>
          {t('sign.verify')}
        </button>
      </div>
      {report && <VerificationReport report={report} />}
    </section>
  )
}
