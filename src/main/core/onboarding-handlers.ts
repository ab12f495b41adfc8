import { KYC_PREFILL_FIELDS, type KycPrefill, type OvoPartnerView } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import type { OvoOnboarding } from '../onboarding/ovo-onboarding'
import type { Clock } from '../ports/clock'
import type { HttpClient } from '../ports/http-client'
import type { ProfileStore } from '../profiles/profile-store'
import { SimasProfileSchema } from '../providers/simas/profile'
import { createSimasService } from '../providers/simas/simas-service'
import { SANDBOX_KYC_PHONE, SANDBOX_SIMAS_CLIENT_ID, SANDBOX_SIMAS_PROFILE, withBuiltInSimasProfile, type SandboxHost } from '../sandbox/sandbox-host'
import type { SettingsService } from '../settings/settings-service'
import type { Vault } from '../vault/vault'
import type { Handlers } from './router'

/** Seed 002 looks KYC up by `628…`; users type `0812…`, `+62 812…` or `62812…`. */
const simasPhoneNumber = (typed: string) => {
  const digits = typed.replace(/[\s+-]/g, '')
  return digits.startsWith('0') ? `62${digits.slice(1)}` : digits
}

/**
 * OVO partner checklists, and SIMAS-ID KYC pre-fill for the Peruri signer registration: through the
 * user's SIMAS-ID profiles that can read common-KYC and, first, the built-in "SIMAS-ID sandbox"
 * profile, whose KYC login is a vault item and whose sandbox knows one person from the start.
 */
export function onboardingHandlers(services: {
  ovoOnboarding: OvoOnboarding
  profiles: ProfileStore
  vault: Vault
  sandboxHost: Pick<SandboxHost, 'simas'>
  settings: SettingsService
  http: HttpClient
  clock: Clock
}): Pick<Handlers, 'listOvoPartners' | 'addOvoPartner' | 'renameOvoPartner' | 'removeOvoPartner' | 'updateOvoStep' | 'linkOvoStepItem' | 'unlinkOvoStepItem' | 'listKycProfiles' | 'kycPrefillRegistration'> {
  const { ovoOnboarding } = services
  // SIMAS-ID as KYC pre-fill sees it: the built-in profile resolves to the running embedded sandbox.
  const simas = createSimasService({ profiles: withBuiltInSimasProfile(services.profiles, services.sandboxHost), vault: services.vault, http: services.http, clock: services.clock })
  const partners = async (views: Promise<OvoPartnerView[]>) => ({ partners: await views })
  const inSandbox = async () => (await services.settings.get()).environment === 'sandbox'
  return {
    listOvoPartners: () => partners(ovoOnboarding.list()),
    addOvoPartner: ({ name }) => partners(ovoOnboarding.add(name)),
    renameOvoPartner: ({ partnerId, name }) => partners(ovoOnboarding.rename(partnerId, name)),
    removeOvoPartner: ({ partnerId }) => partners(ovoOnboarding.remove(partnerId)),
    updateOvoStep: ({ partnerId, step, ...patch }) => partners(ovoOnboarding.updateStep(partnerId, step, patch)),
    linkOvoStepItem: ({ partnerId, step, itemId }) => partners(ovoOnboarding.link(partnerId, step, itemId)),
    unlinkOvoStepItem: ({ partnerId, step, itemId }) => partners(ovoOnboarding.unlink(partnerId, step, itemId)),

    listKycProfiles: async () => {
      const usable = (await services.profiles.list('simas')).flatMap((stored) => {
        const parsed = SimasProfileSchema.safeParse(stored.config)
        return parsed.success && parsed.data.apiBaseUrl && parsed.data.kycCredentialsRef && stored.name !== SANDBOX_SIMAS_PROFILE ? [{ name: stored.name, clientId: parsed.data.clientId }] : []
      })
      // The sandbox's sample person belongs in Sandbox registrations only, never in a real one.
      if (!(await inSandbox())) return { profiles: usable }
      // Listed without starting the sandbox: it starts when the form asks it.
      return { profiles: [{ name: SANDBOX_SIMAS_PROFILE, clientId: SANDBOX_SIMAS_CLIENT_ID, sandboxPhoneNumber: SANDBOX_KYC_PHONE }, ...usable] }
    },
    kycPrefillRegistration: async ({ profile, phoneNumber }): Promise<KycPrefill> => {
      if (profile === SANDBOX_SIMAS_PROFILE && !(await inSandbox())) {
        throw new TekenError('SANDBOX_ONLY', `"${SANDBOX_SIMAS_PROFILE}" holds sample people for the Sandbox environment; switch to Sandbox, or choose your own SIMAS-ID profile.`)
      }
      const prefill = await simas.peruriPrefill(profile, simasPhoneNumber(phoneNumber))
      if (!prefill) return { found: false, fields: {}, missing: [...KYC_PREFILL_FIELDS] }
      const candidates = { name: prefill.name, email: prefill.email, phone: prefill.phone, ktp: prefill.nik, dateOfBirth: prefill.dateOfBirth }
      // Only values the registration would accept: a date SIMAS-ID wrote in no known format is left to the user.
      const fields = Object.fromEntries(Object.entries(candidates).filter(([field, value]) => value !== '' && (field !== 'dateOfBirth' || /^\d{2}\/\d{2}\/\d{4}$/.test(value))))
      return { found: true, fields, missing: KYC_PREFILL_FIELDS.filter((field) => !(field in fields)) }
    },
  }
}
