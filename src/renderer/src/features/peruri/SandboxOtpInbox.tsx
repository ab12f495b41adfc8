import { useEffect, useId } from 'react'
import { formatWib } from '../../../../shared/time'
import { useT } from '../../i18n/useT'
import { usePeruri, useSettings, useToasts } from '../../stores'

/**
 * The embedded sandbox's OTP inbox: the codes real Peruri sends by SMS, shown so that a new user can
 * finish the flow. Main refuses it outside the Sandbox environment, and the panel is only mounted there.
 */
export function SandboxOtpInbox({ email, refreshKey, onUse }: { email: string; refreshKey: number; onUse(code: string): void }) {
  const t = useT()
  const titleId = useId()
  const language = useSettings((state) => state.settings.language)
  const inbox = usePeruri((state) => state.inbox)
  const refreshInbox = usePeruri((state) => state.refreshInbox)
  const push = useToasts((state) => state.push)
  useEffect(() => void refreshInbox(email), [email, refreshKey, refreshInbox])

  async function copy(code: string, element: HTMLElement | null) {
    try {
      await navigator.clipboard.writeText(code)
      push({ kind: 'info', title: t('peruri.inbox.copied') })
    } catch {
      // The app grants no clipboard permission to the page; selecting the code leaves Ctrl+C to the user.
      if (element) window.getSelection()?.selectAllChildren(element)
      push({ kind: 'info', title: t('peruri.inbox.selected') })
    }
  }

  return (
    <section className="otp-inbox" aria-labelledby={titleId} data-testid="sandbox-otp-inbox">
      <h4 id={titleId}>{t('peruri.inbox.title')}</h4>
      <p className="muted">{t('peruri.inbox.note')}</p>
      {inbox.length === 0 && <p>{t('peruri.inbox.empty', { email })}</p>}
      <ul>
        {inbox.map((message) => (
          <li key={`${message.issuedAt}-${message.otp}`}>
            <code className="otp-code" data-testid="sandbox-otp">
              {message.otp}
            </code>
            <span className="muted">{t('peruri.inbox.meta', { orders: message.orderIds.join(', '), time: formatWib(new Date(message.expiresAt), language) })}</span>
            <span className="row-actions">
              <button type="button" onClick={(event) => void copy(message.otp, event.currentTarget.closest('li')?.querySelector('code') ?? null)}>
                {t('common.copy')}
              </button>
              <button type="button" onClick={() => onUse(message.otp)}>
                {t('peruri.inbox.use')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void refreshInbox(email)}>
        {t('peruri.inbox.refresh')}
      </button>
    </section>
  )
}
