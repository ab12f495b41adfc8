import { useEffect, useId, useMemo, useState, type FormEvent } from 'react'
import type { BatchOverviewView } from '../../../../shared/contract'
import { formatDuration, formatWib } from '../../../../shared/time'
import { FileDrop } from '../../components/FileDrop'
import type { MessageKey } from '../../i18n/messages'
import { useT } from '../../i18n/useT'
import { useBatches, usePeruri, useSettings, useVault } from '../../stores'
import { PeruriEnvironmentPicker, SignerSuggestions } from '../peruri/PeruriEnvironmentPicker'
import { WebhookOtpOffer } from '../peruri/OtpPrompt'
import { SandboxOtpInbox } from '../peruri/SandboxOtpInbox'
import { BatchDocumentTable } from './BatchDocumentTable'
import { PdfFilesDrop } from './PdfFilesDrop'
import { PlacementPreview } from './PlacementPreview'
import type { BatchModeName } from './store'

const MODES: readonly { mode: BatchModeName; label: MessageKey; note: MessageKey }[] = [
  { mode: 'peruri-bulk', label: 'batch.mode.peruri-bulk', note: 'batch.mode.peruri-bulk.note' },
  { mode: 'peruri-system', label: 'batch.mode.peruri-system', note: 'batch.mode.peruri-system.note' },
  { mode: 'peruri-single', label: 'batch.mode.peruri-single', note: 'batch.mode.peruri-single.note' },
  { mode: 'local', label: 'batch.mode.local', note: 'batch.mode.local.note' },
]

const settledOf = (batch: BatchOverviewView) => batch.counts.verified + batch.counts.failed + batch.counts['needs-review']

/** Bulk signing: put a batch together, follow it document by document, and find earlier ones again. */
export function BatchesScreen() {
  const { open, history, loadHistory } = useBatches()
  useEffect(() => void loadHistory(), [loadHistory])
  const interrupted = history.filter((batch) => batch.interrupted && batch.batchId !== open?.batch.batchId)
  return (
    <>
      {interrupted.map((batch) => (
        <InterruptedNotice key={batch.batchId} batch={batch} />
      ))}
      {open ? <BatchRunPanel /> : <NewBatchForm />}
      <BatchHistory />
    </>
  )
}

function InterruptedNotice({ batch }: { batch: BatchOverviewView }) {
  const t = useT()
  const { resume, busy } = useBatches()
  return (
    <section className="card notice" role="alert" data-testid="batch-interrupted">
      <p>{t('batch.interrupted', { name: batch.name, done: batch.counts.verified, total: batch.total })}</p>
      <button type="button" className="primary" disabled={busy} onClick={() => void resume(batch.batchId)}>
        {t('batch.resume')}
      </button>
    </section>
  )
}

function NewBatchForm() {
  const t = useT()
  const titleId = useId()
  const suggestionsId = useId()
  const { draft, busy, addFiles, setTemplate, choose, start } = useBatches()
  const env = usePeruri((state) => state.env)
  const items = useVault((state) => state.items)
  const identities = useMemo(() => items.filter((item) => item.type === 'identity'), [items])
  useEffect(() => void useVault.getState().refresh(), [])
  const local = draft.mode === 'local'
  const identity = draft.identity || identities[0]?.name || ''
  const signer = local ? identity : draft.email
  const ready = draft.files.length > 0 && draft.staging === 0 && draft.template !== undefined && signer !== '' && (local || env !== undefined)

  function submit(event: FormEvent) {
    event.preventDefault()
    if (ready) void start(signer, local ? undefined : env)
  }

  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('batch.new')}</h2>
      <form onSubmit={submit}>
        <PdfFilesDrop count={draft.files.length} staging={draft.staging} onFiles={(files) => void addFiles(files)} />
        <FileDrop label={t('batch.template')} hint={t('batch.template.hint')} accept=".json,application/json" onFile={(file) => void setTemplate(file)} testId="batch-template" />
        {draft.template && <p className="muted">{t('batch.template.chosen', { name: draft.template.parsed.name ?? draft.template.name, count: draft.template.parsed.boxes.length })}</p>}
        {draft.firstFile && draft.template && <PlacementPreview file={draft.firstFile} template={draft.template.parsed} />}

        <fieldset>
          <legend>{t('batch.mode')}</legend>
          {MODES.map((option) => (
            <label key={option.mode} className="choice">
              <input type="radio" name="batch-mode" value={option.mode} checked={draft.mode === option.mode} onChange={() => choose({ mode: option.mode })} />
              <span>
                {t(option.label)} <span className="muted">{t(option.note)}</span>
              </span>
            </label>
          ))}
        </fieldset>

        {local ? (
          <label className="block">
            {t('batch.identity')}
            <select value={identity} onChange={(event) => choose({ identity: event.target.value })}>
              {identities.length === 0 && <option value="">{t('sign.noIdentity')}</option>}
              {identities.map((item) => (
                <option key={item.id} value={item.name}>
                  {item.name} ({item.certificate?.subject})
                </option>
              ))}
            </select>
          </label>
        ) : (
          <>
            <PeruriEnvironmentPicker />
            <label className="block">
              {t('peruri.signer.email')}
              <input type="email" list={suggestionsId} value={draft.email} onChange={(event) => choose({ email: event.target.value.trim() })} />
            </label>
            <SignerSuggestions id={suggestionsId} />
          </>
        )}
        <button type="submit" className="primary" disabled={busy || !ready}>
          {t('batch.start', { count: draft.files.length })}
        </button>
      </form>
    </section>
  )
}

