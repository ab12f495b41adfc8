import { useEffect, useRef } from 'react'
import { AuditScreen } from './features/audit/AuditScreen'
import { BatchesScreen } from './features/batches/BatchesScreen'
import { DocumentsScreen } from './features/documents/DocumentsScreen'
import { Sidebar, screenLabel } from './features/navigation/Sidebar'
import { PartnersScreen } from './features/partners/PartnersScreen'
import { PeruriSignersScreen } from './features/peruri/PeruriSignersScreen'
import type { Screen } from './features/navigation/store'
import { SettingsScreen } from './features/settings/SettingsScreen'
import { KeysScreen } from './features/vault/KeysScreen'
import { StatusBar } from './features/shell/StatusBar'
import { Toaster } from './features/toasts/Toaster'
import { useT } from './i18n/useT'
import { useNavigation, useSettings, useSystem } from './stores'

const SCREEN_COMPONENTS: Record<Screen, () => React.JSX.Element> = {
  documents: DocumentsScreen,
  batches: BatchesScreen,
  keys: KeysScreen,
  providers: PeruriSignersScreen,
  partners: PartnersScreen,
  audit: AuditScreen,
  settings: SettingsScreen,
}

export function App() {
  const t = useT()
  const screen = useNavigation((state) => state.screen)
  const language = useSettings((state) => state.settings.language)
  const heading = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    void useSettings.getState().load()
    void useSystem.getState().checkKeychain()
  }, [])
  useEffect(() => {
    document.documentElement.lang = language
  }, [language])
  // Moving focus to the new screen's heading tells keyboard and screen-reader users where they are.
  const firstScreen = useRef(true)
  useEffect(() => {
    if (firstScreen.current) firstScreen.current = false
    else heading.current?.focus()
  }, [screen])

  const ScreenComponent = SCREEN_COMPONENTS[screen]
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        {t('nav.skip')}
      </a>
      <Sidebar />
      <main id="content" className="content">
        <h1 ref={heading} tabIndex={-1}>
          {t(screenLabel(screen))}
        </h1>
        <ScreenComponent />
      </main>
      <StatusBar />
      <Toaster />
    </div>
  )
}
