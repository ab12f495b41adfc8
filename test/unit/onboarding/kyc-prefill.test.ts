import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFetchHttpClient } from '../../../src/main/ports/http-client'
import { basicCredentialsFromVault } from '../../../src/main/providers/simas/basic-auth'
import { createSimasKycClient } from '../../../src/main/providers/simas/kyc-client'
import { SANDBOX_KYC_PHONE, SANDBOX_SIMAS_KYC_ITEM, SANDBOX_SIMAS_PROFILE } from '../../../src/main/sandbox/sandbox-host'
import { SANDBOX_DEMO_SIGNERS } from '../../../src/main/sandbox/peruri/sandbox-state'
import { startSimasSandbox, type SimasSandbox } from '../../../src/main/sandbox/simas/simas-sandbox'
import { PeruriRegistrationSchema, type KycPrefill } from '../../../src/shared/contract'
import { createTestCore, routerCalls, type TestCore } from '../../support/core'

const kycLogin = { username: 'teken-kyc-client', password: 'kyc-Secret-4-tests' }
const ayu = { phoneNumber: '6281234567890', fullName: 'Ayu Lestari', nik: '3174054506900003', dateOfBirth: '1990-06-05', email: 'ayu.lestari@example.co.id' }

describe('SIMAS-ID KYC pre-fill of the Peruri registration, through the router, against the SIMAS-ID sandbox', () => {
  let testCore: TestCore
  let sandbox: SimasSandbox
  const answers: string[] = []
  const { call, value } = routerCalls(
    () => testCore,
    (answer) => answers.push(JSON.stringify(answer)),
  )

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
    await testCore.dispose()
  })

  it('offers the SIMAS-ID profiles that can read common-KYC, the built-in sandbox one first with the number to try', async () => {
    expect(await value('listKycProfiles')).toEqual({
      profiles: [
        { name: 'SIMAS-ID sandbox', clientId: 'nanovest', sandboxPhoneNumber: '081200000003' },
        { name: 'nanovest-test', clientId: 'nanovest' },
        { name: 'wrong-secret', clientId: 'nanovest' },
      ],
    })
  })

  it('offers the built-in sandbox profile in Sandbox only: its sample person must never reach a real registration', async () => {
    await value('updateSettings', { environment: 'production' })
    try {
      expect(await value('listKycProfiles')).toEqual({ profiles: [{ name: 'nanovest-test', clientId: 'nanovest' }, { name: 'wrong-secret', clientId: 'nanovest' }] })
      expect(await call('kycPrefillRegistration', { profile: 'SIMAS-ID sandbox', phoneNumber: '081200000003' })).toMatchObject({ ok: false, error: { code: 'SANDBOX_ONLY' } })
    } finally {
      await value('updateSettings', { environment: 'sandbox' })
    }
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

  describe('the built-in "SIMAS-ID sandbox" profile, with no profile set up', () => {
    const rinaPrefill: KycPrefill = {
      found: true,
      fields: { name: 'Rina Wulandari', email: 'rina.wulandari@sandbox.teken.id', phone: '6281200000003', ktp: '3171015708930003', dateOfBirth: '17/08/1993' },
      missing: ['placeOfBirth', 'gender', 'address', 'city', 'province'],
    }

    it("fills a sandbox applicant, not yet registered at Peruri's sandbox, from the embedded SIMAS-ID's common-KYC, through a KYC login generated into the vault", async () => {
      expect(SANDBOX_KYC_PHONE).toBe('081200000003')
      expect(SANDBOX_DEMO_SIGNERS.map((signer) => signer.phone)).not.toContain(SANDBOX_KYC_PHONE)
      const prefill = await value<KycPrefill>('kycPrefillRegistration', { profile: SANDBOX_SIMAS_PROFILE, phoneNumber: SANDBOX_KYC_PHONE })
      expect(prefill).toEqual(rinaPrefill)
      // The NIK says 17 August 1993 (a woman's DDMMYY after the region code: day + 40), and so does the date of birth.
      expect(rinaPrefill.fields.ktp!.slice(6, 12)).toBe('570893')
      const { shape } = PeruriRegistrationSchema
      for (const [field, filled] of Object.entries(prefill.fields)) expect(shape[field as keyof typeof shape].safeParse(filled).success, field).toBe(true)
      expect(await value<KycPrefill>('kycPrefillRegistration', { profile: SANDBOX_SIMAS_PROFILE, phoneNumber: '+62 812 0000 0003' })).toEqual(rinaPrefill)
      expect((await value<KycPrefill>('kycPrefillRegistration', { profile: SANDBOX_SIMAS_PROFILE, phoneNumber: '089999999999' })).found).toBe(false)

      const { vault, sandboxHost } = testCore.core.services
      const login = await basicCredentialsFromVault(vault, SANDBOX_SIMAS_KYC_ITEM)
      expect(login).toEqual({ username: 'nanovest-kyc', password: expect.stringMatching(/^[\w-]{32}$/) as unknown })
      // The embedded sandbox takes that login and no other, and the built-in profile names the item, never the secret.
      const { sandbox, profile } = await sandboxHost.simas()
      expect(sandbox.kycCredentials).toEqual([login])
      expect(profile.config).toMatchObject({ apiBaseUrl: sandbox.baseUrl, kycCredentialsRef: SANDBOX_SIMAS_KYC_ITEM })
      expect(answers.join('\n')).not.toContain(login.password)
    })

    it('still fills after the sandbox restarts, with the same login and the record from its state folder', async () => {
      const { vault, sandboxHost } = testCore.core.services
      const login = await basicCredentialsFromVault(vault, SANDBOX_SIMAS_KYC_ITEM)
      const before = await sandboxHost.simas()
      const recordBefore = await createSimasKycClient({ http: createFetchHttpClient(5000), apiBaseUrl: before.sandbox.baseUrl, clientId: 'nanovest', credentials: login }).getByPhoneNumber('6281200000003')
      await sandboxHost.close()
      expect(await value('kycPrefillRegistration', { profile: SANDBOX_SIMAS_PROFILE, phoneNumber: SANDBOX_KYC_PHONE })).toEqual(rinaPrefill)
      const after = await sandboxHost.simas()
      expect(after.sandbox).not.toBe(before.sandbox)
      expect(await basicCredentialsFromVault(vault, SANDBOX_SIMAS_KYC_ITEM)).toEqual(login)
      // The same record (id, created_at), read back from sandbox/simas/state.json, not seeded again.
      const recordAfter = await createSimasKycClient({ http: createFetchHttpClient(5000), apiBaseUrl: after.sandbox.baseUrl, clientId: 'nanovest', credentials: login }).getByPhoneNumber('6281200000003')
      expect(recordAfter).toEqual(recordBefore)
      expect(sandboxHost.stateDir('simas')).toBe(join(testCore.dataDir, 'sandbox', 'simas'))
      const state = await readFile(join(sandboxHost.stateDir('simas'), 'state.json'), 'utf8')
      expect(state).toContain('"phone_number":"6281200000003"')
      // The KYC login stays in the vault: the sandbox's state file does not hold it.
      expect(state).not.toContain(login.password)
    })

    it('hides a stored SIMAS-ID profile of the same name behind the built-in one', async () => {
      await testCore.core.services.simas.saveProfile(SANDBOX_SIMAS_PROFILE, { baseUrl: sandbox.baseUrl, clientId: 'nanovest', apiBaseUrl: sandbox.baseUrl, kycCredentialsRef: 'simas-kyc' })
      try {
        const { profiles } = await value<{ profiles: { name: string }[] }>('listKycProfiles')
        expect(profiles.filter((listed) => listed.name === SANDBOX_SIMAS_PROFILE)).toHaveLength(1)
        expect(await value('kycPrefillRegistration', { profile: SANDBOX_SIMAS_PROFILE, phoneNumber: SANDBOX_KYC_PHONE })).toEqual(rinaPrefill)
      } finally {
        await testCore.core.services.profiles.remove('simas', SANDBOX_SIMAS_PROFILE)
      }
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
