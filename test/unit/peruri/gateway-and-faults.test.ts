import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFetchHttpClient } from '../../../src/main/ports/http-client'
import { createPeruriClient } from '../../../src/main/providers/peruri/peruri-client'
import { DEFAULT_PERURI_PATHS, signerFromPlacement } from '../../../src/main/providers/peruri/protocol'
import { startPeruriSandbox, type PeruriSandbox } from '../../../src/main/sandbox/peruri/peruri-sandbox'
import { SANDBOX_DEMO_SIGNERS } from '../../../src/main/sandbox/peruri/sandbox-state'
import { CORPUS_DIR } from '../pdf/verify/reference-tools'
import { expectRejectedTekenError } from '../../support/teken-error'
import { createManualClock, latestOtp, SANDBOX_API_KEY, SANDBOX_SYSTEM_ID, startSandboxFixture, type SandboxFixture } from './support'

const budi = SANDBOX_DEMO_SIGNERS[0].email
const box = signerFromPlacement({ page: 1, rect: [54, 45, 229, 116], visible: true, certificationLevel: 'NOT_CERTIFIED' })

describe('Peruri gateway: credentials, JWT lifecycle and malformed requests', () => {
  let fixture: SandboxFixture
  beforeAll(async () => {
    fixture = await startSandboxFixture()
  })
  afterAll(() => fixture.dispose())

  it('refuses a wrong API key with the gateway Exception body', async () => {
    const error = await expectRejectedTekenError(fixture.clientFor({ apiKey: 'not-the-key' }).jwt(), 'PERURI_AUTH_FAILED', /x-Gateway-APIKey/)
    expect(error.details).toMatchObject({ operation: 'getJsonWebToken', status: '401' })
  })

  it('refuses a systemId the API key does not belong to', async () => {
    await expectRejectedTekenError(fixture.clientFor({ systemId: 'OTHER' }).jwt(), 'PERURI_ERROR', /systemId OTHER tidak terdaftar.*resultCode 10/)
  })

  it('refuses a call without a bearer, and a malformed envelope with resultCode 97', async () => {
    const http = createFetchHttpClient(3000)
    const url = `${fixture.sandbox.gatewayUrl}${DEFAULT_PERURI_PATHS.activation}`
    const noBearer = await http.send({ method: 'POST', url, headers: { 'x-Gateway-APIKey': SANDBOX_API_KEY }, body: '{}' })
    expect(noBearer.status).toBe(401)
    expect(JSON.parse(noBearer.body.toString())).toEqual({ Exception: expect.stringContaining('no Bearer token') })
    const { jwt } = await fixture.client.jwt()
    const headers = { 'x-Gateway-APIKey': SANDBOX_API_KEY, Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' }
    const missingParam = await http.send({ method: 'POST', url, headers, body: JSON.stringify({ email: budi }) })
    expect(JSON.parse(missingParam.body.toString())).toEqual({ resultCode: '97', resultDesc: 'Format request tidak valid: "param" tidak ada' })
    const notJson = await http.send({ method: 'POST', url, headers, body: 'email=x' })
    expect(notJson.status).toBe(400)
    const numbers = await http.send({ method: 'POST', url: `${fixture.sandbox.gatewayUrl}${DEFAULT_PERURI_PATHS.setKey}`, headers, body: JSON.stringify({ param: { key: 'k', minutes: 30, systemId: SANDBOX_SYSTEM_ID } }) })
    expect(JSON.parse(numbers.body.toString())).toMatchObject({ resultCode: '97', resultDesc: expect.stringContaining('minutes') })
  })

  it('fetches a new JWT once when the gateway says it expired, and the call goes through', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'teken-peruri-jwt-'))
    const serverClock = createManualClock()
    const sandbox: PeruriSandbox = await startPeruriSandbox({ stateDir, clock: serverClock, systems: [{ apiKey: SANDBOX_API_KEY, systemId: SANDBOX_SYSTEM_ID }], jwtLifetimeSeconds: 3600 })
    try {
      const client = createPeruriClient({
        endpoint: { name: 't', baseUrl: sandbox.gatewayUrl, paths: DEFAULT_PERURI_PATHS, apiKey: SANDBOX_API_KEY, systemId: SANDBOX_SYSTEM_ID },
        http: createFetchHttpClient(3000),
        clock: createManualClock(),
      })
      const first = await client.jwt()
      // The gateway's clock runs past the token's life while the client still trusts its cache.
      serverClock.advance(2 * 3600_000)
      expect(await client.checkCertificate(budi)).toMatchObject({ issued: true })
      expect((await client.jwt()).jwt).not.toBe(first.jwt)
    } finally {
      await sandbox.close()
      await rm(stateDir, { recursive: true, force: true })
    }
  })

  it('renews the JWT before its expiredDate without a failed call', async () => {
    const first = await fixture.client.jwt()
    fixture.clock.advance(24 * 3600_000)
    expect((await fixture.client.jwt()).jwt).not.toBe(first.jwt)
  })
})

