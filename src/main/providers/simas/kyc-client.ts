import { z } from 'zod'
import { TekenError } from '../../../shared/errors'
import { parseJsonBody, type HttpClient } from '../../ports/http-client'
import { basicAuthorization, type BasicCredentials } from './basic-auth'
import { SIMAS_PROVIDER, simasHttpError } from './simas-http'

/** The KYC fields of seed 002's common-KYC endpoints (approved by the business unit). */
export interface CommonKycData {
  phoneNumber: string
  fullName: string
  /** The 16-digit KTP number. */
  nik: string
  dateOfBirth: string
  email: string
}

export interface StoredCommonKyc extends CommonKycData {
  id: string
  clientId: string
  createdAt: string
}

export const COMMON_KYC_PATH = '/v1/common-kyc'

const MetaSchema = z.looseObject({ id: z.string().optional(), status: z.string().optional(), message: z.string().optional() })
const StoreResponseSchema = z.looseObject({ meta: MetaSchema })
const KycWireSchema = z.looseObject({
  id: z.string(),
  client_id: z.string(),
  phone_number: z.string(),
  full_name: z.string(),
  nik: z.string(),
  date_of_birth: z.string(),
  email: z.string(),
  created_at: z.string(),
})
const GetResponseSchema = z.looseObject({ data: KycWireSchema.nullable().optional(), meta: MetaSchema.optional() })

/**
 * SIMAS-ID's common-KYC API (seed 002), with the business unit's ClientID/ClientSecret as Basic
 * auth. `client_id` in the stored record is the business unit's SIMAS-ID client id (`nanovest`…).
 * Success is judged by the HTTP status: the seed's `meta.status` is spelled "sucess".
 */
export function createSimasKycClient(options: { http: HttpClient; apiBaseUrl: string; clientId: string; credentials: BasicCredentials }) {
  const url = `${options.apiBaseUrl.replace(/\/+$/, '')}${COMMON_KYC_PATH}`
  const headers = { authorization: basicAuthorization(options.credentials), accept: 'application/json' }

  return {
    /** Sends KYC data the business unit has approved (after first approval or an approved update). */
    async store(data: CommonKycData): Promise<{ requestId?: string; message?: string }> {
      const body = JSON.stringify({ client_id: options.clientId, phone_number: data.phoneNumber, full_name: data.fullName, nik: data.nik, date_of_birth: data.dateOfBirth, email: data.email })
      const response = await options.http.send({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, body })
      if (response.status < 200 || response.status > 299) throw simasHttpError(response, 'the common-KYC store request')
      const parsed = StoreResponseSchema.safeParse(parseJsonBody(response, SIMAS_PROVIDER))
      if (!parsed.success) throw badResponse('store')
      return { requestId: parsed.data.meta.id, message: parsed.data.meta.message }
    },

    /** The approved KYC data for a phone number (`628…`), or null when SIMAS-ID has none. */
    async getByPhoneNumber(phoneNumber: string): Promise<StoredCommonKyc | null> {
      const response = await options.http.send({ method: 'GET', url: `${url}?${new URLSearchParams({ phone_number: phoneNumber })}`, headers })
      if (response.status === 404) return null
      if (response.status !== 200) throw simasHttpError(response, 'the common-KYC lookup')
      const parsed = GetResponseSchema.safeParse(parseJsonBody(response, SIMAS_PROVIDER))
      if (!parsed.success) throw badResponse('lookup')
      const record = parsed.data.data
      if (!record) return null
      return {
        id: record.id,
        clientId: record.client_id,
        phoneNumber: record.phone_number,
        fullName: record.full_name,
        nik: record.nik,
        dateOfBirth: record.date_of_birth,
        email: record.email,
        createdAt: record.created_at,
      }
    },
  }
}

export type SimasKycClient = ReturnType<typeof createSimasKycClient>

const badResponse = (call: string) => new TekenError('PROVIDER_BAD_RESPONSE', `${SIMAS_PROVIDER} answered the common-KYC ${call} with a body that does not have the documented shape.`, { provider: SIMAS_PROVIDER })

/** What the SIMAS-ID KYC data fills in on Peruri's registration form (Peruri's own field names and formats). */
export interface PeruriRegistrationPrefill {
  name: string
  email: string
  phone: string
  /** KTP number (Peruri's `ktp` parameter). */
  nik: string
  /** Peruri's `dd/mm/yyyy`; left as SIMAS-ID sent it when it is in no format recognised here. */
  dateOfBirth: string
}

/**
 * Pre-fills Peruri's registration from common-KYC data. SIMAS-ID carries no address, gender or
 * place of birth, so those stay for the user to enter.
 */
export function peruriPrefillFromKyc(kyc: CommonKycData): PeruriRegistrationPrefill {
  return { name: kyc.fullName.trim(), email: kyc.email.trim(), phone: kyc.phoneNumber.trim(), nik: kyc.nik.trim(), dateOfBirth: toPeruriDate(kyc.dateOfBirth.trim()) }
}

/** `1990-01-31`, `1990-01-31T00:00:00Z`, `31-01-1990` and `31/01/1990` all become `31/01/1990`. */
function toPeruriDate(value: string): string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(value)
  if (iso) return `${iso[3]}/${iso[2]}/${iso[1]}`
  const dayFirst = /^(\d{2})[-/](\d{2})[-/](\d{4})$/.exec(value)
  if (dayFirst) return `${dayFirst[1]}/${dayFirst[2]}/${dayFirst[3]}`
  return value
}
