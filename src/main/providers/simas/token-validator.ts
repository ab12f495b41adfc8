import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose'
import { z } from 'zod'
import { TekenError } from '../../../shared/errors'
import { systemClock, type Clock } from '../../ports/clock'
import { parseJsonBody, type HttpClient } from '../../ports/http-client'
import { simasIssuer, simasJwksUrl, simasUserinfoUrl, type SimasProfile } from './profile'
import { SIMAS_PROVIDER, simasHttpError } from './simas-http'

/** Asymmetric JWS algorithms only: SIMAS-ID (Keycloak) signs with its realm key; `none` and HMAC never verify. */
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']

/** Tolerated clock difference with SIMAS-ID for `exp` and `nbf`. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30

/** Every check, in the order a reader follows them; each report lists all of them. */
export const TOKEN_CHECKS = ['format', 'algorithm', 'signature', 'issuer', 'expiry', 'not-before', 'audience', 'authorized-party'] as const
export type TokenCheckName = (typeof TOKEN_CHECKS)[number]

export interface TokenCheck {
  name: TokenCheckName
  passed: boolean
  reason: string
  /** True when the profile does not ask for this check (it then counts as passed). */
  skipped?: boolean
}

export interface TokenReport {
  /** True only when jose verified the signature and claims and every check passed. */
  valid: boolean
  checks: TokenCheck[]
  /** Decoded for display even when the token is not valid: never trust them unless `valid`. */
  header: ProtectedHeaderParameters | null
  claims: JWTPayload | null
}

export interface JwksCacheOptions {
  /** jose's defaults: 5 s, 30 s and 10 min (provider-facts.md). */
  timeoutMs?: number
  /** How soon after a fetch an unknown `kid` may trigger another fetch (key rotation). */
  cooldownMs?: number
  cacheMaxAgeMs?: number
}

export interface SimasTokenValidatorOptions {
  profile: Pick<SimasProfile, 'baseUrl' | 'realm' | 'clientId' | 'checkAzp'>
  clock?: Clock
  clockToleranceSeconds?: number
  jwks?: JwksCacheOptions
}

type JoseOutcome = { ok: true } | { ok: false; code: string; claim?: string; message: string }

/**
 * SIMAS-ID access-token validation as seed 002 asks: the signature against the realm's JWKS, then
 * the claims (`iss` exactly, `exp`/`nbf`, `aud` containing the client id, and `azp` equal to it when
 * the profile says so). jose is the authority on validity; the per-check report, built from the
 * decoded claims, explains every check even after one has failed.
 */
