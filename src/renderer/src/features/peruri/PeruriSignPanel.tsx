import { useEffect, useId, useMemo, useState, type FormEvent } from 'react'
import type { SignatureBox } from '../../../../shared/contract'
import { useT } from '../../i18n/useT'
import { useDocuments, usePeruri, usePlacement, useSettings, useToasts } from '../../stores'
import { VerificationReport } from '../documents/VerificationReport'
import type { PlacedBox } from '../placement/store'
import { OtpPrompt } from './OtpPrompt'
import { PeruriWebView } from './PeruriWebView'
import { PeruriEnvironmentPicker, SignerSuggestions } from './PeruriEnvironmentPicker'
import { SandboxOtpInbox } from './SandboxOtpInbox'

const toSignatureBox = ({ pageNumber, rect, visible, reason, location, certificationLevel }: PlacedBox): SignatureBox => ({
  pageNumber,
  rect: [...rect] as SignatureBox['rect'],
  visible,
  reason,
  location,
  certificationLevel,
})

/**
 * The second way to sign the open document: with the placed boxes, through Peruri. Send → OTP (with
 * resend and a countdown) → sign → status → download → verify report → save. A tier sends the
 * document to the placement signers in order, each signing their own boxes.
 */
export function PeruriSignPanel({ docId }: { docId: string }) {
  const t = useT()
  const suggestionsId = useId()
  const appEnvironment = useSettings((state) => state.settings.environment)
  const { signers, boxes } = usePlacement()
  const openHandle = useDocuments((state) => state.openHandle)
  const push = useToasts((state) => state.push)
  const { environments, env, busy, flow, send, sendTier, requestOtp, sign, refreshStatus, download, save, resetFlow } = usePeruri()
  const [mode, setMode] = useState<'single' | 'tier'>('single')
  const [email, setEmail] = useState('')
  const [tierEmails, setTierEmails] = useState<Record<string, string>>({})
  const [otp, setOtp] = useState('')

  // The flow belongs to the document it sent, or to the signed copy the user is now looking at.
  const current = flow && (flow.docId === docId || flow.downloaded?.document.docId === docId) ? flow : undefined
  useEffect(() => {
    if (flow && !current) void resetFlow(docId)
  }, [flow, current, resetFlow, docId])

  const tierSigners = useMemo(
    () => signers.map((signer) => ({ signer, boxes: boxes.filter((box) => box.signerId === signer.id) })).filter((entry) => entry.boxes.length > 0),
    [signers, boxes],
  )
  const flowEnv = environments.find((option) => option.name === current?.env)
  const showInbox = appEnvironment === 'sandbox' && flowEnv?.embedded === true

  function submit(event: FormEvent) {
    event.preventDefault()
    if (mode === 'single') void send({ docId, email: email.trim(), boxes: boxes.map(toSignatureBox) })
    else void sendTier({ docId, uploader: email.trim(), signers: tierSigners.map((entry) => ({ email: (tierEmails[entry.signer.id] ?? '').trim(), boxes: entry.boxes.map(toSignatureBox) })) })
  }

  async function signWithCode() {
    if (await sign(otp.trim())) setOtp('')
  }

  async function saveSigned() {
    const path = await save()
    if (path !== undefined) push({ kind: 'info', title: t('vault.saved', { path }) })
  }

  const ready = env !== undefined && email.trim() !== '' && (mode === 'single' ? boxes.length > 0 : tierSigners.length > 0 && tierSigners.every((entry) => (tierEmails[entry.signer.id] ?? '').trim() !== ''))
  const status = current?.status
  const otpSentTo = current?.otp ? (current.otp.phone ? `${current.otp.phone} (${current.otp.signer})` : current.otp.signer) : undefined

  return (
    <section aria-labelledby="peruri-sign-title" data-testid="peruri-sign">
      <h3 id="peruri-sign-title">{t('peruri.sign.title')}</h3>
      {!current && (
        <form onSubmit={submit}>
          <PeruriEnvironmentPicker />
          <fieldset className="segmented">
            <legend>{t('peruri.mode')}</legend>
            {(['single', 'tier'] as const).map((option) => (
              <label key={option} className="segment">
                <input type="radio" name="peruri-mode" value={option} checked={mode === option} onChange={() => setMode(option)} />
                {t(`peruri.mode.${option}`)}
              </label>
            ))}
          </fieldset>
          <label className="block">
            {mode === 'single' ? t('peruri.email') : t('peruri.uploader')}
            <input type="email" list={suggestionsId} value={email} onChange={(event) => setEmail(event.target.value)} required />
          </label>
          <SignerSuggestions id={suggestionsId} />
          {mode === 'tier' && (
            <fieldset className="tier-signers">
              <legend>{t('peruri.tier.signers')}</legend>
              <p className="muted">{t('peruri.tier.hint')}</p>
              <ol>
                {tierSigners.map((entry, index) => (
                  <li key={entry.signer.id}>
                    <label className="block">
                      {t('peruri.tier.signer', { n: index + 1, name: entry.signer.name, count: entry.boxes.length })}
                      <input type="email" list={suggestionsId} value={tierEmails[entry.signer.id] ?? ''} onChange={(event) => setTierEmails({ ...tierEmails, [entry.signer.id]: event.target.value })} required />
                    </label>
                  </li>
                ))}
              </ol>
            </fieldset>
          )}
          <button type="submit" className="primary" disabled={!ready || busy}>
            {mode === 'single' ? t('peruri.send', { count: boxes.length }) : t('peruri.sendTier', { count: tierSigners.length })}
          </button>
        </form>
      )}

      {current && (
        <div className="peruri-flow" data-testid="peruri-flow">
          <p>
            <strong>{t('peruri.order', { orderId: current.orderId, env: flowEnv?.embedded ? t('peruri.env.embedded') : current.env })}</strong>
          </p>
          {status && (
            <div role="status" data-testid="peruri-status">
              <p>{status.resultDesc}</p>
              {status.tierSigners && (
                <ol className="tier-progress">
                  {status.tierSigners.map((signer) => (
                    <li key={signer}>
                      {signer} — {status.signedBy?.includes(signer) ? t('peruri.turn.signed') : status.nextSigner === signer ? t('peruri.turn.now') : t('peruri.turn.waiting')}
                    </li>
                  ))}
                </ol>
              )}
            </div>
          )}

          {status && !status.complete && (
            <>
              {current.otp && otpSentTo ? (
                <OtpPrompt
                  sentTo={otpSentTo}
                  sentAt={current.otp.sentAt}
                  identifiers={current.otp.phone ? [current.otp.phone, current.otp.signer] : [current.otp.signer]}
                  value={otp} busy={busy} onChange={setOtp} onSign={() => void signWithCode()} onResend={() => void requestOtp()} />
              ) : (
                <button type="button" className="primary" disabled={busy} onClick={() => void requestOtp()}>
                  {t('peruri.otp.request', { signer: status.nextSigner ?? '' })}
                </button>
              )}
              {showInbox && current.otp && <SandboxOtpInbox email={current.otp.signer} refreshKey={current.otp.sentAt} onUse={setOtp} />}
              {/* Seed 003 §8: a single document can also be signed on Peruri's own page, which asks for its own OTP. */}
              {!status.tierSigners && <PeruriWebView kind="signing" />}
            </>
          )}

          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void refreshStatus()}>
              {t('peruri.status.check')}
            </button>
            {status?.complete && !current.downloaded && (
              <button type="button" className="primary" disabled={busy} onClick={() => void download()}>
                {t('peruri.download')}
              </button>
            )}
          </div>

          {current.downloaded && (
            <>
              <VerificationReport report={current.downloaded.verification} testId="peruri-verification-report" />
              <div className="actions">
                <button type="button" className="primary" disabled={busy} onClick={() => void saveSigned()}>
                  {t('peruri.save')}
                </button>
                {current.downloaded.document.docId !== docId && (
                  <button type="button" onClick={() => void openHandle(current.downloaded!.document)}>
                    {t('peruri.show')}
                  </button>
                )}
              </div>
            </>
          )}
          <button type="button" className="link" onClick={() => void resetFlow(docId)}>
            {t('peruri.restart')}
          </button>
        </div>
      )}
    </section>
  )
}
