import { z } from 'zod'
import { TekenError } from '../../../shared/errors'

/**
 * A SNAP provider profile as kept in `profiles.json` (provider `snap`). Secrets stay in the vault:
 * the profile names the vault items that hold them.
 */
export const SnapProfileSchema = z
  .object({
    /** Scheme and host, optionally with a path prefix: EndpointUrl is signed over the whole path, prefix included. */
    baseUrl: z.url({ protocol: /^https?$/ }),
    tokenPath: z.string().startsWith('/'),
    /** X-CLIENT-KEY. */
    clientId: z.string().min(1),
    /** Vault name of the RSA key that signs the access-token request (and asymmetric service signatures). */
    privateKeyRef: z.string().min(1),
    /** Vault name of the client secret (a client-secret item, or a saved partner profile with a client secret field). */
    clientSecretRef: z.string().min(1).optional(),
    /** X-PARTNER-ID. */
    partnerId: z.string().min(1).optional(),
    /** CHANNEL-ID. */
    channelId: z.string().min(1).optional(),
    serviceSignature: z.enum(['symmetric', 'asymmetric']).default('symmetric'),
    signatureEncoding: z.enum(['base64', 'hex']).default('base64'),
    includeQueryInEndpoint: z.boolean().default(false),
    timestampFormat: z.enum(['wib', 'utc-millis']).default('wib'),
  })
  .strict()

export type SnapProfile = z.infer<typeof SnapProfileSchema>

export interface SnapPreset {
  label: string
  tokenPath: string
  /** Absent where the provider's document gives no host; `baseUrlNote` then says where it comes from. */
  baseUrl?: string
  baseUrlNote?: string
}

/** Starting points for a profile; every field stays editable. */
export const SNAP_PRESETS = {
  // Seed 001's URL table. (Its curl examples use kronos-stage.mcpayment.id, the table ifortepay.id; the table wins.)
  'ifortepay-payment-stage': { label: 'Ifortepay Payment (stage)', baseUrl: 'https://kronos-stage.ifortepay.id', tokenPath: '/auth/merchants/v1.0/access-token/b2b' },
  'ifortepay-payment-production': { label: 'Ifortepay Payment (production)', baseUrl: 'https://kronos.ifortepay.id', tokenPath: '/auth/merchants/v1.0/access-token/b2b' },
  'ifortepay-disbursement-stage': { label: 'Ifortepay Disbursement (stage)', baseUrl: 'https://api-stage.senmo.id', tokenPath: '/api/v1.0/access-token/b2b' },
  'ifortepay-disbursement-production': { label: 'Ifortepay Disbursement (production)', baseUrl: 'https://api.senmo.id', tokenPath: '/api/v1.0/access-token/b2b' },
  // Seed 000 (OVO onboarding) names no host. The token path is SNAP's standard one.
  ovo: { label: 'OVO', tokenPath: '/v1.0/access-token/b2b', baseUrlNote: 'OVO gives the host at staging registration' },
  sandbox: { label: 'Embedded SNAP sandbox', tokenPath: '/v1.0/access-token/b2b', baseUrlNote: 'the sandbox prints its URL when it starts' },
} as const satisfies Record<string, SnapPreset>

export type SnapPresetName = keyof typeof SNAP_PRESETS
export const SNAP_PRESET_NAMES = Object.keys(SNAP_PRESETS) as SnapPresetName[]

/** What a partner registers with a SNAP provider during onboarding; the embedded sandbox takes the same. */
export interface SnapPartnerRegistration {
  /** X-CLIENT-KEY. */
  clientId: string
  /** The partner's RSA public key (SPKI or PKCS#1 PEM), which verifies its access-token signatures. */
  publicKeyPem: string
  /** Keys the symmetric service signatures; without it the partner can get tokens but not call services. */
  clientSecret?: string
  /** X-PARTNER-ID; the client id when not given. */
  partnerId?: string
}

/** A profile config from a preset and the fields given (undefined ones leave the preset's value). Validated when saved. */
export function applySnapPreset(presetName: SnapPresetName, fields: Partial<SnapProfile>): Record<string, unknown> {
  const preset: SnapPreset = SNAP_PRESETS[presetName]
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
  const baseUrl = fields.baseUrl ?? preset.baseUrl
  if (!baseUrl) throw new TekenError('PROFILE_INVALID', `The ${preset.label} preset has no base URL (${preset.baseUrlNote}): give one.`)
  return { tokenPath: preset.tokenPath, ...given, baseUrl }
}
