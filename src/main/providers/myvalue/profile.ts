import { z } from 'zod'
import { MYVALUE_SIGNATURE_ALGORITHMS } from '../../../shared/contract'

/**
 * Base URLs from seed 004. Production SSO is listed there as `auth.ovaltech.id`, the same host as
 * the sandbox; kept as documented, and editable per profile.
 */
export const MYVALUE_ENVIRONMENTS = {
  sandbox: { externalApiBaseUrl: 'https://external.ovaltech.id/', ssoBaseUrl: 'https://auth.ovaltech.id/' },
  production: { externalApiBaseUrl: 'https://external.myvalue.id/', ssoBaseUrl: 'https://auth.ovaltech.id/' },
} as const
export type MyValueEnvironment = keyof typeof MYVALUE_ENVIRONMENTS

/**
 * Seed 004 names `client_id` and a payload signature but not the headers that carry them. These
 * are the usual names among Indonesian partner APIs (and survive proxies that drop header names
 * with underscores); each profile can change them.
 */
export const MYVALUE_DEFAULT_HEADERS = { clientId: 'X-Client-Id', signature: 'X-Signature' } as const

const HttpUrl = z.url({ protocol: /^https?$/ })
/** An HTTP header name (RFC 9110 token). */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')

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
    clientIdHeader: HeaderName.default(MYVALUE_DEFAULT_HEADERS.clientId),
    signatureHeader: HeaderName.default(MYVALUE_DEFAULT_HEADERS.signature),
  })
  .strict()

export type MyValueProfile = z.infer<typeof MyValueProfileSchema>

/** The profile's base URLs: its overrides, else its environment's. */
export function myValueBaseUrls(profile: Pick<MyValueProfile, 'environment' | 'externalApiBaseUrl' | 'ssoBaseUrl'>): { externalApiBaseUrl: string; ssoBaseUrl: string } {
  const defaults = MYVALUE_ENVIRONMENTS[profile.environment]
  return { externalApiBaseUrl: profile.externalApiBaseUrl ?? defaults.externalApiBaseUrl, ssoBaseUrl: profile.ssoBaseUrl ?? defaults.ssoBaseUrl }
}
