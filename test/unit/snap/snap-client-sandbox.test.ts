import { execFile } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAuditLog } from '../../../src/main/audit/audit-log'
import type { Clock } from '../../../src/main/ports/clock'
import { createFetchHttpClient, type HttpClient, type HttpRequest } from '../../../src/main/ports/http-client'
import { createProfileStore } from '../../../src/main/profiles/profile-store'
import { applySnapPreset } from '../../../src/main/providers/snap/profile'
import { signServiceSymmetric } from '../../../src/main/providers/snap/signatures'
import { createSnapClient } from '../../../src/main/providers/snap/snap-client'
import { formatSnapTimestamp } from '../../../src/main/providers/snap/timestamp'
import { startSnapSandbox, type SnapSandbox } from '../../../src/main/sandbox/snap/snap-sandbox'
import { createVault } from '../../../src/main/vault/vault'
import { createMemorySecretStore } from '../../support/memory-secret-store'
import { expectTekenError, rejectionOf } from '../../support/teken-error'

const CLIENT_ID = 'TEKEN-CLIENT-01'
const PARTNER_ID = 'TEKEN-PARTNER'
const CLIENT_SECRET = 'rahasia-klien-5f1c9d'
const BALANCE_PATH = '/api/v1.0/balance-inquiry'
const BALANCE_BODY = '{\n  "partnerReferenceNo": "2020102900000000000001",\n  "accountNo": "1234 5678"\n}'

/** A clock the test moves; the sandbox and the client read the same one unless a test says otherwise. */
function testClock(start: string): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime()
  return { now: () => new Date(now), advance: (ms) => void (now += ms) }
}

/** Real loopback HTTP, with a log of what went out and what came back, and a hook to tamper with requests. */
function recordingHttp() {
  const inner = createFetchHttpClient(5_000)
  const calls: { path: string; externalId?: string; status: number; responseCode?: string }[] = []
  const http: HttpClient & { calls: typeof calls; tamper?: (request: HttpRequest) => HttpRequest } = {
    calls,
    async send(request) {
      const sent = http.tamper ? http.tamper(request) : request
      const response = await inner.send(sent)
      const code = /"responseCode":"([^"]+)"/.exec(response.body.toString('utf8'))?.[1]
      calls.push({ path: new URL(sent.url).pathname, externalId: sent.headers?.['X-EXTERNAL-ID'], status: response.status, ...(code ? { responseCode: code } : {}) })
      return response
    },
  }
  return http
}

