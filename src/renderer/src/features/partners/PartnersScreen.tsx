import { useId, useState } from 'react'
import type { MessageKey } from '../../i18n/messages'
import { useT } from '../../i18n/useT'
import { ApiWorkbench } from './ApiWorkbench'
import { OvoOnboarding } from './OvoOnboarding'
import { TokenInspector } from './TokenInspector'

const TABS = [
  { id: 'workbench', label: 'partners.tab.workbench', Panel: ApiWorkbench },
  { id: 'tokens', label: 'partners.tab.tokens', Panel: TokenInspector },
  { id: 'onboarding', label: 'partners.tab.onboarding', Panel: OvoOnboarding },
] as const satisfies readonly { id: string; label: MessageKey; Panel: () => React.JSX.Element }[]

type TabId = (typeof TABS)[number]['id']

/** Partner API work: the SNAP/SIMAS-ID/MyValue workbench, the SIMAS-ID token inspector and OVO onboarding. */
export function PartnersScreen() {
  const t = useT()
  const [tab, setTab] = useState<TabId>('workbench')
  const baseId = useId()
  const current = TABS.find((entry) => entry.id === tab)!
  return (
    <>
      <div role="tablist" aria-label={t('nav.partners')} className="tabs">
        {TABS.map((entry) => (
          <button
            key={entry.id}
            type="button"
            role="tab"
            id={`${baseId}-${entry.id}`}
            aria-selected={entry.id === tab}
            aria-controls={`${baseId}-panel`}
            onClick={() => setTab(entry.id)}
          >
            {t(entry.label)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-${tab}`}>
        <current.Panel />
      </div>
    </>
  )
}
