import { randomUUID } from 'node:crypto'
import { CompactSign, compactVerify, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { z } from 'zod'
import { TekenError } from '../../../shared/errors'
import { systemClock, type Clock } from '../../ports/clock'
import { basicAuthorization, parseBasicAuthorization, sameCredentials, type BasicCredentials } from '../../providers/simas/basic-auth'
import { COMMON_KYC_PATH, type CommonKycData } from '../../providers/simas/kyc-client'
import { startSandboxServer, type SandboxRequest, type SandboxResponse } from '../sandbox-server'
import { sandboxStateFile } from '../sandbox-state-file'

export interface SandboxClient {
  clientId: string
  clientSecret: string
}

export interface SandboxUser {
  /** The login (SIMAS-ID uses the phone number, `62…`). */
  username: string
  password: string
  sub: string
  givenName: string
  familyName: string
  email: string
}

/** Sandbox logins; nothing here is a real secret. */
export const SIMAS_SANDBOX_DEFAULTS = {
  realm: 'simas-id',
  clients: [
    { clientId: 'nanovest', clientSecret: 'nanovest-sandbox-secret' },
    { clientId: 'siminvest', clientSecret: 'siminvest-sandbox-secret' },
  ] satisfies SandboxClient[],
  // The user of seed 002's userinfo example.
  users: [{ username: '6285610573956', password: 'sandbox', sub: '279f3c1e-5b6a-4d0e-9a8b-2c4d6e8f09bf', givenName: 'John', familyName: 'Doe', email: 'john.doe@example.com' }] satisfies SandboxUser[],
  kycCredentials: [{ username: 'nanovest-kyc', password: 'nanovest-kyc-sandbox-secret' }] satisfies BasicCredentials[],
}

export interface IssueTokenOptions {
  sub?: string
  aud?: string | string[]
  azp?: string
  /** Negative for a token that has already expired. */
  expiresInSeconds?: number
  /** Adds `nbf` this many seconds from now (positive: not valid yet). */
  notBeforeInSeconds?: number
  /** Overrides the realm's issuer, to make a token from somewhere else. */
  issuer?: string
  claims?: JWTPayload
}

const RsaJwkSchema = z.looseObject({ kty: z.literal('RSA'), kid: z.string().min(1), n: z.string().min(1), e: z.string().min(1) })
const RsaPrivateJwkSchema = RsaJwkSchema.extend({ d: z.string().min(1) })
type RsaJwk = z.infer<typeof RsaJwkSchema>
type RsaPrivateJwk = z.infer<typeof RsaPrivateJwkSchema>

interface SigningKey {
  kid: string
  privateKey: CryptoKey
  /** What the state file keeps of the key that signs (with its private part). */
  privateJwk: RsaPrivateJwk
  publicJwk: RsaJwk
}

const KycRecordSchema = z
  .object({ id: z.string(), client_id: z.string(), phone_number: z.string(), full_name: z.string(), nik: z.string(), date_of_birth: z.string(), email: z.string(), created_at: z.string() })
  .strict()
type KycRecord = z.infer<typeof KycRecordSchema>

const KYC_FIELDS = ['client_id', 'phone_number', 'full_name', 'nik', 'date_of_birth', 'email'] as const

/** A common-KYC record a business unit has stored, for `kycSeed`; `clientId` is that unit's SIMAS-ID client. */
export type SimasSandboxKycSeed = CommonKycData & { clientId: string }

/**
 * The state file. The private JWK of the signing key is in it in the clear: these are the sandbox
 * realm's own throwaway keys, never a user's or a provider's (the Peruri sandbox keeps its CA the
 * same way). Keys rotated out keep only their public half, and only while they are published.
 * `port` is the loopback port last used: the issuer names it, so a restart on the same port keeps
 * the tokens issued before valid.
 */
const SimasStateSchema = z
  .object({
    version: z.literal(1),
    port: z.number().int().min(1).max(65535),
    signingKey: RsaPrivateJwkSchema,
    publishedKeys: z.array(RsaJwkSchema),
    kycRecords: z.array(KycRecordSchema),
  })
  .strict()

export interface SimasSandboxOptions {
  port?: number
  host?: string
  realm?: string
  clock?: Clock
  clients?: SandboxClient[]
  users?: SandboxUser[]
  kycCredentials?: BasicCredentials[]
  /**
   * A folder to keep the realm's signing keys (current and published), the loopback port and the
   * common-KYC records in (`state.json`), so that tokens and records survive a restart. Without one
   * all of it lives in memory only.
   */
  stateDir?: string
  /** Common-KYC records to start with when the sandbox holds none (a new state folder, or none). */
  kycSeed?: SimasSandboxKycSeed[]
}

/**
 * An embedded SIMAS-ID: a Keycloak realm (JWKS with a rotation switch, a token endpoint for the
 * client-credentials and password grants, discovery, userinfo) and the SIMAS-ID API of seed 002
 * (`/v1/oidc/userinfo`, `/v1/common-kyc` with Basic auth). Tokens are RS256, as Keycloak's default.
 */
export async function startSimasSandbox(options: SimasSandboxOptions = {}) {
  const realm = options.realm ?? SIMAS_SANDBOX_DEFAULTS.realm
  const clock = options.clock ?? systemClock
  const clients = options.clients ?? SIMAS_SANDBOX_DEFAULTS.clients
  const users = options.users ?? SIMAS_SANDBOX_DEFAULTS.users
  const kycCredentials = options.kycCredentials ?? SIMAS_SANDBOX_DEFAULTS.kycCredentials
  const realmPath = `/realms/${realm}`
  const kycRecords = new Map<string, KycRecord>()
  const stateFile = options.stateDir === undefined ? undefined : sandboxStateFile(options.stateDir, 'SIMAS-ID', SimasStateSchema)
  const stored = await stateFile?.read()

  let signingKey: SigningKey
  let publishedKeys: RsaJwk[]
  if (stored) {
    signingKey = await signingKeyFromJwk(stored.signingKey, stateFile!.file)
    publishedKeys = stored.publishedKeys.map(publicJwkOf)
    for (const record of stored.kycRecords) kycRecords.set(record.phone_number, record)
  } else {
    signingKey = await createSigningKey()
    publishedKeys = [signingKey.publicJwk]
  }
  if (kycRecords.size === 0) {
    for (const seed of options.kycSeed ?? []) {
      const record = { id: randomUUID(), client_id: seed.clientId, phone_number: seed.phoneNumber, full_name: seed.fullName, nik: seed.nik, date_of_birth: seed.dateOfBirth, email: seed.email, created_at: clock.now().toISOString() }
      kycRecords.set(record.phone_number, record)
    }
  }
  const saveState = async () =>
    stateFile?.save(() => ({ version: 1, port: server.port, signingKey: signingKey.privateJwk, publishedKeys, kycRecords: [...kycRecords.values()] }))

  // Requests and tokens only come after the server below has started, so `server` is set by then.
  const issuer = () => `${server.url}${realmPath}`
  const epochNow = () => Math.floor(clock.now().getTime() / 1000)

  async function issueToken(request: IssueTokenOptions = {}): Promise<string> {
    const azp = request.azp ?? clients[0]?.clientId ?? 'nanovest'
    const now = epochNow()
    const jwt = new SignJWT({ typ: 'Bearer', azp, scope: 'openid profile email', ...request.claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: signingKey.kid })
      .setIssuer(request.issuer ?? issuer())
      .setSubject(request.sub ?? users[0]?.sub ?? randomUUID())
      .setAudience(request.aud ?? [azp])
      .setIssuedAt(now)
      .setExpirationTime(now + (request.expiresInSeconds ?? 300))
      .setJti(randomUUID())
    if (request.notBeforeInSeconds !== undefined) jwt.setNotBefore(now + request.notBeforeInSeconds)
    return jwt.sign(signingKey.privateKey)
  }

  /** The claims of a token this realm signed with a key it still publishes, or undefined. */
  async function verifiedClaims(authorization: string | undefined): Promise<JWTPayload | undefined> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
    if (!token) return undefined
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: publishedKeys }), { issuer: issuer(), currentDate: clock.now() })
      return payload
    } catch {
      return undefined
    }
  }

  function authenticatedClient(request: SandboxRequest, form: URLSearchParams): SandboxClient | undefined {
    const basic = parseBasicAuthorization(request.headers.authorization)
    const given = basic ?? { username: form.get('client_id') ?? '', password: form.get('client_secret') ?? '' }
    const client = clients.find((candidate) => candidate.clientId === given.username)
    return client && sameCredentials(given, { username: client.clientId, password: client.clientSecret }) ? client : undefined
  }

  async function token(request: SandboxRequest): Promise<SandboxResponse> {
    const form = new URLSearchParams(request.body.toString('utf8'))
    const client = authenticatedClient(request, form)
    if (!client) return oauthError(401, 'invalid_client', 'Invalid client or Invalid client credentials')
    const grant = form.get('grant_type')
    let subject: { sub: string; claims: JWTPayload }
    if (grant === 'client_credentials') {
      subject = { sub: `service-account-${client.clientId}`, claims: { preferred_username: `service-account-${client.clientId}` } }
    } else if (grant === 'password') {
      const user = users.find((candidate) => candidate.username === form.get('username'))
      if (!user || !sameCredentials({ username: user.username, password: form.get('password') ?? '' }, user)) return oauthError(401, 'invalid_grant', 'Invalid user credentials')
      subject = { sub: user.sub, claims: { preferred_username: user.username, given_name: user.givenName, family_name: user.familyName, email: user.email, email_verified: false } }
    } else {
      return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type ${grant ?? '(none)'}; use client_credentials or password.`)
    }
    const expiresIn = 300
    const accessToken = await issueToken({ sub: subject.sub, azp: client.clientId, aud: [client.clientId], expiresInSeconds: expiresIn, claims: subject.claims })
    return { status: 200, json: { access_token: accessToken, expires_in: expiresIn, token_type: 'Bearer', scope: 'openid profile email' }, headers: { 'cache-control': 'no-store' } }
  }

  async function userinfo(request: SandboxRequest): Promise<SandboxResponse> {
    const claims = await verifiedClaims(request.headers.authorization)
    if (!claims) return oauthError(401, 'invalid_token', 'Token verification failed', { 'www-authenticate': 'Bearer error="invalid_token"' })
    const user = users.find((candidate) => candidate.sub === claims.sub)
    // Seed 002's userinfo shape.
    return {
      status: 200,
      json: {
        sub: claims.sub,
        email_verified: false,
        preferred_username: user?.username ?? claims.preferred_username,
        ...(user ? { given_name: user.givenName, family_name: user.familyName } : {}),
        timestamp: clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    }
  }

  async function commonKyc(request: SandboxRequest): Promise<SandboxResponse> {
    const requestId = randomUUID()
    const meta = (status: string, message: string) => ({ id: requestId, status, message })
    const failed = (status: number, message: string): SandboxResponse => ({ status, json: { meta: meta('failed', message) } })
    const given = parseBasicAuthorization(request.headers.authorization)
    if (!kycCredentials.some((expected) => sameCredentials(given, expected))) return { ...failed(401, 'unauthorized: invalid client id or client secret'), headers: { 'www-authenticate': 'Basic realm="simas-id"' } }
    if (request.method === 'POST') {
      let body: Record<string, unknown>
      try {
        body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>
      } catch {
        return failed(400, 'invalid request body')
      }
      const missing = KYC_FIELDS.filter((field) => typeof body?.[field] !== 'string' || (body[field] as string).trim() === '')
      if (missing.length) return failed(400, `${missing.join(', ')} is required`)
      const fields = Object.fromEntries(KYC_FIELDS.map((field) => [field, body[field] as string])) as Omit<KycRecord, 'id' | 'created_at'>
      const existing = kycRecords.get(fields.phone_number)
      kycRecords.set(fields.phone_number, { ...fields, id: existing?.id ?? randomUUID(), created_at: existing?.created_at ?? clock.now().toISOString() })
      await saveState()
      // "sucess" is how seed 002 spells it.
      return { status: 200, json: { meta: meta('sucess', 'store common kyc data success') } }
    }
    if (request.method === 'GET') {
      const phoneNumber = request.query.get('phone_number')
      if (!phoneNumber) return failed(400, 'phone_number is required')
      const record = kycRecords.get(phoneNumber)
      if (!record) return failed(404, 'common kyc data not found')
      return { status: 200, json: { data: record, meta: meta('sucess', 'get common kyc data success') } }
    }
    return { ...failed(405, 'method not allowed'), headers: { allow: 'GET, POST' } }
  }

  async function handle(request: SandboxRequest): Promise<SandboxResponse> {
    const oidc = `${realmPath}/protocol/openid-connect`
    switch (`${request.method} ${request.path}`) {
      case `GET ${realmPath}/.well-known/openid-configuration`:
        return {
          status: 200,
          json: { issuer: issuer(), jwks_uri: `${issuer()}/protocol/openid-connect/certs`, token_endpoint: `${issuer()}/protocol/openid-connect/token`, userinfo_endpoint: `${issuer()}/protocol/openid-connect/userinfo`, id_token_signing_alg_values_supported: ['RS256'] },
        }
      case `GET ${oidc}/certs`:
        return { status: 200, json: { keys: publishedKeys } }
      case `POST ${oidc}/token`:
        return token(request)
      case `GET ${oidc}/userinfo`:
      case 'GET /v1/oidc/userinfo':
        return userinfo(request)
    }
    if (request.path === COMMON_KYC_PATH) return commonKyc(request)
    return { status: 404, json: { error: 'not_found', error_description: `Nothing at ${request.method} ${request.path} in the SIMAS-ID sandbox.` } }
  }

  const server = await startServer()
  try {
    await saveState()
  } catch (error) {
    await server.close()
    throw error
  }

  /** On the port asked for; else on the one the state folder last used, or any when that one is taken now. */
  async function startServer() {
    const start = (port: number | undefined) => startSandboxServer({ port, host: options.host, handler: handle })
    if (options.port !== undefined || !stored) return start(options.port)
    try {
      return await start(stored.port)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      return start(undefined)
    }
  }

  return {
    url: server.url,
    port: server.port,
    faults: server.faults,
    realm,
    /** The Keycloak base a profile's `baseUrl` (and `apiBaseUrl`) points at. */
    baseUrl: server.url,
    issuer: issuer(),
    clients,
    users,
    kycCredentials,
    issueToken,
    currentKid: () => signingKey.kid,
    publishedKids: () => publishedKeys.map((key) => key.kid),
    /** Signs with a new key from now on; the old public key stays in the JWKS only when asked. */
    async rotateKeys(rotation: { keepPrevious?: boolean } = {}): Promise<string> {
      signingKey = await createSigningKey()
      publishedKeys = rotation.keepPrevious ? [signingKey.publicJwk, ...publishedKeys] : [signingKey.publicJwk]
      await saveState()
      return signingKey.kid
    },
    async close() {
      await server.close()
      await stateFile?.settled()
    },
  }
}

export type SimasSandbox = Awaited<ReturnType<typeof startSimasSandbox>>

async function createSigningKey(): Promise<SigningKey> {
  // Extractable, so that a state folder can keep it.
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const kid = randomUUID()
  const privateJwk = RsaPrivateJwkSchema.parse({ ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' })
  return { kid, privateKey, privateJwk, publicJwk: publicJwkOf(privateJwk) }
}

async function signingKeyFromJwk(privateJwk: RsaPrivateJwk, file: string): Promise<SigningKey> {
  let privateKey: CryptoKey
  try {
    privateKey = (await importJWK(privateJwk as JWK, 'RS256')) as CryptoKey
    // The halves must belong together, or every token would fail its signature check.
    const probe = await new CompactSign(new Uint8Array([1])).setProtectedHeader({ alg: 'RS256' }).sign(privateKey)
    await compactVerify(probe, await importJWK(publicJwkOf(privateJwk) as JWK, 'RS256'))
  } catch {
    throw new TekenError('SANDBOX_STATE_INVALID', `${file} holds a signing key the embedded SIMAS-ID sandbox cannot use; fix it, or move it aside to start that sandbox afresh (nothing was changed).`, { file })
  }
  return { kid: privateJwk.kid, privateKey, privateJwk, publicJwk: publicJwkOf(privateJwk) }
}

/** Only the public members of an RSA JWK: what the JWKS publishes. */
function publicJwkOf(jwk: RsaJwk): RsaJwk {
  return { kty: 'RSA', n: jwk.n, e: jwk.e, kid: jwk.kid, alg: 'RS256', use: 'sig' }
}

function oauthError(status: number, error: string, description: string, headers?: Record<string, string>): SandboxResponse {
  return { status, json: { error, error_description: description }, headers }
}

/**
 * Calls an OTP webhook exactly as SIMAS-ID does (seed 002): POST, `Authorization: Basic`, JSON
 * `{ identifier, otp, channel }`. Returns the status and the parsed answer.
 */
export async function sendSimasOtp(request: { url: string; username: string; password: string; identifier: string; otp: string; channel: string }): Promise<{ status: number; body: unknown }> {
  const response = await fetch(request.url, {
    method: 'POST',
    headers: { authorization: basicAuthorization(request), 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: request.identifier, otp: request.otp, channel: request.channel }),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not JSON: the raw text is the answer.
  }
  return { status: response.status, body }
}