function BatchRunPanel() {
  const t = useT()
  const titleId = useId()
  const language = useSettings((state) => state.settings.language)
  const { open, busy, control, resume, openOutput, newDraft } = useBatches()
  if (!open) return null
  const { batch, documents } = open
  const settled = settledOf(batch)
  const problems = batch.counts.failed + batch.counts['needs-review']
  const unfinished = batch.total - settled
  const canContinue = !batch.running && (batch.counts.failed > 0 || unfinished > 0)

  return (
    <section className="card batch-run" aria-labelledby={titleId} data-testid="batch-run">
      <h2 id={titleId}>{t('batch.title', { name: batch.name })}</h2>
      <p className="muted">
        {t('batch.meta', { mode: t(`batch.mode.${batch.mode}`), signer: batch.signer, created: formatWib(new Date(batch.createdAt), language) })} · {t(`batch.status.${batch.status}`)}
      </p>
      <progress max={batch.total} value={settled} aria-label={t('batch.progress')} />
      <p aria-live="polite" data-testid="batch-progress">
        {t('batch.progressText', { settled, total: batch.total, verified: batch.counts.verified, problems })}
        {batch.running && batch.etaMs !== undefined && ` · ${t('batch.eta', { eta: formatDuration(batch.etaMs) })}`}
      </p>
      {batch.lastStep && <p className="muted">{batch.lastStep}</p>}
      {batch.runError && <p className="error-text">{t('batch.runError', { reason: batch.runError })}</p>}

      {batch.otp && <BatchOtpForm batchId={batch.batchId} otp={batch.otp} />}

      <div className="form-row">
        {batch.running && (
          <>
            {batch.status === 'paused' ? (
              <button type="button" onClick={() => void control('resume')}>
                {t('batch.continue')}
              </button>
            ) : (
              <button type="button" onClick={() => void control('pause')}>
                {t('batch.pause')}
              </button>
            )}
            <button type="button" onClick={() => void control('cancel')}>
              {t('batch.cancel')}
            </button>
          </>
        )}
        {canContinue && (
          <button type="button" className="primary" disabled={busy} onClick={() => void resume(batch.batchId)}>
            {batch.counts.failed > 0 ? t('batch.retryFailed', { count: batch.counts.failed }) : t('batch.resume')}
          </button>
        )}
        {batch.report && (
          <button type="button" onClick={() => void openOutput('report')}>
            {t('batch.openReport')}
          </button>
        )}
        <button type="button" onClick={() => void openOutput('folder')}>
          {t('batch.openFolder')}
        </button>
        {!batch.running && (
          <button type="button" onClick={newDraft}>
            {t('batch.new')}
          </button>
        )}
      </div>
      <p className="muted">
        {t('batch.output', { path: batch.outputDir })}
        {batch.report && (
          <>
            <br />
            <span data-testid="batch-report">{t('batch.report', { path: batch.report.pdf })}</span>
          </>
        )}
      </p>
      {batch.counts['needs-review'] > 0 && !batch.running && <p className="muted">{t('batch.review.explain')}</p>}
      <BatchDocumentTable documents={documents} canResolve={!batch.running} />
    </section>
  )
}

/** The one OTP a bulk batch asks for (per group); in Sandbox the simulator's inbox is beside it. */
function BatchOtpForm({ batchId, otp }: { batchId: string; otp: NonNullable<BatchOverviewView['otp']> }) {
  const t = useT()
  const environment = useSettings((state) => state.settings.environment)
  const submitOtp = useBatches((state) => state.submitOtp)
  const [code, setCode] = useState('')
  const [sending, setSending] = useState(false)

  async function send(value: string) {
    setSending(true)
    if (await submitOtp(value)) setCode('')
    setSending(false)
  }

  return (
    <div className="otp-prompt" data-testid="batch-otp">
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (code.trim()) void send(code.trim())
        }}
      >
        <p>{t('batch.otp.sentTo', { to: otp.phone ?? otp.email, count: otp.documents })}</p>
        <WebhookOtpOffer identifiers={otp.phone ? [otp.email, otp.phone] : [otp.email]} since={Date.parse(otp.askedAt)} value={code} onUse={setCode} />
        <div className="form-row">
          <label>
            {t('peruri.otp')}
            <input value={code} onChange={(event) => setCode(event.target.value)} inputMode="numeric" autoComplete="one-time-code" maxLength={16} autoFocus />
          </label>
          <button type="submit" className="primary" disabled={sending || !code.trim()}>
            {t('batch.otp.sign', { count: otp.documents })}
          </button>
        </div>
      </form>
      {environment === 'sandbox' && <SandboxOtpInbox key={batchId} email={otp.email} refreshKey={Date.parse(otp.askedAt)} onUse={setCode} />}
    </div>
  )
}

function BatchHistory() {
  const t = useT()
  const titleId = useId()
  const language = useSettings((state) => state.settings.language)
  const { history, open, show } = useBatches()
  if (history.length === 0) return null
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('batch.history')}</h2>
      <ul className="batch-history" data-testid="batch-history">
        {history.map((batch) => (
          <li key={batch.batchId} aria-current={batch.batchId === open?.batch.batchId ? 'true' : undefined}>
            <button type="button" onClick={() => void show(batch.batchId)}>
              {batch.name}
            </button>
            <span className="muted">
              {formatWib(new Date(batch.createdAt), language)} · {t(`batch.mode.${batch.mode}`)} · {t(`batch.status.${batch.status}`)} · {t('batch.historyCounts', { verified: batch.counts.verified, total: batch.total })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
