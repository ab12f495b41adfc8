import { randomUUID } from 'node:crypto'
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { systemClock, type Clock } from '../../ports/clock'
import { basicAuthorization, parseBasicAuthorization, sameCredentials, type BasicCredentials } from '../../providers/simas/basic-auth'
import { COMMON_KYC_PATH } from '../../providers/simas/kyc-client'
import { startSandboxServer, type SandboxRequest, type SandboxResponse } from '../sandbox-server'

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

interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
}

interface KycRecord {
  id: string
  client_id: string
  phone_number: string
  full_name: string
  nik: string
  date_of_birth: string
  email: string
  created_at: string
}

const KYC_FIELDS = ['client_id', 'phone_number', 'full_name', 'nik', 'date_of_birth', 'email'] as const

/**
 * An embedded SIMAS-ID: a Keycloak realm (JWKS with a rotation switch, a token endpoint for the
 * client-credentials and password grants, discovery, userinfo) and the SIMAS-ID API of seed 002
 * (`/v1/oidc/userinfo`, `/v1/common-kyc` with Basic auth). Tokens are RS256, as Keycloak's default.
 */
export async function startSimasSandbox(options: { port?: number; host?: string; realm?: string; clock?: Clock; clients?: SandboxClient[]; users?: SandboxUser[]; kycCredentials?: BasicCredentials[] } = {}) {
  const realm = options.realm ?? SIMAS_SANDBOX_DEFAULTS.realm
  const clock = options.clock ?? systemClock
  const clients = options.clients ?? SIMAS_SANDBOX_DEFAULTS.clients
  const users = options.users ?? SIMAS_SANDBOX_DEFAULTS.users
  const kycCredentials = options.kycCredentials ?? SIMAS_SANDBOX_DEFAULTS.kycCredentials
  const realmPath = `/realms/${realm}`
  const kycRecords = new Map<string, KycRecord>()

  let signingKey = await createSigningKey()
  let publishedKeys: SigningKey[] = [signingKey]

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
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: publishedKeys.map((key) => key.publicJwk) }), { issuer: issuer(), currentDate: clock.now() })
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

  function commonKyc(request: SandboxRequest): SandboxResponse {
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
        return { status: 200, json: { keys: publishedKeys.map((key) => key.publicJwk) } }
      case `POST ${oidc}/token`:
        return token(request)
      case `GET ${oidc}/userinfo`:
      case 'GET /v1/oidc/userinfo':
        return userinfo(request)
    }
    if (request.path === COMMON_KYC_PATH) return commonKyc(request)
    return { status: 404, json: { error: 'not_found', error_description: `Nothing at ${request.method} ${request.path} in the SIMAS-ID sandbox.` } }
  }

  const server = await startSandboxServer({ port: options.port, host: options.host, handler: handle })

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
      publishedKeys = rotation.keepPrevious ? [signingKey, ...publishedKeys] : [signingKey]
      return signingKey.kid
    },
    close: () => server.close(),
  }
}

export type SimasSandbox = Awaited<ReturnType<typeof startSimasSandbox>>

async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  const kid = randomUUID()
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } }
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