describe('Peruri faults: reads retry, sends never retry blindly', () => {
  let fixture: SandboxFixture
  let pdf: Buffer
  beforeAll(async () => {
    fixture = await startSandboxFixture()
    pdf = await readFile(join(CORPUS_DIR, 'pdfjs-legal-size.pdf'))
  })
  afterAll(() => fixture.dispose())

  const orderCount = (sandbox: PeruriSandbox) => sandbox.otps().length

  it('retries a read through a 5xx and a dropped answer', async () => {
    const { client, sandbox } = fixture
    const { orderId } = await client.sendDocument({ email: budi, fileName: 'r.pdf', document: pdf, signer: [box] })
    sandbox.server.faults.failNext('checkDocumentStatus', 'error')
    sandbox.server.faults.failNext('checkDocumentStatus', 'drop')
    expect(await client.checkDocumentStatus(orderId)).toMatchObject({ status: 'WAITING' })
  })

  it('retries a read that timed out', async () => {
    const { sandbox } = fixture
    const client = createPeruriClient({
      endpoint: { name: 't', baseUrl: sandbox.gatewayUrl, paths: DEFAULT_PERURI_PATHS, apiKey: SANDBOX_API_KEY, systemId: SANDBOX_SYSTEM_ID },
      http: createFetchHttpClient(),
      clock: fixture.clock,
      timeoutMs: 300,
      backoffMs: 10,
    })
    const { orderId } = await client.sendDocument({ email: budi, fileName: 't.pdf', document: pdf, signer: [box] })
    sandbox.setFaults({ holdMs: 2000 })
    sandbox.server.faults.failNext('downloadDocument', 'timeout')
    expect((await client.downloadDocument(orderId)).equals(pdf)).toBe(true)
    sandbox.setFaults({ holdMs: 60_000 })
  })

  it('gives up on a read after its attempts, with the reason', async () => {
    fixture.sandbox.server.faults.failNext('checkDocumentStatus', 'error', 3)
    await expectRejectedTekenError(fixture.client.checkDocumentStatus('3001'), 'PROVIDER_HTTP_ERROR', /HTTP 503/)
  })

  it('does not resend a document whose upload hit a 5xx', async () => {
    const { client, sandbox } = fixture
    const before = (await fetch(`${sandbox.server.url}/sandbox/orders`).then((response) => response.json())) as unknown[]
    sandbox.server.faults.failNext('sendDocument', 'error')
    await expectRejectedTekenError(client.sendDocument({ email: budi, fileName: 'x.pdf', document: pdf, signer: [box] }), 'PROVIDER_HTTP_ERROR', /HTTP 503/)
    const after = (await fetch(`${sandbox.server.url}/sandbox/orders`).then((response) => response.json())) as unknown[]
    expect(after).toHaveLength(before.length)
  })

  it('reports a signing whose answer was dropped without signing again: the sandbox signed it once', async () => {
    const { client, sandbox } = fixture
    const { orderId } = await client.sendDocument({ email: budi, fileName: 'd.pdf', document: pdf, signer: [box] })
    const { token } = await client.getOtp(orderId)
    const otps = orderCount(sandbox)
    sandbox.server.faults.failNext('/signing/', 'drop')
    await expectRejectedTekenError(client.signing({ orderId, otpCode: latestOtp(sandbox, budi), token }), 'PROVIDER_UNREACHABLE')
    expect(sandbox.order(orderId)).toMatchObject({ status: 'SIGNED', signCount: 1 })
    expect(orderCount(sandbox)).toBe(otps)
    expect(await client.checkDocumentStatus(orderId)).toMatchObject({ status: 'SIGNED' })
  })
})
