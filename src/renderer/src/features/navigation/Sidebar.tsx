import { useEffect } from 'react'
import { useT } from '../../i18n/useT'
import type { MessageKey } from '../../i18n/messages'
import { useNavigation } from '../../stores'
import { SCREENS, type Screen } from './store'

const LABELS: Record<Screen, MessageKey> = {
  documents: 'nav.documents',
  batches: 'nav.batches',
  keys: 'nav.keys',
  providers: 'nav.providers',
  partners: 'nav.partners',
  audit: 'nav.audit',
  settings: 'nav.settings',
}

export const screenLabel = (screen: Screen): MessageKey => LABELS[screen]

export function Sidebar() {
  const t = useT()
  const current = useNavigation((state) => state.screen)
  const go = useNavigation((state) => state.go)

  // Alt+1…7 jumps to a screen from anywhere.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return
      const screen = SCREENS[Number(event.key) - 1]
      if (screen) {
        event.preventDefault()
        go(screen)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [go])

  return (
    <nav className="sidebar" aria-label={t('nav.label')}>
      <div className="brand">
        <span className="brand-name">Teken</span>
        <span className="brand-tagline">{t('app.tagline')}</span>
      </div>
      <ul>
        {SCREENS.map((screen, index) => (
          <li key={screen}>
            <button
              type="button"
              className="nav-item"
              aria-current={screen === current ? 'page' : undefined}
              aria-keyshortcuts={`Alt+${index + 1}`}
              onClick={() => go(screen)}
            >
              <span>{t(LABELS[screen])}</span>
              <kbd>{t('nav.shortcut', { n: index + 1 })}</kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  )
}
