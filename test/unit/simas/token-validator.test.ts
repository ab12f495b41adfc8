import { createHmac } from 'node:crypto'
import { generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFetchHttpClient } from '../../../src/main/ports/http-client'
import { SimasProfileSchema, type SimasProfile } from '../../../src/main/providers/simas/profile'
import { createSimasTokenValidator, fetchSimasUserinfo, TOKEN_CHECKS, type TokenCheckName, type TokenReport } from '../../../src/main/providers/simas/token-validator'
import { startSimasSandbox, type SimasSandbox } from '../../../src/main/sandbox/simas/simas-sandbox'
import { expectTekenError, rejectionOf } from '../../support/teken-error'

const check = (report: TokenReport, name: TokenCheckName) => report.checks.find((candidate) => candidate.name === name)!
const failedChecks = (report: TokenReport) => report.checks.filter((candidate) => !candidate.passed).map((candidate) => candidate.name)
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('SIMAS-ID access-token validation (seed 002)', () => {
  let sandbox: SimasSandbox
  let profile: SimasProfile
  const validator = (overrides: Partial<SimasProfile> = {}, cooldownMs = 0) => createSimasTokenValidator({ profile: { ...profile, ...overrides }, jwks: { cooldownMs } })

  beforeAll(async () => {
    sandbox = await startSimasSandbox()
    profile = SimasProfileSchema.parse({ baseUrl: sandbox.baseUrl, clientId: 'nanovest', checkAzp: true, apiBaseUrl: sandbox.url })
  })
  afterAll(() => sandbox.close())

  it('accepts a token from the realm and lists every check, in order, with its reason', async () => {
    const token = await sandbox.issueToken({ aud: ['nanovest'], azp: 'nanovest' })
    const report = await validator().validate(token)
    expect(report.valid).toBe(true)
    expect(report.checks.map((entry) => entry.name)).toEqual([...TOKEN_CHECKS])
    expect(report.checks.every((entry) => entry.passed && entry.reason.length > 0)).toBe(true)
    expect(check(report, 'signature').reason).toContain(`RS256 key "${sandbox.currentKid()}"`)
    expect(check(report, 'issuer').reason).toBe(`iss is ${sandbox.issuer}.`)
    expect(report.header).toMatchObject({ alg: 'RS256', kid: sandbox.currentKid() })
    expect(report.claims).toMatchObject({ iss: sandbox.issuer, aud: ['nanovest'], azp: 'nanovest' })
    await expect(validator().validateOrThrow(token)).resolves.toMatchObject({ azp: 'nanovest' })
  })

  it('accepts aud as a plain string or as an array that contains the client id among others', async () => {
    for (const aud of ['nanovest', ['account', 'nanovest'], ['siminvest', 'nanovest', 'broker']]) {
      const report = await validator().validate(await sandbox.issueToken({ aud, azp: 'nanovest' }))
      expect(report.valid, JSON.stringify(aud)).toBe(true)
      expect(check(report, 'audience').reason).toContain('contains nanovest')
    }
  })

  it('rejects a token whose aud does not contain the client id, and still reports every other check', async () => {
    const report = await validator().validate(await sandbox.issueToken({ aud: ['siminvest', 'account'], azp: 'nanovest' }))
    expect(report.valid).toBe(false)
    expect(failedChecks(report)).toEqual(['audience'])
    expect(check(report, 'audience').reason).toBe('aud ["siminvest","account"] does not contain nanovest: the token is meant for another client.')
    expect(check(report, 'signature').passed).toBe(true)
    const error = expectTekenError(await rejectionOf(validator().validateOrThrow(await sandbox.issueToken({ aud: 'siminvest', azp: 'nanovest' }))), 'TOKEN_INVALID')
    expect(error.message).toMatch(/fails the audience check: aud "siminvest" does not contain nanovest/)
    expect(error.details).toEqual({ check: 'audience' })
  })

  it('requires the issuer to match exactly', async () => {
    for (const iss of ['https://evil.example/realms/simas-id', `${sandbox.issuer}/`, sandbox.issuer.replace('simas-id', 'SIMAS-ID')]) {
      const report = await validator().validate(await sandbox.issueToken({ issuer: iss }))
      expect(report.valid, iss).toBe(false)
      expect(failedChecks(report), iss).toEqual(['issuer'])
      expect(check(report, 'issuer').reason).toBe(`iss is ${JSON.stringify(iss)}; expected exactly ${sandbox.issuer}.`)
    }
  })

  it('rejects an expired token but tolerates a small clock difference', async () => {
    const expired = await validator().validate(await sandbox.issueToken({ expiresInSeconds: -120 }))
    expect(expired.valid).toBe(false)
    expect(failedChecks(expired)).toEqual(['expiry'])
    expect(check(expired, 'expiry').reason).toMatch(/^Expired at \d{4}-\d\d-\d\dT.*30 s tolerance\)\.$/)
    // jose checked the signature before it looked at exp.
    expect(check(expired, 'signature').passed).toBe(true)

    expect((await validator().validate(await sandbox.issueToken({ expiresInSeconds: -5 }))).valid).toBe(true)
  })

  it('rejects a token that is not valid yet (nbf in the future), within the same tolerance', async () => {
    const early = await validator().validate(await sandbox.issueToken({ notBeforeInSeconds: 300 }))
    expect(early.valid).toBe(false)
    expect(failedChecks(early)).toEqual(['not-before'])
    expect(check(early, 'not-before').reason).toMatch(/^Not valid before /)
    expect((await validator().validate(await sandbox.issueToken({ notBeforeInSeconds: 5 }))).valid).toBe(true)
    expect(check(await validator().validate(await sandbox.issueToken()), 'not-before').reason).toBe('There is no nbf claim.')
  })

  it('checks azp only when the profile asks for it', async () => {
    const token = await sandbox.issueToken({ aud: ['nanovest'], azp: 'siminvest' })
    const strict = await validator({ checkAzp: true }).validate(token)
    expect(strict.valid).toBe(false)
    expect(failedChecks(strict)).toEqual(['authorized-party'])
    expect(check(strict, 'authorized-party').reason).toBe('azp is "siminvest"; this profile requires tokens issued to nanovest.')

    const lenient = await validator({ checkAzp: false }).validate(token)
    expect(lenient.valid).toBe(true)
    expect(check(lenient, 'authorized-party')).toEqual({ name: 'authorized-party', passed: true, skipped: true, reason: 'Not required by this profile (azp is "siminvest").' })
  })

  it('rejects a token signed by another key under the realm kid, and a token whose claims were altered', async () => {
    const { privateKey } = await generateKeyPair('RS256')
    const forged = await new SignJWT({ azp: 'nanovest' })
      .setProtectedHeader({ alg: 'RS256', kid: sandbox.currentKid() })
      .setIssuer(sandbox.issuer)
      .setAudience('nanovest')
      .setExpirationTime('5m')
      .sign(privateKey)
    const report = await validator().validate(forged)
    expect(report.valid).toBe(false)
    expect(failedChecks(report)).toEqual(['signature'])
    expect(check(report, 'signature').reason).toMatch(/^The signature does not match the RS256 key .* the token was altered or signed by someone else\.$/)
    // The claims are still decoded and checked, for the reader.
    expect(check(report, 'audience').passed).toBe(true)

    const [header, payload, signature] = (await sandbox.issueToken({ aud: 'siminvest', azp: 'nanovest' })).split('.')
    const altered = `${header}.${base64url({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), aud: 'nanovest' })}.${signature}`
    expect(failedChecks(await validator().validate(altered))).toEqual(['signature'])
  })

  it('never accepts an unsigned (alg none) or HMAC token', async () => {
    const now = Math.floor(Date.now() / 1000)
    const claims = { iss: sandbox.issuer, aud: ['nanovest'], azp: 'nanovest', sub: 'attacker', exp: now + 300, iat: now }
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`
    const none = await validator().validate(unsigned)
    expect(none.valid).toBe(false)
    expect(failedChecks(none)).toEqual(['algorithm', 'signature'])
    expect(check(none, 'algorithm').reason).toBe('alg is "none": the token is unsigned and is never accepted.')
    await expect(validator().validateOrThrow(unsigned)).rejects.toMatchObject({ code: 'TOKEN_INVALID', details: { check: 'algorithm' } })

    const hmacInput = `${base64url({ alg: 'HS256', typ: 'JWT', kid: sandbox.currentKid() })}.${base64url(claims)}`
    const hmac = `${hmacInput}.${createHmac('sha256', 'guessable').update(hmacInput).digest('base64url')}`
    const symmetric = await validator().validate(hmac)
    expect(failedChecks(symmetric)).toEqual(['algorithm', 'signature'])
    expect(check(symmetric, 'algorithm').reason).toMatch(/^alg HS256 is not accepted/)
  })

  it('says plainly when the input is not a JWT at all', async () => {
    const report = await validator().validate('not-a-token')
    expect(report).toMatchObject({ valid: false, header: null, claims: null })
    expect(report.checks.map((entry) => entry.name)).toEqual([...TOKEN_CHECKS])
    expect(report.checks.every((entry) => !entry.passed)).toBe(true)
    expect(check(report, 'format').reason).toMatch(/^Not a signed JWT/)
    expect(check(report, 'audience').reason).toBe('Not checked: the token could not be read.')
  })

  it('says the JWKS could not be fetched when the realm is unreachable', async () => {
    const closed = await startSimasSandbox()
    const token = await closed.issueToken()
    await closed.close()
    const report = await createSimasTokenValidator({ profile: { ...profile, baseUrl: closed.baseUrl, checkAzp: false }, jwks: { timeoutMs: 2000 } }).validate(token)
    expect(report.valid).toBe(false)
    expect(check(report, 'signature').reason).toContain(`could not be verified against ${closed.baseUrl}/realms/simas-id/protocol/openid-connect/certs`)
  })

  describe('JWKS caching and key rotation', () => {
    it('keeps the fetched key set: validation goes on while the JWKS endpoint fails', async () => {
      const cached = validator()
      expect((await cached.validate(await sandbox.issueToken())).valid).toBe(true)
      sandbox.faults.failNext('/certs', 'error', 10)
      try {
        expect((await cached.validate(await sandbox.issueToken())).valid).toBe(true)
      } finally {
        sandbox.faults.clear()
      }
    })

    it('refetches on an unknown kid after a rotation, and drops a key the realm no longer publishes', async () => {
      const rotating = validator()
      const before = await sandbox.issueToken()
      expect((await rotating.validate(before)).valid).toBe(true)

      const oldKid = sandbox.currentKid()
      const newKid = await sandbox.rotateKeys()
      expect(newKid).not.toBe(oldKid)
      expect(sandbox.publishedKids()).toEqual([newKid])
      const after = await sandbox.issueToken()
      const report = await rotating.validate(after)
      expect(report.valid).toBe(true)
      expect(report.header?.kid).toBe(newKid)

      const stale = await rotating.validate(before)
      expect(failedChecks(stale)).toEqual(['signature'])
      expect(check(stale, 'signature').reason).toBe(`${sandbox.baseUrl}/realms/simas-id/protocol/openid-connect/certs publishes no RS256 key with kid "${oldKid}", even after refetching it.`)
    })

    it('waits for the cooldown before refetching for a new kid', async () => {
      const cooling = validator({}, 400)
      expect((await cooling.validate(await sandbox.issueToken())).valid).toBe(true)
      await sandbox.rotateKeys()
      const fresh = await sandbox.issueToken()
      expect(failedChecks(await cooling.validate(fresh))).toEqual(['signature'])
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect((await cooling.validate(fresh)).valid).toBe(true)
    })

    it('validates tokens of both keys while the realm keeps the previous key published', async () => {
      const before = await sandbox.issueToken()
      const oldKid = sandbox.currentKid()
      const newKid = await sandbox.rotateKeys({ keepPrevious: true })
      expect(sandbox.publishedKids()).toEqual([newKid, oldKid])
      const both = validator()
      expect((await both.validate(before)).valid).toBe(true)
      expect((await both.validate(await sandbox.issueToken())).valid).toBe(true)
    })
  })

  describe('userinfo, the documented fallback', () => {
    const http = createFetchHttpClient(5000)

    it("answers seed 002's userinfo for a token from the password grant, on both userinfo paths", async () => {
      const response = await fetch(`${sandbox.issuer}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('nanovest:nanovest-sandbox-secret').toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'password', username: '6285610573956', password: 'sandbox' }),
      })
      expect(response.status).toBe(200)
      const { access_token: token } = (await response.json()) as { access_token: string }
      expect((await validator().validate(token)).valid).toBe(true)

      for (const target of [profile, { ...profile, apiBaseUrl: undefined }]) {
        const info = await fetchSimasUserinfo({ http, profile: target, token })
        expect(info).toMatchObject({ sub: sandbox.users[0]!.sub, email_verified: false, preferred_username: '6285610573956', given_name: 'John', family_name: 'Doe' })
        expect(info.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      }
    })

    it('turns a rejected token into TOKEN_INVALID with SIMAS-ID’s reason', async () => {
      const expired = await sandbox.issueToken({ expiresInSeconds: -60 })
      const error = expectTekenError(await rejectionOf(fetchSimasUserinfo({ http, profile, token: expired })), 'TOKEN_INVALID', [expired])
      expect(error.message).toBe('SIMAS-ID answered HTTP 401 to the userinfo request: Token verification failed')
    })

    it('refuses a token-endpoint login with the wrong client secret', async () => {
      const response = await fetch(`${sandbox.issuer}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nanovest', client_secret: 'wrong' }),
      })
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' })
    })
  })
})
