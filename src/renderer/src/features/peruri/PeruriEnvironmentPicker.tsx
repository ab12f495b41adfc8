import { useEffect } from 'react'
import { useT } from '../../i18n/useT'
import { usePeruri, useSettings } from '../../stores'

/** Which Peruri environment calls go to: the one the app's environment switch stands for, or another the user picks. */
export function PeruriEnvironmentPicker() {
  const t = useT()
  const appEnvironment = useSettings((state) => state.settings.environment)
  const { environments, preferred, env, busy, loadEnvironments, selectEnv } = usePeruri()
  useEffect(() => void loadEnvironments(), [appEnvironment, loadEnvironments])

  return (
    <>
      <label>
        {t('peruri.env')}
        <select value={env ?? ''} disabled={busy} onChange={(event) => selectEnv(event.target.value)}>
          {environments.map((option) => (
            <option key={option.name} value={option.name}>
              {option.embedded ? t('peruri.env.embedded') : `${option.name} (${option.baseUrl})`}
            </option>
          ))}
        </select>
      </label>
      {preferred && environments.length > 0 && !environments.some((option) => option.name === preferred) && <p className="muted">{t('peruri.env.missing', { name: preferred })}</p>}
    </>
  )
}

const NO_SUGGESTIONS: string[] = []

/** The email suggestions of the chosen environment, for an `<input list>`. */
export function SignerSuggestions({ id }: { id: string }) {
  const suggested = usePeruri((state) => state.environments.find((option) => option.name === state.env)?.suggestedEmails ?? NO_SUGGESTIONS)
  return (
    <datalist id={id}>
      {suggested.map((email) => (
        <option key={email} value={email} />
      ))}
    </datalist>
  )
}
