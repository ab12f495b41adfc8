import type { z } from 'zod'
import { TekenError } from '../../../shared/errors'
import type { Clock } from '../../ports/clock'
import type { HttpClient } from '../../ports/http-client'
import { parseProfileConfig, type ProfileStore } from '../../profiles/profile-store'
import type { Vault } from '../../vault/vault'
import { basicCredentialsFromVault } from './basic-auth'
import { createSimasKycClient, peruriPrefillFromKyc, type PeruriRegistrationPrefill, type SimasKycClient } from './kyc-client'
import { SimasProfileSchema, type SimasProfile } from './profile'
import { createSimasTokenValidator, fetchSimasUserinfo, type JwksCacheOptions, type SimasTokenValidator, type SimasUserinfo, type TokenReport } from './token-validator'

/** SIMAS-ID for the app and the CLI: profiles, token validation, userinfo and common-KYC. */
export function createSimasService(options: { profiles: ProfileStore; vault: Vault; http: HttpClient; clock: Clock; jwks?: JwksCacheOptions }) {
  // One validator per profile keeps jose's JWKS cache warm; a changed profile gets a fresh one.
  const validators = new Map<string, { config: string; validator: SimasTokenValidator }>()

  const profile = (name: string): Promise<SimasProfile> => options.profiles.get('simas', name, SimasProfileSchema)

  async function validator(name: string): Promise<SimasTokenValidator> {
    const config = await profile(name)
    const key = JSON.stringify(config)
    const cached = validators.get(name)
    if (cached?.config === key) return cached.validator
    const created = createSimasTokenValidator({ profile: config, clock: options.clock, jwks: options.jwks })
    validators.set(name, { config: key, validator: created })
    return created
  }

  async function kyc(name: string): Promise<SimasKycClient> {
    const config = await profile(name)
    if (!config.apiBaseUrl || !config.kycCredentialsRef) {
      throw new TekenError('PROFILE_INVALID', `The SIMAS-ID profile "${name}" needs the API base URL and the vault item with the KYC client id/secret for common-KYC.`, { provider: 'simas', name })
    }
    const credentials = await basicCredentialsFromVault(options.vault, config.kycCredentialsRef)
    return createSimasKycClient({ http: options.http, apiBaseUrl: config.apiBaseUrl, clientId: config.clientId, credentials })
  }

  return {
    profile,

    async saveProfile(name: string, config: z.input<typeof SimasProfileSchema>): Promise<SimasProfile> {
      const parsed = parseProfileConfig(SimasProfileSchema, config, `SIMAS-ID profile "${name}"`)
      await options.profiles.put('simas', name, parsed)
      return parsed
    },

    async validateToken(profileName: string, token: string): Promise<TokenReport> {
      return (await validator(profileName)).validate(token)
    },

    async userinfo(profileName: string, token: string): Promise<SimasUserinfo> {
      return fetchSimasUserinfo({ http: options.http, profile: await profile(profileName), token })
    },

    kyc,

    /** Peruri's registration fields from SIMAS-ID's KYC data, or null when SIMAS-ID has none for the number. */
    async peruriPrefill(profileName: string, phoneNumber: string): Promise<PeruriRegistrationPrefill | null> {
      const record = await (await kyc(profileName)).getByPhoneNumber(phoneNumber)
      return record ? peruriPrefillFromKyc(record) : null
    },
  }
}

export type SimasService = ReturnType<typeof createSimasService>
