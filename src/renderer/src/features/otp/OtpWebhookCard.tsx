import { useEffect, useId, useState, type FormEvent } from 'react'
import { useT } from '../../i18n/useT'
import { useOtpWebhook, useToasts } from '../../stores'

/** Settings: SIMAS-ID's OTP webhook, run by the app so that codes reach the OTP prompt by themselves. */
export function OtpWebhookCard() {
  const t = useT()
  const titleId = useId()
  const { status, busy, refresh, start, stop, copyCredential, revealCredential } = useOtpWebhook()
  const push = useToasts((state) => state.push)
  // What the user typed; until then, the port main reports.
  const [typedPort, setTypedPort] = useState<string>()
  useEffect(() => void refresh(), [refresh])
  const port = typedPort ?? (status ? String(status.port) : '')

  async function submit(event: FormEvent) {
    event.preventDefault()
    await start(Number(port))
    setTypedPort(undefined)
  }

  async function copyPassword() {
    const seconds = await copyCredential('password')
    if (seconds) push({ kind: 'info', title: t('otpWebhook.passwordCopied', { seconds }) })
  }

  return (
    <section className="card" aria-labelledby={titleId} data-testid="otp-webhook">
      <h2 id={titleId}>{t('otpWebhook.title')}</h2>
      <p className="muted">{t('otpWebhook.intro')}</p>
      {status && (
        <>
          <p className={status.running ? 'ok' : undefined} role="status">
            {status.running ? t('otpWebhook.running') : t('otpWebhook.stopped')}
          </p>
          <dl className="facts">
            {status.url && (
              <>
                <dt>{t('otpWebhook.url')}</dt>
                <dd className="mono" data-testid="otp-webhook-url">
                  {status.url}
                </dd>
              </>
            )}
            <dt>{t('otpWebhook.credentials')}</dt>
            <dd>
              {t('otpWebhook.credentials.value', { name: status.credentialsName })}
              {/* Main copies or shows the password; it never reaches this page. */}
              <div className="row-actions">
                <button type="button" onClick={() => void copyPassword()}>
                  {t('otpWebhook.copyPassword')}
                </button>
                <button type="button" onClick={() => void revealCredential('password')}>
                  {t('otpWebhook.showPassword')}
                </button>
              </div>
            </dd>
          </dl>
          <form className="form-row" onSubmit={(event) => void submit(event)}>
            <label>
              {t('otpWebhook.port')}
              <input type="number" min={0} max={65535} required value={port} onChange={(event) => setTypedPort(event.target.value)} />
            </label>
            <button type="submit" className="primary" disabled={busy || port === ''}>
              {status.running ? t('otpWebhook.restart') : t('otpWebhook.start')}
            </button>
            {status.running && (
              <button type="button" disabled={busy} onClick={() => void stop()}>
                {t('otpWebhook.stop')}
              </button>
            )}
          </form>
        </>
      )}
    </section>
  )
}
