import { LANGUAGES } from '../../../../shared/contract'
import { useT } from '../../i18n/useT'
import { useSettings } from '../../stores'

export function LanguageSwitch() {
  const t = useT()
  const language = useSettings((state) => state.settings.language)
  const update = useSettings((state) => state.update)
  return (
    <label className="language">
      <span>{t('lang.label')}</span>
      <select value={language} onChange={(event) => void update({ language: event.target.value as (typeof LANGUAGES)[number] })}>
        {LANGUAGES.map((option) => (
          <option key={option} value={option} lang={option}>
            {t(`lang.${option}`)}
          </option>
        ))}
      </select>
    </label>
  )
}
