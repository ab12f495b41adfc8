import { z } from 'zod'

/** Seed 000's onboarding steps for an OVO OpenAPI partner, in order. */
export const OVO_ONBOARDING_STEPS = ['staging-registration', 'bi-submission-testing', 'uat-testing', 'uat-review', 'production-registration'] as const
export const OvoStepSchema = z.enum(OVO_ONBOARDING_STEPS)
export type OvoStep = z.infer<typeof OvoStepSchema>

export const OVO_STEP_STATUSES = ['not-started', 'in-progress', 'done', 'blocked'] as const
export const OvoStepStatusSchema = z.enum(OVO_STEP_STATUSES)
export type OvoStepStatus = z.infer<typeof OvoStepStatusSchema>

/** A calendar day, `yyyy-mm-dd` (WIB when main fills it in). */
const Day = z.iso.date()

export const OvoPartnerNameSchema = z.string().trim().min(1).max(80)

/** A vault item a step used: the key whose public half went to OVO, or the credentials decrypted from OVO's files. */
export const OvoVaultLinkViewSchema = z
  .object({
    itemId: z.string(),
    /** The item's name now, or when it was linked if it has since left the vault. */
    name: z.string(),
    kind: z.enum(['key', 'credentials']),
    inVault: z.boolean(),
  })
  .strict()
export type OvoVaultLinkView = z.infer<typeof OvoVaultLinkViewSchema>

export const OvoStepViewSchema = z
  .object({
    step: OvoStepSchema,
    status: OvoStepStatusSchema,
    startedOn: Day.optional(),
    doneOn: Day.optional(),
    note: z.string(),
    links: z.array(OvoVaultLinkViewSchema),
  })
  .strict()
export type OvoStepView = z.infer<typeof OvoStepViewSchema>

export const OvoPartnerViewSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.iso.datetime(), steps: z.array(OvoStepViewSchema) }).strict()
export type OvoPartnerView = z.infer<typeof OvoPartnerViewSchema>

const Partners = z.object({ partners: z.array(OvoPartnerViewSchema) }).strict()
const PartnerRef = z.object({ partnerId: z.uuid() }).strict()
const StepRef = PartnerRef.extend({ step: OvoStepSchema }).strict()

/** The Peruri registration fields (seed 003) that SIMAS-ID's common-KYC record (seed 002) can fill, in form order. */
export const KYC_PREFILL_FIELDS = ['name', 'email', 'phone', 'ktp', 'dateOfBirth', 'placeOfBirth', 'gender', 'address', 'city', 'province'] as const
export type KycPrefillField = (typeof KYC_PREFILL_FIELDS)[number]

export const KycPrefillSchema = z
  .object({
    found: z.boolean(),
    fields: z
      .object({
        name: z.string().optional(),
        email: z.string().optional(),
        phone: z.string().optional(),
        ktp: z.string().optional(),
        /** dd/mm/yyyy, as the registration sends it. */
        dateOfBirth: z.string().optional(),
      })
      .strict(),
    /** Registration fields the KYC record does not carry: the user fills them in. */
    missing: z.array(z.enum(KYC_PREFILL_FIELDS)),
  })
  .strict()
export type KycPrefill = z.infer<typeof KycPrefillSchema>

export const onboardingChannels = {
  /** Every OVO partner's checklist, with each linked vault item resolved against the vault. */
  listOvoPartners: { request: z.undefined(), response: Partners },
  addOvoPartner: { request: z.object({ name: OvoPartnerNameSchema }).strict(), response: Partners },
  renameOvoPartner: { request: PartnerRef.extend({ name: OvoPartnerNameSchema }).strict(), response: Partners },
  removeOvoPartner: { request: PartnerRef, response: Partners },
  /** Status changes fill in the step's dates unless the request sets them; null clears a date. */
  updateOvoStep: {
    request: StepRef.extend({ status: OvoStepStatusSchema.optional(), note: z.string().max(2000).optional(), startedOn: Day.nullable().optional(), doneOn: Day.nullable().optional() }).strict(),
    response: Partners,
  },
  linkOvoStepItem: { request: StepRef.extend({ itemId: z.string().min(1).max(100) }).strict(), response: Partners },
  unlinkOvoStepItem: { request: StepRef.extend({ itemId: z.string().min(1).max(100) }).strict(), response: Partners },

  /**
   * SIMAS-ID profiles that can read common-KYC (an API base URL and a vault item with the KYC client
   * id/secret): the built-in sandbox profile first, with the number of the person its sandbox knows.
   */
  listKycProfiles: {
    request: z.undefined(),
    response: z.object({ profiles: z.array(z.object({ name: z.string(), clientId: z.string(), sandboxPhoneNumber: z.string().optional() }).strict()) }).strict(),
  },
  /** Peruri's registration fields from the common-KYC record for a phone number; only what the form needs crosses. */
  kycPrefillRegistration: {
    request: z.object({ profile: z.string().min(1).max(64), phoneNumber: z.string().trim().regex(/^\+?[0-9][0-9 -]{6,20}$/, 'a phone number') }).strict(),
    response: KycPrefillSchema,
  },
} as const
