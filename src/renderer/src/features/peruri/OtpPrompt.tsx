import { useEffect, useState, type FormEvent } from 'react'
import { useT } from '../../i18n/useT'

/** A new code may be asked for once the previous one had time to arrive. */
export const RESEND_AFTER_SECONDS = 60

/** The OTP step: where the code went, the code field, Sign, and Resend after a countdown. */
export function OtpPrompt(props: { sentTo: string; sentAt: number; value: string; busy: boolean; onChange(value: string): void; onSign(): void; onResend(): void }) {
  const t = useT()
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  const waitSeconds = Math.max(0, RESEND_AFTER_SECONDS - Math.floor((now - props.sentAt) / 1000))

  function submit(event: FormEvent) {
    event.preventDefault()
    if (props.value.trim()) props.onSign()
  }

  return (
    <form className="otp-prompt" onSubmit={submit} data-testid="peruri-otp">
      <p>{t('peruri.otp.sentTo', { to: props.sentTo })}</p>
      <div className="form-row">
        <label>
          {t('peruri.otp')}
          <input value={props.value} onChange={(event) => props.onChange(event.target.value)} inputMode="numeric" autoComplete="one-time-code" maxLength={16} autoFocus />
        </label>
        <button type="submit" className="primary" disabled={props.busy || !props.value.trim()}>
          {t('peruri.otp.sign')}
        </button>
      </div>
      <button type="button" disabled={props.busy || waitSeconds > 0} onClick={props.onResend}>
        {waitSeconds > 0 ? t('peruri.otp.resendIn', { seconds: waitSeconds }) : t('peruri.otp.resend')}
      </button>
    </form>
  )
}
