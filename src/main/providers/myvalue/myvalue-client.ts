import type { AuditLog } from '../../audit/audit-log'
import type { HttpRequest } from '../../ports/http-client'
import { parseProfileConfig, type ProfileStore } from '../../profiles/profile-store'
import type { Vault } from '../../vault/vault'
import { curlCommand, joinUrl } from '../http-request'
import { myValueClientSecret, signMyValuePayload, type MyValueSignatureAlgorithm } from './payload-signature'
import { myValueBaseUrls, MyValueProfileSchema, type MyValueProfile } from './profile'

export interface MyValueRequest {
  method: HttpRequest['method']
  /** Below the External API base, e.g. `/v1/points/inquiry`; a query string is sent as is. */
  path: string
  /** Sent and signed byte for byte. */
  body: string
}

/** A signed request exactly as it goes out. The signature is an HMAC of the body; the client secret is in none of it. */
export interface MyValueRequestPreview {
  method: HttpRequest['method']
  url: string
  headers: Record<string, string>
  body: string
  stringToSign: string
  signature: string
  /** Seed 004 does not say how the signature is made: see `MYVALUE_SIGNATURE_ASSUMPTION`. */
  signatureAlgorithm: MyValueSignatureAlgorithm
  curl: string
}

/**
 * MyValue's External API as seed 004 describes it: every request carries the partner's client id
 * and a SHA-256 payload signature keyed with the client secret from the vault (see
 * `MYVALUE_SIGNATURE_ASSUMPTION` for what the seed leaves open).
 */
export function createMyValueClient(options: { vault: Vault; profiles: ProfileStore; audit?: AuditLog }) {
  const loadProfile = (name: string) => options.profiles.get('myvalue', name, MyValueProfileSchema)

  return {
    /**
     * Signs a request without sending it. `baseUrl` replaces the profile's External API base, for
     * the embedded sandbox.
     */
    async signRequest(profileName: string, request: MyValueRequest, target: { baseUrl?: string } = {}): Promise<{ request: HttpRequest; preview: MyValueRequestPreview }> {
      const profile = await loadProfile(profileName)
      const signed = signMyValuePayload(request.body, await myValueClientSecret(options.vault, profile.clientSecretRef), profile.signatureAlgorithm)
      const headers: Record<string, string> = {
        ...(request.body ? { 'Content-Type': 'application/json' } : {}),
        [profile.clientIdHeader]: profile.clientId,
        [profile.signatureHeader]: signed.signature,
      }
      const url = joinUrl(target.baseUrl ?? myValueBaseUrls(profile).externalApiBaseUrl, request.path)
      await options.audit?.append({ action: 'myvalue.signed', subject: profileName, details: { algorithm: signed.algorithm, clientId: profile.clientId, method: request.method, path: request.path } })
      return {
        request: { method: request.method, url, headers, ...(request.body ? { body: request.body } : {}) },
        preview: {
          method: request.method,
          url,
          headers,
          body: request.body,
          stringToSign: signed.stringToSign,
          signature: signed.signature,
          signatureAlgorithm: signed.algorithm,
          curl: curlCommand({ method: request.method, url, headers }, request.body),
        },
      }
    },

    async saveProfile(profileName: string, config: unknown): Promise<MyValueProfile> {
      const profile = parseProfileConfig(MyValueProfileSchema, config, `MyValue profile "${profileName}"`)
      await options.profiles.put('myvalue', profileName, profile)
      return profile
    },

    /** The client id and secret a sandbox registers for this profile's partner, as MyValue does at onboarding. Main only. */
    async sandboxRegistration(profileName: string): Promise<{ clientId: string; clientSecret: string }> {
      const profile = await loadProfile(profileName)
      return { clientId: profile.clientId, clientSecret: await myValueClientSecret(options.vault, profile.clientSecretRef) }
    },
  }
}
