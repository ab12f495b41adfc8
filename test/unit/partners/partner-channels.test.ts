import { createHmac, createPublicKey, verify } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKEN_CHECKS } from '../../../src/main/providers/simas/token-validator'
import { startMyValueSandbox, type MyValueSandbox } from '../../../src/main/sandbox/myvalue/myvalue-sandbox'
import { SANDBOX_MYVALUE_SECRET_ITEM, sandboxSnapKeyItem, sandboxSnapSecretItem, SANDBOX_SIMAS_SECRET_ITEM } from '../../../src/main/sandbox/sandbox-host'
import { startSnapSandbox, type SnapSandbox } from '../../../src/main/sandbox/snap/snap-sandbox'
import { SIMAS_TOKEN_CHECKS, type SignedRequestPreviewView, type PartnerResponseView, type TokenReportView } from '../../../src/shared/contract'
import { createTestCore, routerCalls, type TestCore } from '../../support/core'

const IFORTEPAY = 'Ifortepay sandbox'
const balanceInquiry = { method: 'POST', path: '/v1.0/balance-inquiry', body: '{ "partnerReferenceNo": "2020102900000000000001",  "accountNo": "7382382957893840" }' }

describe('Partner API channels (workbench, token inspector) through the router of a real core, against the embedded sandboxes', () => {
  let testCore: TestCore
  /** Everything the router answered: what would cross IPC, for the secret scan at the end. */
  const answers: string[] = []
  const { call, value } = routerCalls(
    () => testCore,
    (answer) => answers.push(JSON.stringify(answer)),
  )
  const preview = (request: Record<string, unknown>) => value<{ previewId: string; preview: SignedRequestPreviewView }>('previewSnapRequest', { target: 'sandbox', kind: 'service', serviceSignature: 'symmetric', ...request })
  const send = (previewId: string) => value<PartnerResponseView>('sendSignedRequest', { previewId })
  const secretOf = async (name: string) => {
    const { secret } = await testCore.core.services.vault.secret(name)
    if (secret.kind !== 'value') throw new Error(`${name} is not a value`)
    return secret.value
  }

  beforeAll(async () => {
    testCore = await createTestCore()
  })
  afterAll(() => testCore.dispose())

  it('lists the built-in sandbox profiles, and sends to the sandbox while the environment switch says Sandbox', async () => {
    const listed = await value<{ snap: { name: string; builtIn: boolean }[]; simas: { name: string; clientId: string }[]; myvalue: unknown[]; preferredTarget: string; samples: { snap: { path: string } } }>('listPartnerProfiles')
    expect(listed.snap.map((profile) => [profile.name, profile.builtIn])).toEqual([
      ['Ifortepay sandbox', true],
      ['OVO sandbox', true],
    ])
    expect(listed.simas).toEqual([{ name: 'SIMAS-ID sandbox', clientId: 'nanovest', baseUrl: 'embedded', checkAzp: true, builtIn: true }])
    expect(listed.myvalue).toEqual([{ name: 'MyValue sandbox', baseUrl: 'embedded', clientId: 'MYVALUE-SANDBOX-PARTNER', signatureAlgorithm: 'hmac-sha256', builtIn: true }])
    expect(listed).toMatchObject({ preferredTarget: 'sandbox', samples: { snap: { path: '/v1.0/balance-inquiry' }, myvalue: { path: '/v1/partner/signature-check' } } })
    await value('updateSettings', { environment: 'staging' })
    expect(await value('listPartnerProfiles')).toMatchObject({ preferredTarget: 'endpoint' })
    await value('updateSettings', { environment: 'sandbox' })
  })

  it('signs the Access Token B2B request with a key generated into the vault on first use, and sends exactly that request', async () => {
    const { previewId, preview: shown } = await preview({ profile: IFORTEPAY, kind: 'access-token', method: 'POST', path: '/', body: '' })
    expect(shown.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\/merchants\/v1\.0\/access-token\/b2b$/)
    expect(shown.stringToSign).toBe(`IFP-SANDBOX-MERCHANT|${shown.headers['X-TIMESTAMP']}`)
    const { key } = await testCore.core.services.vault.privateKey(sandboxSnapKeyItem(IFORTEPAY))
    expect(verify('sha256', Buffer.from(shown.stringToSign), createPublicKey(key), Buffer.from(shown.signature, 'base64'))).toBe(true)
    expect(shown.headers['X-SIGNATURE']).toBe(shown.signature)

    const answer = await send(previewId)
    expect(answer).toMatchObject({ httpStatus: 200, responseCode: { code: '2007300', httpStatus: 200, serviceCode: '73', caseCode: '00', service: 'Access Token B2B', meaning: 'Successful.' }, responseMessage: 'Successful' })
    // The issued token is masked: two characters at each end.
    expect((JSON.parse(answer.body) as { accessToken: string }).accessToken).toMatch(/^.{2}•{8}.{2}$/)
    // Sent once only.
    expect(await call('sendSignedRequest', { previewId })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
  })

  it('previews a symmetric service call with the token masked, and the sandbox accepts the very request shown', async () => {
    const { previewId, preview: shown } = await preview({ profile: IFORTEPAY, ...balanceInquiry })
    expect(shown.body).toBe('{"partnerReferenceNo":"2020102900000000000001","accountNo":"7382382957893840"}')
    expect(shown.headers).toMatchObject({ 'X-PARTNER-ID': 'IFP-SANDBOX-MERCHANT', 'CHANNEL-ID': '95221', 'X-SIGNATURE': shown.signature })
    expect(shown.headers.Authorization).toMatch(/^Bearer .{2}•{8}.{2}$/)
    const masked = shown.headers.Authorization!.slice('Bearer '.length)
    expect(shown.stringToSign).toBe(`POST:/v1.0/balance-inquiry:${masked}:${shown.bodySha256}:${shown.headers['X-TIMESTAMP']}`)
    expect(shown.curl).toContain('-H "Authorization: Bearer $SNAP_ACCESS_TOKEN"')
    expect(shown.curl).toContain(`-H 'X-SIGNATURE: ${shown.signature}'`)

    const answer = await send(previewId)
    expect(answer).toMatchObject({ httpStatus: 200, responseCode: { code: '2001100', service: 'Balance Inquiry', meaning: 'Successful.' } })
    expect(JSON.parse(answer.body)).toMatchObject({ accountNo: '7382382957893840', accountInfos: [{ balanceType: 'Cash' }] })
  })

  it("signs with the token the user gives: a token the sandbox never issued gets SNAP's 401xx01, decoded", async () => {
    const given = 'not-a-token-the-sandbox-issued'
    const { previewId, preview: shown } = await preview({ profile: 'OVO sandbox', ...balanceInquiry, accessToken: given })
    expect(JSON.stringify(shown)).not.toContain(given)
    // The signature is over the real token: recompute it with the client secret from the vault.
    const stringToSign = shown.stringToSign.replace(shown.headers.Authorization!.slice('Bearer '.length), given)
    expect(createHmac('sha512', await secretOf(sandboxSnapSecretItem('OVO sandbox'))).update(stringToSign).digest('base64')).toBe(shown.signature)
    const answer = await send(previewId)
    expect(answer).toMatchObject({ httpStatus: 401, responseCode: { code: '4011101', caseCode: '01', meaning: expect.stringContaining('Invalid token (B2B)') }, responseMessage: 'Invalid Token (B2B)' })
    expect(answer.body).not.toContain(given)
  })

  it('lets the signature kind be switched per request: an asymmetric signature where the sandbox wants HMAC is refused as the provider would', async () => {
    const { previewId, preview: shown } = await preview({ profile: IFORTEPAY, ...balanceInquiry, serviceSignature: 'asymmetric' })
    expect(shown.stringToSign).toBe(`POST:/v1.0/balance-inquiry:${shown.bodySha256}:${shown.headers['X-TIMESTAMP']}`)
    const { key } = await testCore.core.services.vault.privateKey(sandboxSnapKeyItem(IFORTEPAY))
    expect(verify('sha256', Buffer.from(shown.stringToSign), createPublicKey(key), Buffer.from(shown.signature, 'base64'))).toBe(true)
    expect(await send(previewId)).toMatchObject({ httpStatus: 401, responseCode: { code: '4011100', meaning: expect.stringContaining('Unauthorized') }, responseMessage: 'Unauthorized. [Signature]' })
  })

  describe("a user's own SNAP profile", () => {
    let provider: SnapSandbox
    beforeAll(async () => {
      // A second SNAP sandbox stands in for the provider's real endpoint.
      provider = await startSnapSandbox()
      const { vault, keys, snap } = testCore.core.services
      await keys.generate({ name: 'Mitra key', bits: 2048, tags: [] })
      await vault.addSecret({ name: 'Mitra secret', tags: [], secret: { type: 'client-secret', value: 'mitra-client-secret-value-0123456789' } })
      await snap.saveProfile('Mitra', { baseUrl: provider.url, tokenPath: '/api/v1.0/access-token/b2b', clientId: 'MITRA-1', privateKeyRef: 'Mitra key', clientSecretRef: 'Mitra secret', partnerId: 'MITRA-1', channelId: '95221' })
      provider.registerPartner(await snap.sandboxRegistration('Mitra'))
    })
    afterAll(() => provider.close())

    it('is listed, goes to its own base URL as "endpoint", and to the embedded sandbox (which learns the partner) as "sandbox"', async () => {
      const listed = await value<{ snap: { name: string; baseUrl: string; builtIn: boolean }[] }>('listPartnerProfiles')
      expect(listed.snap).toContainEqual({ name: 'Mitra', baseUrl: provider.url, clientId: 'MITRA-1', serviceSignature: 'symmetric', builtIn: false })

      const atEndpoint = await preview({ profile: 'Mitra', target: 'endpoint', ...balanceInquiry })
      expect(atEndpoint.preview.url).toBe(`${provider.url}/v1.0/balance-inquiry`)
      expect(await send(atEndpoint.previewId)).toMatchObject({ httpStatus: 200, responseCode: { code: '2001100' } })

      const atSandbox = await preview({ profile: 'Mitra', target: 'sandbox', ...balanceInquiry })
      const embedded = (await testCore.core.services.sandboxHost.snap()).sandbox.url
      expect(atSandbox.preview.url).toBe(`${embedded}/v1.0/balance-inquiry`)
      expect(await send(atSandbox.previewId)).toMatchObject({ httpStatus: 200, responseCode: { code: '2001100' } })
    })

    it('refuses an endpoint for a built-in profile, and names a profile that does not exist', async () => {
      expect(await call('previewSnapRequest', { profile: IFORTEPAY, target: 'endpoint', kind: 'service', serviceSignature: 'symmetric', ...balanceInquiry })).toMatchObject({ ok: false, error: { code: 'PROFILE_INVALID' } })
      expect(await call('previewSnapRequest', { profile: 'Nobody', target: 'endpoint', kind: 'service', serviceSignature: 'symmetric', ...balanceInquiry })).toMatchObject({ ok: false, error: { code: 'PROFILE_NOT_FOUND' } })
    })
  })

  describe('token inspector on the SIMAS-ID sandbox', () => {
    const inspect = (token: string) => value<TokenReportView>('inspectSimasToken', { profile: 'SIMAS-ID sandbox', token })
    const issue = async (kind: string) => (await value<{ token: string }>('issueSandboxSimasToken', { kind })).token
    const verdicts = (report: TokenReportView) => Object.fromEntries(report.checks.map((check) => [check.name, check.passed]))

    it('reports the checks the validator makes', () => {
      expect(SIMAS_TOKEN_CHECKS).toEqual(TOKEN_CHECKS)
    })

    it('passes every check for a valid sandbox token and shows its claims; userinfo knows the user', async () => {
      const token = await issue('valid')
      const report = await inspect(token)
      expect(report.valid).toBe(true)
      expect(report.checks.every((check) => check.passed && !check.skipped)).toBe(true)
      expect(report.claims).toMatchObject({ azp: 'nanovest', aud: ['nanovest'], sub: '279f3c1e-5b6a-4d0e-9a8b-2c4d6e8f09bf' })
      expect(report.header).toMatchObject({ alg: 'RS256' })
      expect(await value('simasUserinfo', { profile: 'SIMAS-ID sandbox', token })).toMatchObject({ userinfo: { sub: '279f3c1e-5b6a-4d0e-9a8b-2c4d6e8f09bf', given_name: 'John' } })
      // The sandbox's client secret is a vault item made on first use.
      expect(await secretOf(SANDBOX_SIMAS_SECRET_ITEM)).toMatch(/^[\w-]{43}$/)
    })

    it('fails exactly the check each bad token breaks, with the reason', async () => {
      const expired = await inspect(await issue('expired'))
      expect(expired.valid).toBe(false)
      expect(verdicts(expired)).toMatchObject({ signature: true, issuer: true, expiry: false, audience: true })
      expect(expired.checks.find((check) => check.name === 'expiry')!.reason).toMatch(/^Expired at /)

      const early = await inspect(await issue('not-yet-valid'))
      expect(verdicts(early)).toMatchObject({ signature: true, expiry: true, 'not-before': false })

      const elsewhere = await inspect(await issue('wrong-audience'))
      expect(verdicts(elsewhere)).toMatchObject({ signature: true, audience: false, 'authorized-party': false })
      expect(elsewhere.checks.find((check) => check.name === 'audience')!.reason).toContain('does not contain nanovest')

      const [header, payload, signature] = (await issue('valid')).split('.')
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>
      const tampered = [header, Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url'), signature].join('.')
      const forged = await inspect(tampered)
      expect(verdicts(forged)).toMatchObject({ format: true, signature: false })
      expect(forged.checks.find((check) => check.name === 'signature')!.reason).toContain('does not match')
      expect(await call('simasUserinfo', { profile: 'SIMAS-ID sandbox', token: tampered })).toMatchObject({ ok: false, error: { code: 'TOKEN_INVALID' } })

      expect(verdicts(await inspect('not.a-jwt'))).toMatchObject({ format: false, signature: false })
    })
  })

  describe('MyValue (seed 004: client id and a SHA-256 payload signature, HMAC-SHA256 assumed)', () => {
    const myValuePreview = (request: Record<string, unknown>) => value<{ previewId: string; preview: SignedRequestPreviewView }>('previewMyValueRequest', { profile: 'MyValue sandbox', target: 'sandbox', method: 'POST', ...request })
    const points = { path: '/v1/points/inquiry', body: '{ "phone_number": "6281234567890",  "note": "spasi  di dalam" }' }

    it('signs the exact body with the client secret generated into the vault, and the built-in sandbox accepts the very request shown', async () => {
      const { previewId, preview: shown } = await myValuePreview(points)
      const secret = await secretOf(SANDBOX_MYVALUE_SECRET_ITEM)
      const expected = createHmac('sha256', secret).update(points.body).digest('hex')
      expect(shown).toMatchObject({ method: 'POST', body: points.body, stringToSign: points.body, signature: expected, signatureAlgorithm: 'hmac-sha256' })
      expect(shown.headers).toEqual({ 'Content-Type': 'application/json', 'X-Client-Id': 'MYVALUE-SANDBOX-PARTNER', 'X-Signature': expected })
      expect(shown.url).toBe(`${(await testCore.core.services.sandboxHost.myvalue()).sandbox.url}/v1/points/inquiry`)
      expect(shown.curl).toContain(`-H 'X-Signature: ${expected}'`)

      const answer = await send(previewId)
      expect(answer.httpStatus).toBe(200)
      // MyValue documents no response codes: nothing is decoded as SNAP's.
      expect(answer.responseCode).toBeUndefined()
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'SUCCESS', data: { client_id: 'MYVALUE-SANDBOX-PARTNER', path: '/v1/points/inquiry' } })
      expect(await call('sendSignedRequest', { previewId })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
      const audit = await testCore.core.services.audit.list(500)
      expect(audit.find((entry) => entry.action === 'myvalue.request-sent')).toMatchObject({ subject: 'MyValue sandbox', details: { via: 'workbench', method: 'POST', path: '/v1/points/inquiry', httpStatus: '200' } })
    })

    it("signs an empty body (a GET) as zero bytes, and refuses an endpoint for the built-in profile", async () => {
      const { previewId, preview: shown } = await myValuePreview({ method: 'GET', path: '/v1/partner/status', body: '' })
      expect(shown.signature).toBe(createHmac('sha256', await secretOf(SANDBOX_MYVALUE_SECRET_ITEM)).update('').digest('hex'))
      expect(shown.headers['Content-Type']).toBeUndefined()
      expect(await send(previewId)).toMatchObject({ httpStatus: 200 })
      expect(await call('previewMyValueRequest', { profile: 'MyValue sandbox', target: 'endpoint', method: 'POST', ...points })).toMatchObject({ ok: false, error: { code: 'PROFILE_INVALID' } })
    })

    describe("a user's own MyValue profile", () => {
      let provider: MyValueSandbox
      beforeAll(async () => {
        // A second MyValue sandbox stands in for MyValue's real External API, which knows the partner.
        provider = await startMyValueSandbox()
        provider.registerPartner({ clientId: 'partner-1', clientSecret: 'mv-partner-secret-0123456789' })
        await testCore.core.services.vault.addSecret({ name: 'MyValue secret', tags: ['myvalue'], secret: { type: 'client-secret', value: 'mv-partner-secret-0123456789' } })
        await testCore.core.services.myvalue.saveProfile('Mitra MyValue', { clientId: 'partner-1', clientSecretRef: 'MyValue secret', redirectUrl: 'https://mitra.example.id/cb', externalApiBaseUrl: provider.url })
      })
      afterAll(() => provider.close())

      it('is listed with its base URL, goes there as "endpoint" and to the embedded sandbox (which learns the partner) as "sandbox"', async () => {
        const listed = await value<{ myvalue: unknown[] }>('listPartnerProfiles')
        expect(listed.myvalue).toContainEqual({ name: 'Mitra MyValue', baseUrl: provider.url, clientId: 'partner-1', signatureAlgorithm: 'hmac-sha256', builtIn: false })
        const atEndpoint = await myValuePreview({ profile: 'Mitra MyValue', target: 'endpoint', ...points })
        expect(atEndpoint.preview.url).toBe(`${provider.url}/v1/points/inquiry`)
        expect(await send(atEndpoint.previewId)).toMatchObject({ httpStatus: 200 })
        const atSandbox = await myValuePreview({ profile: 'Mitra MyValue', target: 'sandbox', ...points })
        expect(atSandbox.preview.url).toBe(`${(await testCore.core.services.sandboxHost.myvalue()).sandbox.url}/v1/points/inquiry`)
        expect(await send(atSandbox.previewId)).toMatchObject({ httpStatus: 200 })
      })

      it('gets the provider\'s refusal, with its reason, when the profile signs another way than MyValue checks', async () => {
        await testCore.core.services.myvalue.saveProfile('Mitra MyValue', { clientId: 'partner-1', clientSecretRef: 'MyValue secret', redirectUrl: 'https://mitra.example.id/cb', externalApiBaseUrl: provider.url, signatureAlgorithm: 'sha256-plain' })
        const { previewId, preview: shown } = await myValuePreview({ profile: 'Mitra MyValue', target: 'endpoint', ...points })
        expect(shown.signatureAlgorithm).toBe('sha256-plain')
        const answer = await send(previewId)
        expect(answer.httpStatus).toBe(401)
        expect(JSON.parse(answer.body)).toMatchObject({ code: 'INVALID_SIGNATURE' })
      })
    })
  })

  it('never answers with a client secret or a private key', async () => {
    const secrets = [
      await secretOf(sandboxSnapSecretItem(IFORTEPAY)),
      await secretOf(sandboxSnapSecretItem('OVO sandbox')),
      await secretOf(SANDBOX_MYVALUE_SECRET_ITEM),
      'mitra-client-secret-value-0123456789',
      'mv-partner-secret-0123456789',
    ]
    const pem = (await testCore.core.services.vault.privateKey(sandboxSnapKeyItem(IFORTEPAY))).key.export({ type: 'pkcs8', format: 'pem' }).toString()
    const everything = answers.join('\n')
    for (const secret of secrets) expect(everything).not.toContain(secret)
    expect(everything).not.toContain(pem.split('\n')[1])
    expect(everything).not.toContain('PRIVATE KEY')
  })

  it('closes every embedded sandbox, and starts them again with the same vault keys', async () => {
    const host = testCore.core.services.sandboxHost
    const [snap, simas] = await Promise.all([host.snap(), host.simas()])
    const before = (await testCore.core.services.vault.privateKey(sandboxSnapKeyItem(IFORTEPAY))).key.export({ type: 'pkcs8', format: 'pem' })
    await host.close()
    for (const url of [snap.sandbox.url, simas.sandbox.url]) await expect(fetch(url)).rejects.toThrow()
    const { previewId } = await preview({ profile: IFORTEPAY, ...balanceInquiry })
    expect(await send(previewId)).toMatchObject({ httpStatus: 200 })
    expect((await testCore.core.services.vault.privateKey(sandboxSnapKeyItem(IFORTEPAY))).key.export({ type: 'pkcs8', format: 'pem' })).toEqual(before)
  })
})
