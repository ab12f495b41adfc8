import { useEffect, useState, type FormEvent } from 'react'
import { FileDrop } from '../../components/FileDrop'
import { useT } from '../../i18n/useT'
import { useDocuments, usePlacement, useVault } from '../../stores'
import { PlacementPanel } from '../placement/PlacementPanel'
import { loadPdf, type LoadedPdf, type PdfLoadFailure } from './pdfjs'
import { PdfViewer } from './PdfViewer'

export function DocumentsScreen() {
  const t = useT()
  const { current, opening, pick, openFile, close } = useDocuments()
  const clearBoxes = usePlacement((state) => state.clear)
  const refreshVault = useVault((state) => state.refresh)
  const [result, setResult] = useState<{ key: string; value: LoadedPdf | PdfLoadFailure }>()
  const [password, setPassword] = useState('')
  const [attempt, setAttempt] = useState<{ docId: string; password: string }>()
  const [scrollTarget, setScrollTarget] = useState<{ pageNumber: number; nonce: number }>()
  const [currentPage, setCurrentPage] = useState(1)
  // A password typed for one document is never tried on the next.
  const triedPassword = attempt && attempt.docId === current?.handle.docId ? attempt.password : undefined
  const key = current ? `${current.handle.docId}:${triedPassword ?? ''}` : ''
  const outcome = result?.key === key ? result.value : undefined
  const loaded = typeof outcome === 'object' ? outcome : undefined
  const failure = typeof outcome === 'string' ? outcome : undefined

  useEffect(() => {
    if (!current) return
    let cancelled = false
    let opened: LoadedPdf | undefined
    void loadPdf(current.data, triedPassword).then((value) => {
      if (cancelled) {
        if (typeof value === 'object') void value.pdf.loadingTask.destroy()
        return
      }
      if (typeof value === 'object') opened = value
      setResult({ key, value })
    })
    return () => {
      cancelled = true
      void opened?.pdf.loadingTask.destroy()
    }
  }, [current, triedPassword, key])

  // A new document starts with no boxes; the identity list comes from the vault.
  useEffect(() => clearBoxes(), [current?.handle.docId, clearBoxes])
  useEffect(() => void refreshVault(), [refreshVault])

  function submitPassword(event: FormEvent) {
    event.preventDefault()
    if (current) setAttempt({ docId: current.handle.docId, password })
    setPassword('')
  }

  return (
    <div className="documents">
      <div className="form-row">
        <button type="button" className="primary" onClick={() => void pick()} disabled={opening}>
          {t('doc.open')}
        </button>
        <FileDrop label={t('doc.drop')} hint={current ? `${current.handle.fileName} (${Math.round(current.handle.size / 1024)} KB)` : t('doc.drop.hint')} accept="application/pdf,.pdf" onFile={(file) => void openFile(file)} testId="pdf-drop" />
        {current && (
          <button type="button" onClick={() => void close()}>
            {t('common.close')}
          </button>
        )}
      </div>

      {current && !loaded && !failure && <p>{t('common.loading')}</p>}
      {(failure === 'password-required' || failure === 'wrong-password') && (
        <form className="card" onSubmit={submitPassword} data-testid="pdf-password">
          <h2>{t('doc.password.title')}</h2>
          {failure === 'wrong-password' && (
            <p className="problem" role="alert">
              {t('doc.password.wrong')}
            </p>
          )}
          <div className="form-row">
            <label>
              {t('doc.password')}
              <input type="password" autoFocus value={password} onChange={(event) => setPassword(event.target.value)} />
            </label>
            <button type="submit" className="primary">
              {t('doc.password.open')}
            </button>
          </div>
        </form>
      )}
      {failure === 'damaged' && (
        <section className="card problem-card" role="alert" data-testid="pdf-damaged">
          <h2>{t('doc.damaged.title')}</h2>
          <p>{t('doc.damaged.body', { file: current?.handle.fileName ?? '' })}</p>
        </section>
      )}

      {loaded && (
        <div className="document-workspace">
          <PdfViewer pdf={loaded.pdf} pages={loaded.pages} scrollToPage={scrollTarget} onCurrentPage={setCurrentPage} />
          <PlacementPanel docId={current!.handle.docId} pages={loaded.pages} currentPage={Math.min(currentPage, loaded.pages.length)} onShowPage={(pageNumber) => setScrollTarget({ pageNumber, nonce: Date.now() })} />
        </div>
      )}
    </div>
  )
}
