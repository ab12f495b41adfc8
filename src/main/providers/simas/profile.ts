import { z } from 'zod'

const HttpUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''))

/**
 * A SIMAS-ID profile (`profiles.json`, provider "simas"). Seed 002 names two hosts: the Keycloak
 * realm that issues and publishes keys for access tokens, and the SIMAS-ID API (its
 * `{{BASE_URL}}`) that serves `/v1/oidc/userinfo` and `/v1/common-kyc`. Secrets stay in the vault;
 * the profile only holds the vault items' names.
 */
export const SimasProfileSchema = z
  .object({
    /** Keycloak base, e.g. `https://sso.example.co.id` (the issuer is `{baseUrl}/realms/{realm}`). */
    baseUrl: HttpUrl,
    realm: z.string().min(1).default('simas-id'),
    /** The business unit's client id, e.g. `nanovest` or `siminvest`. */
    clientId: z.string().min(1),
    /** Seed 002 calls the `azp` check optional; on, the token must have been issued to `clientId`. */
    checkAzp: z.boolean().default(false),
    /** SIMAS-ID API base (seed 002's `{{BASE_URL}}`): common-KYC and userinfo. */
    apiBaseUrl: HttpUrl.optional(),
    /** Vault item (basic-auth) with the KYC ClientID / ClientSecret. */
    kycCredentialsRef: z.string().min(1).optional(),
    /** Vault item (basic-auth) SIMAS-ID must present when it calls the OTP webhook. */
    webhookCredentialsRef: z.string().min(1).optional(),
  })
  .strict()

export type SimasProfile = z.infer<typeof SimasProfileSchema>

export const simasIssuer = (profile: Pick<SimasProfile, 'baseUrl' | 'realm'>) => `${profile.baseUrl}/realms/${encodeURIComponent(profile.realm)}`

export const simasJwksUrl = (profile: Pick<SimasProfile, 'baseUrl' | 'realm'>) => `${simasIssuer(profile)}/protocol/openid-connect/certs`

/**
 * Seed 002's userinfo is `{{BASE_URL}}/v1/oidc/userinfo` on the SIMAS-ID API; a profile without
 * that base asks Keycloak's own OIDC userinfo endpoint, which every realm serves.
 */
export const simasUserinfoUrl = (profile: SimasProfile) => (profile.apiBaseUrl ? `${profile.apiBaseUrl}/v1/oidc/userinfo` : `${simasIssuer(profile)}/protocol/openid-connect/userinfo`)
