import { useEffect, useId, useState, type FormEvent } from 'react'
import type { KycPrefill as KycPrefillResult, KycPrefillField } from '../../../../shared/contract'
import type { MessageKey } from '../../i18n/messages'
import { useT } from '../../i18n/useT'
import { usePeruri, useSettings } from '../../stores'

/** The registration form's own labels name the fields that were, or could not be, filled. */
const fieldLabel = (field: KycPrefillField): MessageKey => `peruri.reg.${field}`

/** Fills the registration from SIMAS-ID's common-KYC record (seed 002) for a phone number; the user checks and completes it. */
export function KycPrefill({ onFill }: { onFill(prefill: KycPrefillResult): void }) {
  const t = useT()
  const titleId = useId()
  const hintId = useId()
  const { busy, kycProfiles, loadKycProfiles, kycPrefill } = usePeruri()
  const [profile, setProfile] = useState('')
  const [phone, setPhone] = useState('')
  const [result, setResult] = useState<{ phone: string; prefill: KycPrefillResult }>()
  // The built-in sandbox profile is offered in Sandbox only, so the list follows the environment switch.
  const environment = useSettings((state) => state.settings.environment)
  useEffect(() => void loadKycProfiles(), [environment, loadKycProfiles])
  const chosen = kycProfiles.some((candidate) => candidate.name === profile) ? profile : kycProfiles[0]?.name
  // The built-in sandbox profile names the number of the one person its sandbox knows.
  const sandboxPhone = kycProfiles.find((candidate) => candidate.name === chosen)?.sandboxPhoneNumber

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!chosen) return
    const prefill = await kycPrefill(chosen, phone.trim())
    if (!prefill) return
    setResult({ phone: phone.trim(), prefill })
    if (prefill.found) onFill(prefill)
  }

  const list = (fields: readonly KycPrefillField[]) => fields.map((field) => t(fieldLabel(field))).join(', ')
  return (
    <section className="kyc-prefill" aria-labelledby={titleId} data-testid="kyc-prefill">
      <h3 id={titleId}>{t('kyc.title')}</h3>
      {kycProfiles.length === 0 ? (
        <p className="muted">{t('kyc.noProfiles')}</p>
      ) : (
        <form className="form-row" onSubmit={(event) => void submit(event)}>
          <label>
            {t('kyc.profile')}
            <select value={chosen} onChange={(event) => setProfile(event.target.value)}>
              {kycProfiles.map((option) => (
                <option key={option.name} value={option.name}>
                  {option.name} ({option.clientId})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('kyc.phone')}
            <input type="tel" required value={phone} onChange={(event) => setPhone(event.target.value)} aria-describedby={sandboxPhone ? hintId : undefined} />
          </label>
          <button type="submit" disabled={busy || phone.trim() === ''}>
            {t('kyc.fill')}
          </button>
        </form>
      )}
      {sandboxPhone && (
        <p id={hintId} className="muted" data-testid="kyc-sandbox-hint">
          {t('kyc.sandboxHint', { phone: sandboxPhone })}
        </p>
      )}
      {result && (
        <div role="status" data-testid="kyc-result">
          {result.prefill.found ? (
            <>
              <p>{t('kyc.filled', { fields: list(Object.keys(result.prefill.fields) as KycPrefillField[]) })}</p>
              {result.prefill.missing.length > 0 && <p className="muted">{t('kyc.missing', { fields: list(result.prefill.missing) })}</p>}
            </>
          ) : (
            <p>{t('kyc.notFound', { phone: result.phone })}</p>
          )}
        </div>
      )}
    </section>
  )
}
