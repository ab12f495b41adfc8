import { useT } from '../../i18n/useT'

/** The mark an onboarding step gets once Peruri accepted it. */
export function StepDone({ done }: { done: boolean | undefined }) {
  const t = useT()
  return done ? <span className="ok step-done">✓ {t('peruri.step.done')}</span> : null
}
