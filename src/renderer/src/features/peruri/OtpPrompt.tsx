import { useEffect, useState, type FormEvent } from 'react'
import type { ReceivedOtp } from '../../../../shared/contract'
import { useT } from '../../i18n/useT'
import { useOtpWebhook } from '../../stores'

/** A new code may be asked for once the previous one had time to arrive. */
export const RESEND_AFTER_SECONDS = 60

/** How often the open prompt asks main whether the app's OTP webhook received the code. */
const WEBHOOK_POLL_MS = 1500

/** The newest code the app's OTP webhook received for the signer since the OTP was asked for, checked while the prompt is open. */
function useWebhookCode(identifiers: string[], since: number): ReceivedOtp | undefined {
  const received = useOtpWebhook((state) => state.received)
  // A string, so that a new array with the same identifiers does not restart the polling.
  const recipients = identifiers.join('\n')
  const key = `${since}\n${recipients}`
  // Tagged with what it was asked for, so a new request never shows the previous code.
  const [found, setFound] = useState<{ key: string; code: ReceivedOtp }>()
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let open = true
    async function poll() {
      const codes = await received(recipients.split('\n'), since)
      if (!open) return
      if (codes?.[0]) setFound({ key, code: codes[0] })
      // After a reported failure, stop: one error toast, not one every poll.
      if (codes) timer = setTimeout(() => void poll(), WEBHOOK_POLL_MS)
    }
    void poll()
    return () => {
      open = false
      clearTimeout(timer)
    }
  }, [key, recipients, since, received])
  return found?.key === key ? found.code : undefined
}

/** A code the app's OTP webhook received for the signer, offered to the OTP field it belongs to (single and batch signing). */
export function WebhookOtpOffer(props: { identifiers: string[]; since: number; value: string; onUse(code: string): void }) {
  const t = useT()
  const webhookCode = useWebhookCode(props.identifiers, props.since)
  if (!webhookCode) return null
  return (
    <p className="otp-webhook-offer" role="status" data-testid="otp-webhook-offer">
      {t('otpWebhook.received')} <code className="otp-code">{webhookCode.otp}</code>
      <button type="button" disabled={props.value === webhookCode.otp} onClick={() => props.onUse(webhookCode.otp)}>
        {t('otpWebhook.use')}
      </button>
    </p>
  )
}

/** The OTP step: where the code went, a code the app's webhook received, the code field, Sign, and Resend after a countdown. */
export function OtpPrompt(props: {
  sentTo: string
  sentAt: number
  /** The signer's phone and email: the webhook's identifier is either. */
  identifiers: string[]
  value: string
  busy: boolean
  onChange(value: string): void
  onSign(): void
  onResend(): void
}) {
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
      <WebhookOtpOffer identifiers={props.identifiers} since={props.sentAt} value={props.value} onUse={props.onChange} />
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
