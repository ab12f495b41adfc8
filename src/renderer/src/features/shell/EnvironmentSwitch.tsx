import { useRef, useState } from 'react'
import { ENVIRONMENTS, type Environment } from '../../../../shared/contract'
import { useT } from '../../i18n/useT'
import { useSettings, useToasts } from '../../stores'

/** Sandbox ↔ Staging ↔ Production. Going to Production asks first: signatures there are legal acts. */
export function EnvironmentSwitch() {
  const t = useT()
  const environment = useSettings((state) => state.settings.environment)
  const update = useSettings((state) => state.update)
  const push = useToasts((state) => state.push)
  const dialog = useRef<HTMLDialogElement>(null)
  const [busy, setBusy] = useState(false)

  async function apply(next: Environment) {
    setBusy(true)
    if (await update({ environment: next })) push({ kind: 'info', title: t('env.changed', { env: t(`env.${next}`) }) })
    setBusy(false)
  }

  function choose(next: Environment) {
    if (next === environment) return
    if (next === 'production') dialog.current?.showModal()
    else void apply(next)
  }

  return (
    <fieldset className="segmented" data-environment={environment}>
      <legend>{t('env.label')}</legend>
      {ENVIRONMENTS.map((option) => (
        <label key={option} className={`segment segment-${option}`}>
          <input type="radio" name="environment" value={option} checked={environment === option} disabled={busy} onChange={() => choose(option)} />
          {t(`env.${option}`)}
        </label>
      ))}
      <dialog ref={dialog} className="confirm" aria-labelledby="env-confirm-title">
        <form method="dialog">
          <h2 id="env-confirm-title">{t('env.confirm.title')}</h2>
          <p>{t('env.confirm.body')}</p>
          <div className="actions">
            <button value="cancel" autoFocus>
              {t('env.confirm.cancel')}
            </button>
            <button value="ok" className="danger" onClick={() => void apply('production')}>
              {t('env.confirm.ok')}
            </button>
          </div>
        </form>
      </dialog>
    </fieldset>
  )
}
