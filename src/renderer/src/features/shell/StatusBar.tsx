import { useEffect, useState } from 'react'
import { formatWib } from '../../../../shared/time'
import { useT } from '../../i18n/useT'
import { useSettings, useSystem } from '../../stores'

export function StatusBar() {
  const t = useT()
  const { environment, language } = useSettings((state) => state.settings)
  const keychain = useSystem((state) => state.keychain)
  const [now, setNow] = useState(() => new Date())
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1_000)
    return () => clearInterval(timer)
  }, [])

  const keychainText = !keychain ? t('status.keychain.checking') : keychain.available ? t('status.keychain.ok') : t('status.keychain.missing')
  return (
    <footer className="status-bar">
      <span className={`env-badge env-${environment}`} data-testid="env-badge">
        {t(`env.${environment}`)}
      </span>
      <span className="env-note">{t(`env.${environment}.note`)}</span>
      <span className={`keychain-dot ${keychain?.available === false ? 'bad' : 'good'}`}>{keychainText}</span>
      <time dateTime={now.toISOString()} aria-label={t('status.clock')} data-testid="clock">
        {formatWib(now, language)}
      </time>
    </footer>
  )
}
