import { useId, useState, type FormEvent } from 'react'
import type { KycPrefill as KycPrefillResult, PeruriRegistration } from '../../../../shared/contract'
import { FileDrop } from '../../components/FileDrop'
import { useT } from '../../i18n/useT'
import { base64OfBlob } from '../../lib/files'
import { usePeruri } from '../../stores'
import { KycPrefill } from './KycPrefill'
import { StepDone } from './StepDone'

const TEXT_FIELDS = ['name', 'phone', 'email', 'ktp', 'address', 'city', 'province', 'placeOfBirth'] as const
const OPTIONAL_FIELDS = ['password', 'npwp', 'orgUnit', 'workUnit', 'position'] as const

/** `<input type="date">` gives yyyy-mm-dd; seed 003 wants dd/mm/yyyy. */
const seedDate = (isoDate: string) => isoDate.split('-').reverse().join('/')
/** And back, for a date SIMAS-ID's KYC record fills in. */
const inputDate = (day: string) => day.split('/').reverse().join('-')

/** Seed 003's registration: identity, contact, KTP (and optionally NPWP) with photos. */
export function RegistrationForm() {
  const t = useT()
  const titleId = useId()
  const { busy, env, onboarding, register } = usePeruri()
  const [ktpPhoto, setKtpPhoto] = useState<File>()
  const [npwpPhoto, setNpwpPhoto] = useState<File>()
  // A KYC pre-fill remounts the fields with its values as their defaults; what the record lacks stays empty.
  const [prefill, setPrefill] = useState<{ fields: KycPrefillResult['fields']; version: number }>({ fields: {}, version: 0 })

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (!ktpPhoto) return
    const form = new FormData(event.currentTarget)
    const text = (name: string) => String(form.get(name) ?? '').trim()
    const optional = Object.fromEntries(OPTIONAL_FIELDS.map((name) => [name, text(name)]).filter(([, value]) => value !== ''))
    const registration: PeruriRegistration = {
      ...(Object.fromEntries(TEXT_FIELDS.map((name) => [name, text(name)])) as Record<(typeof TEXT_FIELDS)[number], string>),
      ...optional,
      gender: text('gender') === 'F' ? 'F' : 'M',
      dateOfBirth: seedDate(text('dateOfBirth')),
      ktpPhoto: await base64OfBlob(ktpPhoto),
      ...(npwpPhoto ? { npwpPhoto: await base64OfBlob(npwpPhoto) } : {}),
    }
    await register(registration)
  }

  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {t('peruri.reg.title')} <StepDone done={onboarding.done.registered} />
      </h2>
      <KycPrefill onFill={(result) => setPrefill({ fields: result.fields, version: prefill.version + 1 })} />
      <form key={prefill.version} onSubmit={(event) => void submit(event)} data-testid="peruri-registration">
        <div className="form-row">
          <label>
            {t('peruri.reg.name')}
            <input name="name" defaultValue={prefill.fields.name} required maxLength={100} autoComplete="name" />
          </label>
          <label>
            {t('peruri.reg.email')}
            <input name="email" type="email" defaultValue={prefill.fields.email} required maxLength={75} autoComplete="email" />
          </label>
          <label>
            {t('peruri.reg.phone')}
            <input name="phone" type="tel" defaultValue={prefill.fields.phone} required pattern="\+?[0-9]{8,15}" autoComplete="tel" />
          </label>
          <label>
            {t('peruri.reg.password')}
            <input name="password" type="password" autoComplete="new-password" />
          </label>
        </div>
        <div className="form-row">
          <label>
            {t('peruri.reg.ktp')}
            <input name="ktp" defaultValue={prefill.fields.ktp} required inputMode="numeric" pattern="[0-9]{16}" maxLength={16} />
          </label>
          <label>
            {t('peruri.reg.npwp')}
            <input name="npwp" inputMode="numeric" pattern="[0-9]{15,16}" maxLength={16} />
          </label>
          <label>
            {t('peruri.reg.gender')}
            <select name="gender" defaultValue="M">
              <option value="M">{t('peruri.reg.gender.M')}</option>
              <option value="F">{t('peruri.reg.gender.F')}</option>
            </select>
          </label>
          <label>
            {t('peruri.reg.placeOfBirth')}
            <input name="placeOfBirth" required />
          </label>
          <label>
            {t('peruri.reg.dateOfBirth')}
            <input name="dateOfBirth" type="date" defaultValue={prefill.fields.dateOfBirth && inputDate(prefill.fields.dateOfBirth)} required />
          </label>
        </div>
        <div className="form-row">
          <label>
            {t('peruri.reg.address')}
            <input name="address" required maxLength={255} autoComplete="street-address" />
          </label>
          <label>
            {t('peruri.reg.city')}
            <input name="city" required />
          </label>
          <label>
            {t('peruri.reg.province')}
            <input name="province" required />
          </label>
        </div>
        <div className="form-row">
          <FileDrop label={t('peruri.reg.ktpPhoto')} hint={t('peruri.reg.photo.hint')} file={ktpPhoto} accept="image/png,image/jpeg" onFile={setKtpPhoto} testId="ktp-photo" />
          <FileDrop label={t('peruri.reg.npwpPhoto')} hint={t('peruri.reg.photo.hint')} file={npwpPhoto} accept="image/png,image/jpeg" onFile={setNpwpPhoto} testId="npwp-photo" />
        </div>
        <details>
          <summary>{t('peruri.reg.corporate')}</summary>
          <div className="form-row">
            <label>
              {t('peruri.reg.orgUnit')}
              <input name="orgUnit" />
            </label>
            <label>
              {t('peruri.reg.workUnit')}
              <input name="workUnit" />
            </label>
            <label>
              {t('peruri.reg.position')}
              <input name="position" />
            </label>
          </div>
        </details>
        <button type="submit" className="primary" disabled={busy || !env || !ktpPhoto}>
          {t('peruri.reg.submit')}
        </button>
      </form>
    </section>
  )
}