export function createSimasTokenValidator(options: SimasTokenValidatorOptions) {
  const { profile } = options
  const issuer = simasIssuer(profile)
  const jwksUrl = simasJwksUrl(profile)
  const clock = options.clock ?? systemClock
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS
  // One key set per validator: jose caches it, and refetches on an unknown kid once the cooldown passed.
  const keySet = createRemoteJWKSet(new URL(jwksUrl), {
    timeoutDuration: options.jwks?.timeoutMs,
    cooldownDuration: options.jwks?.cooldownMs,
    cacheMaxAge: options.jwks?.cacheMaxAgeMs,
  })

  async function verifyWithJose(token: string, now: Date): Promise<JoseOutcome> {
    try {
      await jwtVerify(token, keySet, { issuer, audience: profile.clientId, algorithms: ALLOWED_ALGORITHMS, clockTolerance: tolerance, currentDate: now, requiredClaims: ['exp'] })
      return { ok: true }
    } catch (error) {
      const { code, claim, message } = error as { code?: string; claim?: string; message: string }
      return { ok: false, code: code ?? 'UNKNOWN', claim, message }
    }
  }

  function signatureCheck(header: ProtectedHeaderParameters, outcome: JoseOutcome): TokenCheck {
    const key = `${header.alg} key "${header.kid ?? '(no kid)'}"`
    // jose authenticates the token before it looks at any claim, so a claim failure means the signature held.
    if (outcome.ok || outcome.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' || outcome.code === 'ERR_JWT_EXPIRED') return pass('signature', `Verified with the ${key} from ${jwksUrl}.`)
    const reasons: Record<string, string> = {
      ERR_JWS_SIGNATURE_VERIFICATION_FAILED: `The signature does not match the ${key} published at ${jwksUrl}: the token was altered or signed by someone else.`,
      ERR_JWKS_NO_MATCHING_KEY: `${jwksUrl} publishes no ${header.alg} key with kid "${header.kid ?? ''}", even after refetching it.`,
      ERR_JWKS_MULTIPLE_MATCHING_KEYS: `${jwksUrl} publishes more than one key that matches kid "${header.kid ?? ''}".`,
      ERR_JWKS_TIMEOUT: `${jwksUrl} did not answer in time, so the signature could not be checked.`,
      ERR_JOSE_ALG_NOT_ALLOWED: `The algorithm ${header.alg} is not accepted, so the signature was not checked.`,
    }
    return fail('signature', reasons[outcome.code] ?? `The signature could not be verified against ${jwksUrl}: ${outcome.message}`)
  }

  function claimChecks(claims: JWTPayload, now: Date): TokenCheck[] {
    const seconds = Math.floor(now.getTime() / 1000)
    const at = (epoch: number) => new Date(epoch * 1000).toISOString()
    const { iss, exp, nbf, aud, azp } = claims
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : []
    return [
      iss === issuer ? pass('issuer', `iss is ${issuer}.`) : fail('issuer', iss === undefined ? `There is no iss claim; expected ${issuer}.` : `iss is ${JSON.stringify(iss)}; expected exactly ${issuer}.`),
      typeof exp !== 'number'
        ? fail('expiry', 'There is no exp claim: a SIMAS-ID access token always expires.')
        : exp > seconds - tolerance
          ? pass('expiry', `Valid until ${at(exp)}.`)
          : fail('expiry', `Expired at ${at(exp)} (now ${now.toISOString()}, ${tolerance} s tolerance).`),
      nbf === undefined
        ? pass('not-before', 'There is no nbf claim.')
        : typeof nbf === 'number' && nbf <= seconds + tolerance
          ? pass('not-before', `Valid since ${at(nbf)}.`)
          : fail('not-before', typeof nbf === 'number' ? `Not valid before ${at(nbf)} (now ${now.toISOString()}, ${tolerance} s tolerance).` : 'The nbf claim is not a time.'),
      audiences.includes(profile.clientId)
        ? pass('audience', `aud ${JSON.stringify(aud)} contains ${profile.clientId}.`)
        : fail('audience', aud === undefined ? `There is no aud claim; it must contain ${profile.clientId}.` : `aud ${JSON.stringify(aud)} does not contain ${profile.clientId}: the token is meant for another client.`),
      !profile.checkAzp
        ? { name: 'authorized-party', passed: true, skipped: true, reason: `Not required by this profile (azp is ${JSON.stringify(azp ?? null)}).` }
        : azp === profile.clientId
          ? pass('authorized-party', `azp is ${profile.clientId}.`)
          : fail('authorized-party', `azp is ${JSON.stringify(azp ?? null)}; this profile requires tokens issued to ${profile.clientId}.`),
    ]
  }

  /**
   * jose has the last word: a claim it rejected fails its check even if the report's own reading
   * passed it; one without a check of its own (`typ`, `iat`) fails the format check.
   */
  function withJoseVerdict(checks: TokenCheck[], outcome: JoseOutcome): TokenCheck[] {
    if (outcome.ok || !outcome.claim) return checks
    const name = ({ iss: 'issuer', exp: 'expiry', nbf: 'not-before', aud: 'audience' } as Record<string, TokenCheckName>)[outcome.claim] ?? 'format'
    return checks.map((check) => (check.name === name && check.passed ? fail(name, `Rejected by jose: ${outcome.message}`) : check))
  }

  async function validate(token: string): Promise<TokenReport> {
    const compact = token.trim()
    let header: ProtectedHeaderParameters
    let claims: JWTPayload
    try {
      header = decodeProtectedHeader(compact)
      claims = decodeJwt(compact)
    } catch (error) {
      const unread = 'Not checked: the token could not be read.'
      const checks = TOKEN_CHECKS.map((name) => (name === 'format' ? fail(name, `Not a signed JWT (header.payload.signature in base64url): ${(error as Error).message}.`) : fail(name, unread)))
      return { valid: false, checks, header: null, claims: null }
    }
    const now = clock.now()
    const alg = String(header.alg)
    const algorithm = ALLOWED_ALGORITHMS.includes(alg)
      ? pass('algorithm', `${alg}, an asymmetric signature.`)
      : fail('algorithm', alg === 'none' ? 'alg is "none": the token is unsigned and is never accepted.' : `alg ${alg} is not accepted; SIMAS-ID signs with ${ALLOWED_ALGORITHMS.join(', ')}.`)
    const outcome = await verifyWithJose(compact, now)
    const checks = withJoseVerdict([pass('format', 'A signed JWT (JWS compact serialization).'), algorithm, signatureCheck(header, outcome), ...claimChecks(claims, now)], outcome)
    return { valid: outcome.ok && checks.every((check) => check.passed), checks, header, claims }
  }

  return {
    issuer,
    jwksUrl,
    validate,

    /** The verified claims, or `TOKEN_INVALID` with the first failed check's reason. */
    async validateOrThrow(token: string): Promise<JWTPayload> {
      const report = await validate(token)
      if (report.valid && report.claims) return report.claims
      const failed = report.checks.find((check) => !check.passed)
      throw new TekenError('TOKEN_INVALID', failed ? `The SIMAS-ID token fails the ${failed.name} check: ${failed.reason}` : 'The SIMAS-ID token is not valid.', { check: failed?.name ?? 'signature' })
    },
  }
}

export type SimasTokenValidator = ReturnType<typeof createSimasTokenValidator>

const pass = (name: TokenCheckName, reason: string): TokenCheck => ({ name, passed: true, reason })
const fail = (name: TokenCheckName, reason: string): TokenCheck => ({ name, passed: false, reason })

const UserinfoSchema = z.looseObject({
  sub: z.string().min(1),
  email_verified: z.boolean().optional(),
  preferred_username: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  timestamp: z.string().optional(),
})
export type SimasUserinfo = z.infer<typeof UserinfoSchema>

/**
 * The documented fallback (seed 002 marks it "not recommended" for latency): ask SIMAS-ID about the
 * token. A 401 means SIMAS-ID does not accept the token; other failures are SIMAS-ID's.
 */
export async function fetchSimasUserinfo(options: { http: HttpClient; profile: SimasProfile; token: string }): Promise<SimasUserinfo> {
  const response = await options.http.send({ method: 'GET', url: simasUserinfoUrl(options.profile), headers: { authorization: `Bearer ${options.token.trim()}`, accept: 'application/json' } })
  if (response.status === 401) throw new TekenError('TOKEN_INVALID', simasHttpError(response, 'the userinfo request').message, { check: 'userinfo' })
  if (response.status !== 200) throw simasHttpError(response, 'the userinfo request')
  const parsed = UserinfoSchema.safeParse(parseJsonBody(response, SIMAS_PROVIDER))
  if (!parsed.success) throw new TekenError('PROVIDER_BAD_RESPONSE', `${SIMAS_PROVIDER} userinfo answered without a subject ("sub").`, { provider: SIMAS_PROVIDER })
  return parsed.data
}
