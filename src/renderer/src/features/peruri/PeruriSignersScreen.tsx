import { useId } from 'react'
import { useT } from '../../i18n/useT'
import { base64OfBlob } from '../../lib/files'
import { usePeruri } from '../../stores'
import { PeruriEnvironmentPicker, SignerSuggestions } from './PeruriEnvironmentPicker'
import { PeruriWebView } from './PeruriWebView'
import { RegistrationForm } from './RegistrationForm'
import { SpecimentPad } from './SpecimentPad'
import { StepDone } from './StepDone'
import { VideoEkyc } from './VideoEkyc'

/** Signer onboarding at Peruri: registration, activation, video e-KYC, speciment, certificate status. */
export function PeruriSignersScreen() {
  const t = useT()
  const titleId = useId()
  const stepsId = useId()
  const suggestionsId = useId()
  const { busy, env, onboarding, setOnboardingEmail, activate, sendVideo, sendSpeciment, checkCertificate } = usePeruri()
  const { done, certificate } = onboarding
  const disabled = busy || !env || !/^\S+@\S+$/.test(onboarding.email)

  return (
    <>
      <section className="card" aria-labelledby={titleId}>
        <h2 id={titleId}>{t('peruri.signers.title')}</h2>
        <p className="muted">{t('peruri.signers.intro')}</p>
        <PeruriEnvironmentPicker />
      </section>

      <RegistrationForm />

      <section className="card onboarding" aria-labelledby={stepsId} data-testid="peruri-onboarding">
        <h2 id={stepsId}>{t('peruri.onboarding.title')}</h2>
        <label className="block">
          {t('peruri.signer.email')}
          <input type="email" list={suggestionsId} value={onboarding.email} onChange={(event) => setOnboardingEmail(event.target.value.trim())} />
        </label>
        <SignerSuggestions id={suggestionsId} />
        <p className="muted">{t('peruri.signer.emailHint')}</p>

        <h3>
          {t('peruri.activate.title')} <StepDone done={done.activated} />
        </h3>
        <button type="button" disabled={disabled} onClick={() => void activate()}>
          {t('peruri.activate')}
        </button>
        {/* Seed 003 §7: Peruri's own page does activation, e-KYC and speciment; its answer counts as the API steps'. */}
        <PeruriWebView kind="activation" disabled={disabled} />

        <h3>
          {t('peruri.video.title')} <StepDone done={done.video} />
        </h3>
        <VideoEkyc disabled={disabled} onSend={async (video) => sendVideo(await base64OfBlob(video))} />

        <h3>
          {t('peruri.speciment.title')} <StepDone done={done.speciment} />
        </h3>
        <SpecimentPad disabled={disabled} onSend={async (image) => sendSpeciment(await base64OfBlob(image))} />

        <h3>{t('peruri.cert.title')}</h3>
        <button type="button" disabled={disabled} onClick={() => void checkCertificate()}>
          {t('peruri.cert.check')}
        </button>
        {certificate && (
          <p role="status" className={certificate.issued ? 'ok' : 'problem'} data-testid="peruri-certificate">
            {certificate.issued ? t('peruri.cert.issued') : t('peruri.cert.notIssued')} — {certificate.resultDesc}
          </p>
        )}
      </section>
    </>
  )
}