describe('SNAP client against the embedded sandbox over loopback HTTP', () => {
  let dataDir: string
  let sandbox: SnapSandbox
  const clock = testClock('2026-03-02T03:00:00Z')
  const http = recordingHttp()
  const partnerKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const secrets = [CLIENT_SECRET, 'wrong-secret-77']
  let setup: { vault: ReturnType<typeof createVault>; profiles: ReturnType<typeof createProfileStore>; audit: ReturnType<typeof createAuditLog> }
  let client: ReturnType<typeof createSnapClient>

  const saveProfile = (name: string, fields: Parameters<typeof applySnapPreset>[1]) =>
    client.saveProfile(
      name,
      // The disbursement preset's prefixed paths (/api/v1.0/…) prove the prefix is part of EndpointUrl.
      applySnapPreset('ifortepay-disbursement-stage', { baseUrl: sandbox.url, clientId: CLIENT_ID, privateKeyRef: 'partner-key', clientSecretRef: 'partner-secret', partnerId: PARTNER_ID, channelId: '95221', ...fields }),
    )
  const inquiry = (profile = 'sbx', idempotent = true) => client.send(profile, { method: 'POST', path: BALANCE_PATH, body: BALANCE_BODY, idempotent })
  const pathsSince = (start: number) => http.calls.slice(start).map((call) => `${call.path.split('/').at(-1)} ${call.responseCode ?? call.status}`)

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-snap-'))
    const audit = createAuditLog({ file: join(dataDir, 'audit.log'), clock, actor: 'tester' })
    const vault = createVault({ dataDir, secretStore: createMemorySecretStore(), clock, audit })
    await vault.addPrivateKey({ name: 'partner-key', tags: ['snap'], key: partnerKey.privateKey, source: 'generated' })
    await vault.addPrivateKey({ name: 'stranger-key', tags: [], key: strangerKey.privateKey, source: 'generated' })
    await vault.addSecret({ name: 'partner-secret', tags: ['snap'], secret: { type: 'client-secret', value: CLIENT_SECRET } })
    await vault.addSecret({ name: 'wrong-secret', tags: [], secret: { type: 'client-secret', value: 'wrong-secret-77' } })
    setup = { vault, profiles: createProfileStore({ dataDir }), audit }
    client = createSnapClient({ ...setup, http, clock })
    sandbox = await startSnapSandbox({ clock, tokenLifetimeSeconds: 900 })
    sandbox.registerPartner({ clientId: CLIENT_ID, publicKeyPem: partnerKey.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(), clientSecret: CLIENT_SECRET, partnerId: PARTNER_ID })
    await saveProfile('sbx', {})
  })
  afterEach(() => {
    http.tamper = undefined
    sandbox.faults.clear()
  })
  afterAll(async () => {
    await sandbox.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('gets a token (2007300, expiresIn "900") and reuses it from the cache', async () => {
    sandbox.revokeTokens()
    await saveProfile('sbx', {})
    const start = http.calls.length
    const first = await client.getAccessToken('sbx')
    expect(first).toMatchObject({ tokenType: 'Bearer', fromCache: false })
    expect(first.expiresAt.getTime()).toBe(clock.now().getTime() + 900_000)
    expect(http.calls.at(-1)).toMatchObject({ path: '/api/v1.0/access-token/b2b', status: 200, responseCode: '2007300' })
    const second = await client.getAccessToken('sbx')
    expect(second).toMatchObject({ accessToken: first.accessToken, fromCache: true })
    expect(http.calls.length).toBe(start + 1)
  })

  it('shares one token request between concurrent callers', async () => {
    await saveProfile('sbx', {})
    const start = http.calls.length
    const tokens = await Promise.all([client.getAccessToken('sbx'), client.getAccessToken('sbx'), client.getAccessToken('sbx')])
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1)
    expect(pathsSince(start)).toEqual(['b2b 2007300'])
  })

  it('signs a balance inquiry the sandbox accepts (2001100), reusing the cached token for the next call', async () => {
    await client.getAccessToken('sbx')
    const start = http.calls.length
    const result = await inquiry()
    expect(result).toMatchObject({ httpStatus: 200, replayed: false, responseCode: { code: '2001100', service: 'Balance Inquiry', meaning: 'Successful.' }, body: { accountNo: '1234 5678' } })
    expect(result.externalId).toMatch(/^\d{28}$/)
    const next = await inquiry()
    expect(next.externalId).not.toBe(result.externalId)
    expect(pathsSince(start)).toEqual(['balance-inquiry 2001100', 'balance-inquiry 2001100'])
  })

  it('renews the token proactively 60 s before expiresIn runs out, not earlier', async () => {
    await saveProfile('sbx', {})
    const issued = await client.getAccessToken('sbx')
    clock.advance(839_000)
    expect(await client.getAccessToken('sbx')).toMatchObject({ accessToken: issued.accessToken, fromCache: true })
    clock.advance(2_000)
    const renewed = await client.getAccessToken('sbx')
    expect(renewed.fromCache).toBe(false)
    expect(renewed.accessToken).not.toBe(issued.accessToken)
  })

  it('rejects a key the provider does not know with 4017300 "Unauthorized. [Signature]"', async () => {
    await saveProfile('wrong-key', { privateKeyRef: 'stranger-key' })
    const error = expectTekenError(await rejectionOf(client.getAccessToken('wrong-key')), 'SNAP_ERROR', secrets)
    expect(error.details).toMatchObject({ responseCode: '4017300', responseMessage: 'Unauthorized. [Signature]', httpStatus: '401' })
    expect(error.message).toMatch(/4017300 \(Access Token B2B\): Unauthorized: the provider rejected the signature/)
  })

  it('rejects an unknown client id with 4017300 "Unauthorized. [Unknown client]"', async () => {
    await saveProfile('unknown-client', { clientId: 'NOBODY-01' })
    const error = expectTekenError(await rejectionOf(client.getAccessToken('unknown-client')), 'SNAP_ERROR', secrets)
    expect(error.details).toMatchObject({ responseCode: '4017300', responseMessage: 'Unauthorized. [Unknown client]' })
  })

  it('rejects a timestamp more than 5 minutes off the provider clock', async () => {
    const slowClock = testClock(new Date(clock.now().getTime() - 6 * 60_000).toISOString())
    const skewed = createSnapClient({ ...setup, http, clock: slowClock })
    const error = expectTekenError(await rejectionOf(skewed.getAccessToken('sbx')), 'SNAP_ERROR', secrets)
    expect(error.details).toMatchObject({ responseCode: '4017300', responseMessage: 'Unauthorized. [Invalid Timestamp]' })
    // Four minutes off is inside the window.
    const nearClock = testClock(new Date(clock.now().getTime() - 4 * 60_000).toISOString())
    expect((await createSnapClient({ ...setup, http, clock: nearClock }).getAccessToken('sbx')).fromCache).toBe(false)
  })

  it('after a rejected token (4011101), gets a new token once and replays an idempotent call with the same X-EXTERNAL-ID', async () => {
    await client.getAccessToken('sbx')
    sandbox.revokeTokens()
    const start = http.calls.length
    const result = await inquiry('sbx', true)
    expect(result).toMatchObject({ replayed: true, responseCode: { code: '2001100' } })
    expect(pathsSince(start)).toEqual(['balance-inquiry 4011101', 'b2b 2007300', 'balance-inquiry 2001100'])
    const [rejected, , replayed] = http.calls.slice(start)
    expect(rejected!.externalId).toBe(result.externalId)
    expect(replayed!.externalId).toBe(result.externalId)
  })

  it('does not replay a call that is not idempotent, but leaves a new token ready for the next one', async () => {
    await client.getAccessToken('sbx')
    sandbox.revokeTokens()
    const start = http.calls.length
    const error = expectTekenError(await rejectionOf(inquiry('sbx', false)), 'SNAP_ERROR', secrets)
    expect(error.details).toMatchObject({ responseCode: '4011101', responseMessage: 'Invalid Token (B2B)' })
    expect(error.message).toMatch(/not sent again because it is not marked idempotent/)
    expect(pathsSince(start)).toEqual(['balance-inquiry 4011101', 'b2b 2007300'])
    await inquiry('sbx', false)
    expect(pathsSince(start)).toEqual(['balance-inquiry 4011101', 'b2b 2007300', 'balance-inquiry 2001100'])
  })

  it('renews the token only once: a signature the provider keeps rejecting (wrong client secret) ends in 4011100', async () => {
    await saveProfile('wrong-secret', { clientSecretRef: 'wrong-secret' })
    await client.getAccessToken('wrong-secret')
    const start = http.calls.length
    const error = expectTekenError(await rejectionOf(inquiry('wrong-secret')), 'SNAP_ERROR', secrets)
    expect(error.details).toMatchObject({ responseCode: '4011100', responseMessage: 'Unauthorized. [Signature]' })
    expect(pathsSince(start)).toEqual(['balance-inquiry 4011100', 'b2b 2007300', 'balance-inquiry 4011100'])
  })

  it('answers a reused X-EXTERNAL-ID with 4091100 the same WIB day, and accepts it the next day', async () => {
    http.tamper = (request) => ({ ...request, headers: { ...request.headers, 'X-EXTERNAL-ID': '202603021000000000001' } })
    await inquiry()
    const error = expectTekenError(await rejectionOf(inquiry()), 'SNAP_ERROR', secrets)
    expect(error.details).toMatchObject({ responseCode: '4091100', responseMessage: 'Conflict' })
    expect(error.message).toMatch(/X-EXTERNAL-ID was already used today/)
    clock.advance(24 * 3600_000)
    expect((await inquiry()).responseCode?.code).toBe('2001100')
  })

  it('reports a missing CHANNEL-ID with 4001102 "Invalid Mandatory Field [CHANNEL-ID]"', async () => {
    await saveProfile('no-channel', { channelId: undefined })
    const stored = (await setup.profiles.list('snap')).find((profile) => profile.name === 'no-channel')
    expect(stored?.config.channelId).toBeUndefined()
    const error = expectTekenError(await rejectionOf(inquiry('no-channel')), 'SNAP_ERROR', secrets)
    expect(error.details).toMatchObject({ responseCode: '4001102', responseMessage: 'Invalid Mandatory Field [CHANNEL-ID]' })
  })

  it('surfaces an injected 503 from the gateway as PROVIDER_HTTP_ERROR, on the token and on a service call', async () => {
    await saveProfile('sbx', {})
    sandbox.faults.failNext('access-token', 'error')
    const tokenError = expectTekenError(await rejectionOf(client.getAccessToken('sbx')), 'PROVIDER_HTTP_ERROR', secrets)
    expect(tokenError.details).toMatchObject({ status: '503', host: new URL(sandbox.url).host })
    sandbox.faults.failNext('balance-inquiry', 'error')
    const serviceError = expectTekenError(await rejectionOf(inquiry()), 'PROVIDER_HTTP_ERROR', secrets)
    expect(serviceError.message).toMatch(/answered HTTP 503 without a SNAP responseCode/)
    expect((await inquiry()).responseCode?.code).toBe('2001100')
  })

  it('previews a service call with the token masked, and its curl (token from $SNAP_ACCESS_TOKEN) is accepted by the sandbox', async () => {
    const token = await client.getAccessToken('sbx')
    const preview = await client.previewServiceRequest('sbx', { method: 'POST', path: BALANCE_PATH, body: BALANCE_BODY })
    const timestamp = preview.headers['X-TIMESTAMP']!
    const expected = signServiceSymmetric({ method: 'POST', path: BALANCE_PATH, includeQuery: false, body: BALANCE_BODY, timestamp, encoding: 'base64', accessToken: token.accessToken, clientSecret: CLIENT_SECRET })
    expect(preview.signature).toBe(expected.signature)
    expect(preview).toMatchObject({ url: `${sandbox.url}${BALANCE_PATH}`, endpointUrl: BALANCE_PATH, bodySha256: expected.bodySha256, body: expected.minifiedBody })
    expect(preview.stringToSign).toBe(expected.stringToSign.replace(token.accessToken, preview.headers.Authorization!.slice('Bearer '.length)))
    expect(preview.headers).toMatchObject({ 'X-PARTNER-ID': PARTNER_ID, 'CHANNEL-ID': '95221', 'X-SIGNATURE': expected.signature })
    const shown = JSON.stringify(preview)
    for (const secret of [token.accessToken, CLIENT_SECRET]) expect(shown).not.toContain(secret)

    const { stdout } = await promisify(execFile)('bash', ['-c', preview.curl], { env: { ...process.env, SNAP_ACCESS_TOKEN: token.accessToken } })
    expect(JSON.parse(stdout)).toMatchObject({ responseCode: '2001100', accountNo: '1234 5678' })
  })

  it('previews the access-token request, whose curl the sandbox accepts as it is', async () => {
    const given = await client.previewAccessTokenRequest('sbx', { timestamp: '2020-12-18T10:55:00+07:00' })
    expect(given.stringToSign).toBe(`${CLIENT_ID}|2020-12-18T10:55:00+07:00`)
    expect(given.headers).toMatchObject({ 'X-CLIENT-KEY': CLIENT_ID, 'X-TIMESTAMP': '2020-12-18T10:55:00+07:00', 'X-SIGNATURE': given.signature })
    expect(given.body).toBe('{"grantType":"client_credentials","additionalInfo":{}}')
    const preview = await client.previewAccessTokenRequest('sbx')
    expect(preview.headers['X-TIMESTAMP']).toBe(formatSnapTimestamp(clock.now()))
    const { stdout } = await promisify(execFile)('bash', ['-c', preview.curl])
    expect(JSON.parse(stdout)).toMatchObject({ responseCode: '2007300', tokenType: 'Bearer', expiresIn: '900' })
    expectTekenError(await rejectionOf(client.previewAccessTokenRequest('sbx', { timestamp: '2026-03-03 10:00:30' })), 'INVALID_REQUEST')
  })

  it('answers the mistakes a client library would not make with their SNAP codes (raw HTTP)', async () => {
    const post = async (path: string, headers: Record<string, string>, body: string) => {
      const response = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body })
      return { status: response.status, ...((await response.json()) as { responseCode?: string; responseMessage?: string }) }
    }
    const timestamp = formatSnapTimestamp(clock.now())
    const tokenPreview = await client.previewAccessTokenRequest('sbx')
    const { 'X-SIGNATURE': _signature, ...unsigned } = tokenPreview.headers
    expect(await post('/v1.0/access-token/b2b', unsigned, tokenPreview.body)).toEqual({ status: 400, responseCode: '4007302', responseMessage: 'Invalid Mandatory Field [X-SIGNATURE]' })
    expect(await post('/v1.0/access-token/b2b', { ...tokenPreview.headers, 'X-TIMESTAMP': '2026-03-02 10:00:00' }, tokenPreview.body)).toEqual({ status: 400, responseCode: '4007301', responseMessage: 'Invalid Field Format [X-TIMESTAMP]' })
    expect(await post('/v1.0/access-token/b2b', tokenPreview.headers, '{"grantType":"password"}')).toEqual({ status: 400, responseCode: '4007301', responseMessage: 'Invalid Field Format [grantType]' })
    expect(await post('/v1.0/access-token/b2b', tokenPreview.headers, '{}')).toEqual({ status: 400, responseCode: '4007302', responseMessage: 'Invalid Mandatory Field [grantType]' })

    const service = { 'X-TIMESTAMP': timestamp, 'X-SIGNATURE': 'x', 'X-PARTNER-ID': PARTNER_ID, 'X-EXTERNAL-ID': '1', 'CHANNEL-ID': '95221' }
    expect(await post(BALANCE_PATH, service, '{}')).toEqual({ status: 401, responseCode: '4011103', responseMessage: 'Token Not Found (B2B)' })
    const { accessToken } = await client.getAccessToken('sbx')
    expect(await post(BALANCE_PATH, { ...service, Authorization: `Bearer ${accessToken}`, 'X-EXTERNAL-ID': 'ext-1' }, '{}')).toEqual({ status: 400, responseCode: '4001101', responseMessage: 'Invalid Field Format [X-EXTERNAL-ID]' })
    expect(await post(BALANCE_PATH, { ...service, Authorization: `Bearer ${accessToken}`, 'X-PARTNER-ID': 'SOMEONE-ELSE' }, '{}')).toEqual({ status: 401, responseCode: '4011100', responseMessage: 'Unauthorized. [Unknown client]' })
    expect(await post(BALANCE_PATH, { ...service, Authorization: `Bearer ${accessToken}` }, '{"a":')).toEqual({ status: 400, responseCode: '4001100', responseMessage: 'Bad Request' })
    expect((await fetch(`${sandbox.url}/v1.0/unknown-service`, { method: 'POST' })).status).toBe(404)
  })

  it('audits token issues and requests without the token or the client secret', async () => {
    await inquiry()
    const entries = await setup.audit.list(500)
    expect(entries.some((entry) => entry.action === 'snap.token-issued' && entry.subject === 'sbx' && entry.details?.clientId === CLIENT_ID)).toBe(true)
    expect(entries.some((entry) => entry.action === 'snap.request-sent' && entry.details?.responseCode === '2001100' && entry.details?.path === BALANCE_PATH)).toBe(true)
    const log = await readFile(join(dataDir, 'audit.log'), 'utf8')
    expect(log).not.toContain(CLIENT_SECRET)
  })

  it('refuses a preset without a base URL (OVO names none in seed 000) and an invalid profile, before any request', async () => {
    expectTekenError(() => applySnapPreset('ovo', { clientId: CLIENT_ID, privateKeyRef: 'partner-key' }), 'PROFILE_INVALID')
    expect(applySnapPreset('ovo', { baseUrl: 'https://ovo.example', clientId: CLIENT_ID, privateKeyRef: 'partner-key' })).toMatchObject({ tokenPath: '/v1.0/access-token/b2b', baseUrl: 'https://ovo.example' })
    expectTekenError(await rejectionOf(client.saveProfile('bad', { baseUrl: 'ftp://x', tokenPath: '/t', clientId: 'c', privateKeyRef: 'k' })), 'PROFILE_INVALID')
    expectTekenError(await rejectionOf(client.getAccessToken('missing')), 'PROFILE_NOT_FOUND')
  })
})

