import { useEffect } from 'react'
import { formatWib } from '../../../../shared/time'
import { useT } from '../../i18n/useT'
import { useSettings, useSystem } from '../../stores'
import { OtpWebhookCard } from '../otp/OtpWebhookCard'
import { EnvironmentSwitch } from '../shell/EnvironmentSwitch'
import { LanguageSwitch } from '../shell/LanguageSwitch'

const SNAP_PORTAL = 'https://apidevportal.aspi-indonesia.or.id/'

export function SettingsScreen() {
  const t = useT()
  const language = useSettings((state) => state.settings.language)
  const { appInfo, keychain, loadAppInfo, checkKeychain, openExternalLink } = useSystem()
  useEffect(() => {
    void loadAppInfo()
  }, [loadAppInfo])

  return (
    <>
      <section className="card" aria-labelledby="settings-general">
        <h2 id="settings-general">{t('settings.general')}</h2>
        <div className="stack">
          <LanguageSwitch />
          <EnvironmentSwitch />
        </div>
      </section>

      <section className="card" aria-labelledby="settings-keychain" data-testid="keychain-status">
        <h2 id="settings-keychain">{t('settings.keychain')}</h2>
        {!keychain ? (
          <p>{t('status.keychain.checking')}</p>
        ) : (
          <>
            <p className={keychain.available ? 'ok' : 'problem'} role={keychain.available ? undefined : 'alert'}>
              {keychain.available ? t('status.keychain.ok') : t('status.keychain.missing')}
            </p>
            {keychain.problem && <p className="problem-detail">{keychain.problem}</p>}
            <dl className="facts">
              <dt>{t('settings.keychain.backend')}</dt>
              <dd>{keychain.backend}</dd>
              <dt>{t('settings.keychain.service')}</dt>
              <dd>{keychain.service}</dd>
            </dl>
          </>
        )}
        <button type="button" onClick={() => void checkKeychain()}>
          {t('settings.keychain.recheck')}
        </button>
      </section>

      <OtpWebhookCard />

      <section className="card" aria-labelledby="settings-about" data-testid="app-info">
        <h2 id="settings-about">{t('settings.about')}</h2>
        {!appInfo ? (
          <p>{t('common.loading')}</p>
        ) : (
          <dl className="facts">
            <dt>{t('settings.version')}</dt>
            <dd>{appInfo.version}</dd>
            <dt>{t('settings.runtime')}</dt>
            <dd>
              {appInfo.runtime} · Node {appInfo.versions.node}
              {appInfo.versions.electron ? ` · Electron ${appInfo.versions.electron}` : ''}
            </dd>
            <dt>{t('settings.platform')}</dt>
            <dd>
              {appInfo.platform} ({appInfo.arch})
            </dd>
            <dt>{t('settings.dataDir')}</dt>
            <dd className="mono">{appInfo.dataDir}</dd>
            <dt>{t('settings.startedAt')}</dt>
            <dd>{formatWib(new Date(appInfo.startedAt), language, { seconds: true })}</dd>
          </dl>
        )}
      </section>

      <section className="card" aria-labelledby="settings-help">
        <h2 id="settings-help">{t('settings.help')}</h2>
        <button type="button" className="link" onClick={() => void openExternalLink(SNAP_PORTAL)}>
          {t('settings.help.snap')} ↗
        </button>
      </section>
    </>
  )
}
