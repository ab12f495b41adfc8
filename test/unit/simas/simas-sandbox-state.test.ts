import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFetchHttpClient } from '../../../src/main/ports/http-client'
import { createSimasKycClient, type CommonKycData } from '../../../src/main/providers/simas/kyc-client'
import { SimasProfileSchema } from '../../../src/main/providers/simas/profile'
import { createSimasTokenValidator } from '../../../src/main/providers/simas/token-validator'
import { startSimasSandbox, type SimasSandbox, type SimasSandboxOptions } from '../../../src/main/sandbox/simas/simas-sandbox'
import { expectRejectedTekenError } from '../../support/teken-error'

const kycLogin = { username: 'teken-kyc-state', password: 'kyc-state-Secret-9' }
const ayu: CommonKycData = { phoneNumber: '6281234567890', fullName: 'Ayu Lestari', nik: '3174054506900003', dateOfBirth: '1990-06-05', email: 'ayu.lestari@example.co.id' }
const seed = { clientId: 'nanovest', phoneNumber: '6281200000001', fullName: 'Budi Santoso', nik: '3171010101900001', dateOfBirth: '1990-01-01', email: 'budi.santoso@sandbox.teken.id' }

describe('SIMAS-ID sandbox state on disk', () => {
  let stateDir: string
  const running: SimasSandbox[] = []
  const http = createFetchHttpClient(5000)

  async function start(options: SimasSandboxOptions = {}): Promise<SimasSandbox> {
    const sandbox = await startSimasSandbox({ stateDir, kycCredentials: [kycLogin], ...options })
    running.push(sandbox)
    return sandbox
  }
  async function stop(sandbox: SimasSandbox): Promise<void> {
    running.splice(running.indexOf(sandbox), 1)
    await sandbox.close()
  }
  /** Whether a fresh validator (no JWKS cached) of a profile on `sandbox` accepts the token. */
  async function validates(sandbox: SimasSandbox, token: string): Promise<boolean> {
    const profile = SimasProfileSchema.parse({ baseUrl: sandbox.baseUrl, clientId: 'nanovest', checkAzp: true })
    return (await createSimasTokenValidator({ profile, jwks: { cooldownMs: 0 } }).validate(token)).valid
  }
  const kyc = (sandbox: SimasSandbox) => createSimasKycClient({ http, apiBaseUrl: sandbox.baseUrl, clientId: 'nanovest', credentials: kycLogin })
  const stateText = () => readFile(join(stateDir, 'state.json'), 'utf8')

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'teken-simas-state-'))
  })
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sandbox) => sandbox.close()))
    await rm(stateDir, { recursive: true, force: true })
  })

  it('validates after a restart a token issued before it: same port, same issuer, same kid in the JWKS', async () => {
    const before = await start()
    const token = await before.issueToken({ aud: ['nanovest'], azp: 'nanovest' })
    const kid = before.currentKid()
    const { port, issuer } = before
    expect(await validates(before, token)).toBe(true)
    await stop(before)

    const after = await start()
    expect({ port: after.port, issuer: after.issuer, kid: after.currentKid(), published: after.publishedKids() }).toEqual({ port, issuer, kid, published: [kid] })
    const jwks = (await (await fetch(`${after.issuer}/protocol/openid-connect/certs`)).json()) as { keys: Record<string, unknown>[] }
    expect(jwks.keys.map((key) => key.kid)).toEqual([kid])
    // The JWKS publishes the public half only.
    expect(Object.keys(jwks.keys[0]!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use'])
    expect(await validates(after, token)).toBe(true)
    // The sandbox's own userinfo trusts it too.
    expect((await fetch(`${after.baseUrl}/v1/oidc/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
  })

  it('keeps its rotation across a restart: tokens of both published keys validate after a rotation with keepPrevious', async () => {
    const sandbox = await start()
    const first = await sandbox.issueToken()
    const oldKid = sandbox.currentKid()
    const newKid = await sandbox.rotateKeys({ keepPrevious: true })
    const second = await sandbox.issueToken()
    await stop(sandbox)

    const after = await start()
    expect(after.currentKid()).toBe(newKid)
    expect(after.publishedKids()).toEqual([newKid, oldKid])
    expect(await validates(after, first)).toBe(true)
    expect(await validates(after, second)).toBe(true)
    // It signs with the new key, and only that one's private half is on disk.
    expect(await validates(after, await after.issueToken())).toBe(true)
    expect((await stateText()).match(/"d":/g)).toHaveLength(1)

    // A rotation without keepPrevious unpublishes both old keys, restart or not.
    const latest = await after.rotateKeys()
    await stop(after)
    const third = await start()
    expect(third.publishedKids()).toEqual([latest])
    expect(await validates(third, second)).toBe(false)
    expect(await validates(third, await third.issueToken())).toBe(true)
  })

  it('makes new keys on a restart without a state folder, as before', async () => {
    const before = await start({ stateDir: undefined })
    const token = await before.issueToken()
    await stop(before)
    const after = await start({ stateDir: undefined, port: before.port })
    expect(after.currentKid()).not.toBe(before.currentKid())
    expect(await validates(after, token)).toBe(false)
  })

  it('keeps common-KYC records across a restart', async () => {
    const sandbox = await start()
    await kyc(sandbox).store(ayu)
    const stored = await kyc(sandbox).getByPhoneNumber(ayu.phoneNumber)
    await stop(sandbox)

    const after = await start()
    expect(await kyc(after).getByPhoneNumber(ayu.phoneNumber)).toEqual(stored)
    expect(stored).toMatchObject({ ...ayu, clientId: 'nanovest' })
  })

  it('seeds common-KYC only when it holds no record, and keeps what was stored over the seed', async () => {
    const sandbox = await start({ kycSeed: [seed] })
    expect(await kyc(sandbox).getByPhoneNumber(seed.phoneNumber)).toMatchObject({ fullName: 'Budi Santoso', nik: seed.nik, dateOfBirth: '1990-01-01', clientId: 'nanovest' })
    // The business unit updates the record (an approved change): the seed must not undo it on the next start.
    await kyc(sandbox).store({ ...seed, email: 'budi@example.co.id' })
    await stop(sandbox)

    const after = await start({ kycSeed: [seed] })
    expect(await kyc(after).getByPhoneNumber(seed.phoneNumber)).toMatchObject({ email: 'budi@example.co.id' })
    expect(JSON.parse(await stateText()).kycRecords).toHaveLength(1)

    const unseeded = await start({ stateDir: undefined })
    expect(await kyc(unseeded).getByPhoneNumber(seed.phoneNumber)).toBeNull()
  })

  it('comes back on another port when its last one is taken now', async () => {
    const before = await start()
    const { port } = before
    await stop(before)
    const squatter: Server = createServer()
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
    try {
      const after = await start()
      expect(after.port).not.toBe(port)
      expect(await validates(after, await after.issueToken())).toBe(true)
      expect(JSON.parse(await stateText()).port).toBe(after.port)
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
    }
  })

  it('refuses to start on a state file that is not its own, says which, and leaves it as it was', async () => {
    const file = join(stateDir, 'state.json')
    for (const text of ['{"version":1,', '[]', '{"version":1,"port":1,"signingKey":{"kty":"RSA"},"publishedKeys":[],"kycRecords":[]}']) {
      await writeFile(file, text)
      await expectRejectedTekenError(startSimasSandbox({ stateDir }), 'SANDBOX_STATE_INVALID', new RegExp(`^${file} is not a state file of the embedded SIMAS-ID sandbox; fix it, or move it aside`))
      expect(await stateText()).toBe(text)
    }
    // Well-formed, but the key is no RSA key.
    await rm(file)
    const sandbox = await start()
    await stop(sandbox)
    const state = JSON.parse(await stateText()) as { signingKey: Record<string, string> }
    const broken = JSON.stringify({ ...state, signingKey: { ...state.signingKey, n: 'AQAB', d: 'AQAB' } })
    await writeFile(file, broken)
    await expectRejectedTekenError(startSimasSandbox({ stateDir }), 'SANDBOX_STATE_INVALID', /holds a signing key the embedded SIMAS-ID sandbox cannot use/)
    expect(await stateText()).toBe(broken)
  })
})
