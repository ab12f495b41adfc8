import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFetchHttpClient } from '../../../src/main/ports/http-client'
import { createKeytarSecretStore } from '../../../src/main/ports/keytar-secret-store'
import { createSimasKycClient } from '../../../src/main/providers/simas/kyc-client'
import { startSimasSandbox, type SimasSandbox } from '../../../src/main/sandbox/simas/simas-sandbox'
import { VAULT_KEY_ACCOUNT } from '../../../src/main/vault/vault'
import { PeruriRegistrationSchema, type KycPrefill } from '../../../src/shared/contract'
import { createTestCore, routerCalls, type TestCore } from '../../support/core'

const kycLogin = { username: 'teken-kyc-client', password: 'kyc-Secret-4-tests' }
const ayu = { phoneNumber: '6281234567890', fullName: 'Ayu Lestari', nik: '3174054506900003', dateOfBirth: '1990-06-05', email: 'ayu.lestari@example.co.id' }

describe('SIMAS-ID KYC pre-fill of the Peruri registration, through the router, against the SIMAS-ID sandbox', () => {
  let testCore: TestCore
  let sandbox: SimasSandbox
  const { call, value } = routerCalls(() => testCore)

  beforeAll(async () => {
    sandbox = await startSimasSandbox({ kycCredentials: [kycLogin] })
    // The business unit stored approved KYC data, as seed 002's POST does.
    const bu = createSimasKycClient({ http: createFetchHttpClient(5000), apiBaseUrl: sandbox.baseUrl, clientId: 'nanovest', credentials: kycLogin })
    await bu.store(ayu)
    await bu.store({ phoneNumber: '6281111111111', fullName: 'Tanpa Tanggal', nik: '3174050000000001', dateOfBirth: 'unknown', email: 'tanpa@example.co.id' })

    testCore = await createTestCore()
    await value('addSecret', { type: 'basic-auth', name: 'simas-kyc', tags: ['simas'], ...kycLogin })
    await value('addSecret', { type: 'basic-auth', name: 'simas-kyc-wrong', tags: ['simas'], username: kycLogin.username, password: 'not-it' })
    const { simas } = testCore.core.services
    await simas.saveProfile('nanovest-test', { baseUrl: sandbox.baseUrl, clientId: 'nanovest', apiBaseUrl: sandbox.baseUrl, kycCredentialsRef: 'simas-kyc' })
    await simas.saveProfile('wrong-secret', { baseUrl: sandbox.baseUrl, clientId: 'nanovest', apiBaseUrl: sandbox.baseUrl, kycCredentialsRef: 'simas-kyc-wrong' })
    // Token validation only: it cannot read KYC, so the form does not offer it.
    await simas.saveProfile('tokens-only', { baseUrl: sandbox.baseUrl, clientId: 'siminvest' })
  })
  afterAll(async () => {
    await sandbox?.close()
    await createKeytarSecretStore(testCore.keychainService).delete(VAULT_KEY_ACCOUNT)
    await testCore.dispose()
  })

  it('offers the SIMAS-ID profiles that can read common-KYC', async () => {
    expect(await value('listKycProfiles')).toEqual({
      profiles: [
        { name: 'nanovest-test', clientId: 'nanovest' },
        { name: 'wrong-secret', clientId: 'nanovest' },
      ],
    })
  })

  it("maps seed 002's KYC record onto seed 003's registration fields and names the ones it lacks", async () => {
    // Typed the way people write Indonesian numbers; SIMAS-ID is asked for 628….
    const prefill = await value<KycPrefill>('kycPrefillRegistration', { profile: 'nanovest-test', phoneNumber: '0812-3456-7890' })
    expect(prefill).toEqual({
      found: true,
      fields: { name: 'Ayu Lestari', email: 'ayu.lestari@example.co.id', phone: '6281234567890', ktp: '3174054506900003', dateOfBirth: '05/06/1990' },
      missing: ['placeOfBirth', 'gender', 'address', 'city', 'province'],
    })
    // What crosses is only what the form takes: no record id, client id or timestamps.
    expect(JSON.stringify(prefill)).not.toMatch(/created_at|client_id|nanovest|"id"/)
    // And the registration schema accepts every filled value as it is.
    const { shape } = PeruriRegistrationSchema
    for (const [field, filled] of Object.entries(prefill.fields)) expect(shape[field as keyof typeof shape].safeParse(filled).success, field).toBe(true)
    expect((await value<KycPrefill>('kycPrefillRegistration', { profile: 'nanovest-test', phoneNumber: '+62 812 3456 7890' })).fields.name).toBe('Ayu Lestari')
  })

  it('leaves a date SIMAS-ID wrote in no known format for the user, and says so', async () => {
    expect(await value('kycPrefillRegistration', { profile: 'nanovest-test', phoneNumber: '6281111111111' })).toEqual({
      found: true,
      fields: { name: 'Tanpa Tanggal', email: 'tanpa@example.co.id', phone: '6281111111111', ktp: '3174050000000001' },
      missing: ['dateOfBirth', 'placeOfBirth', 'gender', 'address', 'city', 'province'],
    })
  })

  it('answers "not found" for a number SIMAS-ID has no record of', async () => {
    expect(await value('kycPrefillRegistration', { profile: 'nanovest-test', phoneNumber: '089999999999' })).toEqual({
      found: false,
      fields: {},
      missing: ['name', 'email', 'phone', 'ktp', 'dateOfBirth', 'placeOfBirth', 'gender', 'address', 'city', 'province'],
    })
  })

  it("reports SIMAS-ID's refusal of a wrong client secret, a profile that cannot read KYC, and input that is not a phone number", async () => {
    const refused = await call('kycPrefillRegistration', { profile: 'wrong-secret', phoneNumber: '6281234567890' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'PROVIDER_HTTP_ERROR', details: { status: '401' } } })
    expect(JSON.stringify(refused)).not.toContain('not-it')
    expect(await call('kycPrefillRegistration', { profile: 'tokens-only', phoneNumber: '6281234567890' })).toMatchObject({ ok: false, error: { code: 'PROFILE_INVALID' } })
    expect(await call('kycPrefillRegistration', { profile: 'missing', phoneNumber: '6281234567890' })).toMatchObject({ ok: false, error: { code: 'PROFILE_NOT_FOUND' } })
    for (const phoneNumber of ['', 'abc', '62&x=1', '1'.repeat(40)]) {
      expect(await call('kycPrefillRegistration', { profile: 'nanovest-test', phoneNumber }), phoneNumber).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    }
  })
})
