import { useEffect, useId, useState } from 'react'
import { SANDBOX_TOKEN_KINDS, type SandboxTokenKind, type TokenReportView } from '../../../../shared/contract'
import { useT } from '../../i18n/useT'
import { useSettings, useTokenInspector } from '../../stores'

/**
 * The SIMAS-ID token inspector: paste an access token, see its claims and a pass/fail line per
 * check with the reason. Main validates against the profile's JWKS; userinfo is seed 002's fallback.
 */
export function TokenInspector() {
  const t = useT()
  const titleId = useId()
  const appEnvironment = useSettings((state) => state.settings.environment)
  const { profiles, profile, token, report, userinfo, busy, load, selectProfile, setToken, inspect, lookUpUserinfo, takeSandboxToken } = useTokenInspector()
  const [sandboxKind, setSandboxKind] = useState<SandboxTokenKind>('valid')
  useEffect(() => void load(), [appEnvironment, load])
  const chosen = profiles.find((candidate) => candidate.name === profile)
  const ready = !busy && chosen !== undefined && token.trim() !== ''

  return (
    <>
      <section className="card" aria-labelledby={titleId} data-testid="token-inspector">
        <h2 id={titleId}>{t('tokens.title')}</h2>
        <p className="muted">{t('tokens.intro')}</p>
        <label className="block">
          {t('tokens.profile')}
          <select value={profile ?? ''} onChange={(event) => selectProfile(event.target.value)}>
            {profiles.map((option) => (
              <option key={option.name} value={option.name}>
                {t(option.builtIn ? 'tokens.profile.builtIn' : 'tokens.profile.option', { name: option.name, clientId: option.clientId })}
              </option>
            ))}
          </select>
        </label>
        {chosen?.builtIn && (
          <div className="form-row" data-testid="sandbox-token">
            <label>
              {t('tokens.sandbox.kind')}
              <select value={sandboxKind} onChange={(event) => setSandboxKind(event.target.value as SandboxTokenKind)}>
                {SANDBOX_TOKEN_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`tokens.sandbox.kind.${kind}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={busy} onClick={() => void takeSandboxToken(sandboxKind)}>
              {t('tokens.sandbox.get')}
            </button>
          </div>
        )}
        <label className="block">
          {t('tokens.token')}
          <textarea className="mono" rows={5} spellCheck={false} value={token} onChange={(event) => setToken(event.target.value)} />
        </label>
        <div className="actions">
          <button type="button" disabled={!ready} onClick={() => void inspect()}>
            {t('tokens.inspect')}
          </button>
          <button type="button" disabled={!ready} onClick={() => void lookUpUserinfo()}>
            {t('tokens.userinfo')}
          </button>
        </div>
        <p className="muted">{t('tokens.userinfo.note')}</p>
      </section>

      {report && <TokenReport report={report} />}
      {userinfo && (
        <section className="card" data-testid="token-userinfo">
          <h2>{t('tokens.userinfo.title')}</h2>
          <pre className="mono signed-text">{JSON.stringify(userinfo, null, 2)}</pre>
        </section>
      )}
    </>
  )
}

function TokenReport({ report }: { report: TokenReportView }) {
  const t = useT()
  const titleId = useId()
  return (
    <section className="card" aria-labelledby={titleId} data-testid="token-report">
      <h2 id={titleId}>{t('tokens.checks')}</h2>
      <p role="status" className={report.valid ? 'ok' : 'problem'}>
        {report.valid ? t('tokens.verdict.valid') : t('tokens.verdict.invalid')}
      </p>
      <ul className="token-checks">
        {report.checks.map((check) => {
          const result = check.skipped ? 'skip' : check.passed ? 'pass' : 'fail'
          return (
            <li key={check.name} data-testid={`token-check-${check.name}`}>
              <span className={`token-result token-${result}`}>{t(`tokens.result.${result}`)}</span> <strong>{t(`tokens.check.${check.name}`)}</strong> — {check.reason}
            </li>
          )
        })}
      </ul>
      {report.claims && (
        <>
          <h3>{t('tokens.claims')}</h3>
          {!report.valid && <p className="muted">{t('tokens.claims.untrusted')}</p>}
          <pre className="mono signed-text" data-testid="token-claims">
            {JSON.stringify(report.claims, null, 2)}
          </pre>
          <h3>{t('tokens.header')}</h3>
          <pre className="mono signed-text">{JSON.stringify(report.header, null, 2)}</pre>
        </>
      )}
    </section>
  )
}
