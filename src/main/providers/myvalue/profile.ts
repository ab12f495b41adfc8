import { z } from 'zod'
import { MYVALUE_SIGNATURE_ALGORITHMS } from './payload-signature'

/**
 * Base URLs from seed 004. Production SSO is listed there as `auth.ovaltech.id`, the same host as
 * the sandbox; kept as documented, and editable per profile.
 */
export const MYVALUE_ENVIRONMENTS = {
  sandbox: { externalApiBaseUrl: 'https://external.ovaltech.id/', ssoBaseUrl: 'https://auth.ovaltech.id/' },
  production: { externalApiBaseUrl: 'https://external.myvalue.id/', ssoBaseUrl: 'https://auth.ovaltech.id/' },
} as const
export type MyValueEnvironment = keyof typeof MYVALUE_ENVIRONMENTS

const HttpUrl = z.url({ protocol: /^https?$/ })

/** A MyValue partner profile (`profiles.json`, provider "myvalue"); the client secret stays in the vault. */
export const MyValueProfileSchema = z
  .object({
    environment: z.enum(['sandbox', 'production']).default('sandbox'),
    /** Override the environment's External API base. */
    externalApiBaseUrl: HttpUrl.optional(),
    /** Override the environment's SSO base. */
    ssoBaseUrl: HttpUrl.optional(),
    clientId: z.string().min(1),
    /** Vault item (client-secret) with MyValue's `client_secret`. */
    clientSecretRef: z.string().min(1),
    /** The `redirect_url` registered with MyValue (changes must be submitted to them). */
    redirectUrl: HttpUrl,
    signatureAlgorithm: z.enum(MYVALUE_SIGNATURE_ALGORITHMS).default('hmac-sha256'),
  })
  .strict()

export type MyValueProfile = z.infer<typeof MyValueProfileSchema>

/** The profile's base URLs: its overrides, else its environment's. */
export function myValueBaseUrls(profile: Pick<MyValueProfile, 'environment' | 'externalApiBaseUrl' | 'ssoBaseUrl'>): { externalApiBaseUrl: string; ssoBaseUrl: string } {
  const defaults = MYVALUE_ENVIRONMENTS[profile.environment]
  return { externalApiBaseUrl: profile.externalApiBaseUrl ?? defaults.externalApiBaseUrl, ssoBaseUrl: profile.ssoBaseUrl ?? defaults.ssoBaseUrl }
}
