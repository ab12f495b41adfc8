import type { MessageKey } from '../../i18n/messages'
import { useT } from '../../i18n/useT'

/** An honest placeholder: says what the screen will do and that it does nothing yet. */
export function ComingLaterScreen({ description }: { description: MessageKey }) {
  const t = useT()
  return (
    <section className="card coming-later">
      <span className="badge">{t('later.badge')}</span>
      <p>{t(description)}</p>
      <p className="muted">{t('later.body')}</p>
    </section>
  )
}
