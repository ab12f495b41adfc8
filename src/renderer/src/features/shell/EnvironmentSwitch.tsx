import { useState } from 'react'
import { ENVIRONMENTS, type Environment } from '../../../../shared/contract'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useT } from '../../i18n/useT'
import { useSettings, useToasts } from '../../stores'

/** Sandbox ↔ Staging ↔ Production. Going to Production asks first: signatures there are legal acts. */
export function EnvironmentSwitch() {
  const t = useT()
  const environment = useSettings((state) => state.settings.environment)
  const update = useSettings((state) => state.update)
  const push = useToasts((state) => state.push)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)

  async function apply(next: Environment) {
    setBusy(true)
    if (await update({ environment: next })) push({ kind: 'info', title: t('env.changed', { env: t(`env.${next}`) }) })
    setBusy(false)
  }

  function choose(next: Environment) {
    if (next === environment) return
    if (next === 'production') setConfirming(true)
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
      <ConfirmDialog
        open={confirming}
        title={t('env.confirm.title')}
        confirmLabel={t('env.confirm.ok')}
        cancelLabel={t('env.confirm.cancel')}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false)
          void apply('production')
        }}
      >
        <p>{t('env.confirm.body')}</p>
      </ConfirmDialog>
    </fieldset>
  )
}