describe('SNAP client: OVO token expiry (401XX00 "Signature Failed: AGW-002-05")', () => {
  it('treats it as a rejected token: one new token, then the idempotent call again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'teken-snap-ovo-'))
    try {
      const clock = testClock('2026-03-02T03:00:00Z')
      const audit = createAuditLog({ file: join(dataDir, 'audit.log'), clock, actor: 'tester' })
      const vault = createVault({ dataDir, secretStore: createMemorySecretStore(), clock, audit })
      await vault.addPrivateKey({ name: 'ovo-key', tags: [], key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, source: 'generated' })
      // OVO's credential file, saved as a partner profile: its client_secret field keys the HMAC.
      await vault.addSecret({ name: 'ovo-credentials', tags: [], secret: { type: 'partner-profile', fields: [{ name: 'client_id', value: 'OVO-1' }, { name: 'client_secret', value: 'ovo-secret-1' }] } })
      const seen: string[] = []
      let tokenCount = 0
      let expired = true
      const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) })
      const http: HttpClient = {
        async send(request) {
          seen.push(`${request.method} ${new URL(request.url).pathname}`)
          if (request.url.endsWith('/v1.0/access-token/b2b')) return json(200, { responseCode: '2007300', responseMessage: 'Successful', accessToken: `ovo-token-${++tokenCount}`, tokenType: 'Bearer', expiresIn: '900' })
          if (expired) {
            expired = false
            return json(401, { responseCode: '401XX00', responseMessage: 'Unauthorized. Signature Failed: AGW-002-05.' })
          }
          expect(request.headers?.Authorization).toBe('Bearer ovo-token-2')
          return json(200, { responseCode: '2004700', responseMessage: 'Successful' })
        },
      }
      const client = createSnapClient({ vault, profiles: createProfileStore({ dataDir }), http, clock, audit })
      await client.saveProfile('ovo', applySnapPreset('ovo', { baseUrl: 'https://ovo.example', clientId: 'OVO-1', privateKeyRef: 'ovo-key', clientSecretRef: 'ovo-credentials' }))
      const result = await client.send('ovo', { method: 'POST', path: '/v1.0/qr/qr-mpm-generate', body: '{"amount":{"value":"1.00","currency":"IDR"}}', idempotent: true })
      expect(result).toMatchObject({ replayed: true, responseCode: { code: '2004700', service: 'QRIS MPM Generate' } })
      expect(seen).toEqual(['POST /v1.0/access-token/b2b', 'POST /v1.0/qr/qr-mpm-generate', 'POST /v1.0/access-token/b2b', 'POST /v1.0/qr/qr-mpm-generate'])
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
