import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFetchHttpClient, type HttpRequest } from '../../../src/main/ports/http-client'
import { createSimasKycClient, peruriPrefillFromKyc, type CommonKycData } from '../../../src/main/providers/simas/kyc-client'
import { startSimasSandbox, type SimasSandbox } from '../../../src/main/sandbox/simas/simas-sandbox'
import { expectTekenError, rejectionOf } from '../../support/teken-error'

const john: CommonKycData = { phoneNumber: '6285610573956', fullName: 'John Doe', nik: '3171012345678901', dateOfBirth: '1990-01-31', email: 'john.doe@example.com' }

describe('SIMAS-ID common-KYC client (seed 002)', () => {
  let sandbox: SimasSandbox
  const sent: HttpRequest[] = []
  const fetchClient = createFetchHttpClient(5000)
  const http = { send: (request: HttpRequest) => (sent.push(request), fetchClient.send(request)) }
  const client = (password = 'nanovest-kyc-sandbox-secret') => createSimasKycClient({ http, apiBaseUrl: `${sandbox.url}/`, clientId: 'nanovest', credentials: { username: 'nanovest-kyc', password } })

  beforeAll(async () => {
    sandbox = await startSimasSandbox()
  })
  afterAll(() => sandbox.close())

  it('stores approved KYC data and reads it back by phone number, with Basic auth', async () => {
    await expect(client().store(john)).resolves.toMatchObject({ message: 'store common kyc data success' })
    const request = sent.at(-1)!
    expect(request).toMatchObject({ method: 'POST', url: `${sandbox.url}/v1/common-kyc` })
    expect(request.headers?.authorization).toBe(`Basic ${Buffer.from('nanovest-kyc:nanovest-kyc-sandbox-secret').toString('base64')}`)
    expect(JSON.parse(String(request.body))).toEqual({ client_id: 'nanovest', phone_number: '6285610573956', full_name: 'John Doe', nik: '3171012345678901', date_of_birth: '1990-01-31', email: 'john.doe@example.com' })

    const stored = await client().getByPhoneNumber('6285610573956')
    expect(sent.at(-1)).toMatchObject({ method: 'GET', url: `${sandbox.url}/v1/common-kyc?phone_number=6285610573956` })
    expect(stored).toMatchObject({ ...john, clientId: 'nanovest' })
    expect(stored?.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(stored?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('answers null for a phone number SIMAS-ID has no KYC data for', async () => {
    await expect(client().getByPhoneNumber('6280000000000')).resolves.toBeNull()
  })

  it("fails with SIMAS-ID's own message when the client secret is wrong, never showing the secret", async () => {
    for (const call of [() => client('wrong-secret').store(john), () => client('wrong-secret').getByPhoneNumber(john.phoneNumber)]) {
      const error = expectTekenError(await rejectionOf(call()), 'PROVIDER_HTTP_ERROR', ['wrong-secret', 'nanovest-kyc-sandbox-secret'])
      expect(error.message).toMatch(/^SIMAS-ID answered HTTP 401 to the common-KYC (store request|lookup): unauthorized: invalid client id or client secret$/)
      expect(error.details).toEqual({ provider: 'SIMAS-ID', status: '401', providerMessage: 'unauthorized: invalid client id or client secret' })
    }
  })

  it('passes on what SIMAS-ID says about an incomplete record', async () => {
    const error = expectTekenError(await rejectionOf(client().store({ ...john, nik: '' })), 'PROVIDER_HTTP_ERROR')
    expect(error.message).toBe('SIMAS-ID answered HTTP 400 to the common-KYC store request: nik is required')
  })

  it("maps KYC data onto Peruri's registration fields, with Peruri's dd/mm/yyyy date", () => {
    expect(peruriPrefillFromKyc(john)).toEqual({ name: 'John Doe', email: 'john.doe@example.com', phone: '6285610573956', nik: '3171012345678901', dateOfBirth: '31/01/1990' })
    const dates: [string, string][] = [
      ['1990-01-31T00:00:00Z', '31/01/1990'],
      ['31-01-1990', '31/01/1990'],
      ['31/01/1990', '31/01/1990'],
      ['Jan 31, 1990', 'Jan 31, 1990'],
    ]
    for (const [given, expected] of dates) expect(peruriPrefillFromKyc({ ...john, dateOfBirth: given }).dateOfBirth, given).toBe(expected)
    expect(peruriPrefillFromKyc({ ...john, fullName: '  John Doe ', email: ' john.doe@example.com\n' })).toMatchObject({ name: 'John Doe', email: 'john.doe@example.com' })
  })
})
