import { createPublicKey, randomInt } from 'node:crypto'
import { TekenError } from '../../../shared/errors'
import type { AuditLog } from '../../audit/audit-log'
import { maskSecret } from '../../credentials'
import type { Clock } from '../../ports/clock'
import { parseJsonBody, type HttpClient, type HttpRequest, type HttpResponse } from '../../ports/http-client'
import { parseProfileConfig, type ProfileStore } from '../../profiles/profile-store'
import type { Vault } from '../../vault/vault'
import { curlCommand, joinUrl } from '../http-request'
import { SnapProfileSchema, type SnapPartnerRegistration, type SnapProfile } from './profile'
import { describeResponseCode, parseResponseCode, type SnapResponseCode } from './response-code'
import { signAccessToken, signServiceAsymmetric, signServiceSymmetric, type SignedServiceString, type SignedString } from './signatures'
import { formatSnapTimestamp, parseSnapTimestamp, wibDay } from './timestamp'

export type SnapMethod = HttpRequest['method']

export interface SnapServiceRequest {
  method: SnapMethod
  /** Below the profile's base URL, with any query string: `/v1.0/balance-inquiry`. */
  path: string
  /** JSON text. It goes out minified, because the minified bytes are what the signature hashes. */
  body?: string
  /** Safe to send twice (an inquiry, a status check). Only these are sent again after a rejected token. */
  idempotent: boolean
}

export interface SnapAccessToken {
  accessToken: string
  tokenType: string
  expiresAt: Date
  fromCache: boolean
}

/** A request exactly as it goes out, for the workbench, "copy as curl" and the CLI. Nothing secret is in clear. */
export interface SnapRequestPreview {
  method: SnapMethod
  url: string
  /** The access token in `Authorization` is masked. */
  headers: Record<string, string>
  body: string
  /** The access token in it is masked; the client secret is never part of it. */
  stringToSign: string
  signature: string
  /** Service calls only: the signed path and lowerhex(SHA-256(minify(body))). */
  endpointUrl?: string
  bodySha256?: string
  /** Ready to paste: the access token comes from `$SNAP_ACCESS_TOKEN`, so the clipboard never holds it. */
  curl: string
}

export interface SnapResult {
  httpStatus: number
  responseCode?: SnapResponseCode
  body: unknown
  externalId: string
  /** The first token was rejected and the request went again with a new one. */
  replayed: boolean
}

/** SNAP's B2B token grant; the body is fixed, so its bytes are too. */
export const ACCESS_TOKEN_REQUEST_BODY = JSON.stringify({ grantType: 'client_credentials', additionalInfo: {} })

/** A cached token is renewed this long before it runs out (at most a quarter of its lifetime, for short-lived sandbox tokens). */
export const TOKEN_REFRESH_MARGIN_MS = 60_000

interface CachedToken {
  /** The profile settings the token was issued for: an edited profile must not reuse it. */
  issuedFor: string
  accessToken: string
  tokenType: string
  expiresAt: number
  refreshAt: number
}

interface SnapOutcome {
  httpStatus: number
  host: string
  body: unknown
  responseCode?: SnapResponseCode
  responseMessage: string
  succeeded: boolean
}

/**
 * SNAP (Bank Indonesia Open API) for a stored profile: the B2B access token (cached per profile,
 * renewed before it runs out), signed service calls, and previews of both that show what is signed.
 * Keys and the client secret come from the vault and never leave main unmasked.
 */
export function createSnapClient(options: { vault: Vault; profiles: ProfileStore; http: HttpClient; clock: Clock; audit?: AuditLog }) {
  const { vault, http, clock } = options
  const tokens = new Map<string, CachedToken>()
  const fetching = new Map<string, Promise<CachedToken>>()
  const externalIds = createExternalIdSource(clock)

  const loadProfile = (name: string) => options.profiles.get('snap', name, SnapProfileSchema)
  const audit = (action: string, subject: string, details: Record<string, string>) => options.audit?.append({ action, subject, details })
  const timestampFor = (profile: SnapProfile, given?: string) => (given === undefined ? formatSnapTimestamp(clock.now(), profile.timestampFormat) : checkedTimestamp(given))

  async function tokenRequest(profile: SnapProfile, timestamp: string) {
    const { key } = await vault.privateKey(profile.privateKeyRef)
    const signed = signAccessToken({ clientId: profile.clientId, timestamp, privateKey: key })
    const request: HttpRequest = {
      method: 'POST',
      url: joinUrl(profile.baseUrl, profile.tokenPath),
      headers: { 'Content-Type': 'application/json', 'X-TIMESTAMP': timestamp, 'X-CLIENT-KEY': profile.clientId, 'X-SIGNATURE': signed.signature },
      body: ACCESS_TOKEN_REQUEST_BODY,
    }
    return { request, signed }
  }

  async function fetchToken(name: string, profile: SnapProfile): Promise<CachedToken> {
    const requestedAt = clock.now().getTime()
    const { request } = await tokenRequest(profile, timestampFor(profile))
    const outcome = readSnapResponse(await http.send(request), request.url)
    if (!outcome.succeeded) throw snapError(outcome)
    const { accessToken, tokenType, expiresIn } = (outcome.body ?? {}) as { accessToken?: unknown; tokenType?: unknown; expiresIn?: unknown }
    const lifetimeSeconds = typeof expiresIn === 'string' || typeof expiresIn === 'number' ? Number(expiresIn) : NaN
    if (typeof accessToken !== 'string' || accessToken === '' || !(lifetimeSeconds > 0)) {
      throw new TekenError('PROVIDER_BAD_RESPONSE', `${outcome.host} answered the access-token request without an accessToken and a positive expiresIn.`, { host: outcome.host })
    }
    // Counted from before the request went out, so the cache never outlives the provider's token.
    const expiresAt = requestedAt + lifetimeSeconds * 1000
    await audit('snap.token-issued', name, { host: outcome.host, clientId: profile.clientId, key: profile.privateKeyRef, expiresIn: String(lifetimeSeconds) })
    return { issuedFor: tokenIdentity(profile), accessToken, tokenType: typeof tokenType === 'string' ? tokenType : 'Bearer', expiresAt, refreshAt: expiresAt - Math.min(TOKEN_REFRESH_MARGIN_MS, (lifetimeSeconds * 1000) / 4) }
  }

  async function accessToken(name: string, profile: SnapProfile, renew: boolean): Promise<SnapAccessToken> {
    const cached = tokens.get(name)
    if (!renew && cached?.issuedFor === tokenIdentity(profile) && clock.now().getTime() < cached.refreshAt) return publicToken(cached, true)
    // Concurrent callers share one token request instead of each asking for (and invalidating) their own.
    let pending = fetching.get(name)
    if (!pending) {
      pending = fetchToken(name, profile).finally(() => fetching.delete(name))
      fetching.set(name, pending)
    }
    const fresh = await pending
    tokens.set(name, fresh)
    return publicToken(fresh, false)
  }

  async function serviceRequest(profile: SnapProfile, request: Omit<SnapServiceRequest, 'idempotent'>, stamp: { accessToken: string; timestamp: string; externalId: string }) {
    const url = joinUrl(profile.baseUrl, request.path)
    const target = new URL(url)
    const parts = { method: request.method, path: `${target.pathname}${target.search}`, includeQuery: profile.includeQueryInEndpoint, body: request.body ?? '', timestamp: stamp.timestamp, encoding: profile.signatureEncoding }
    const signed: SignedServiceString =
      profile.serviceSignature === 'asymmetric'
        ? signServiceAsymmetric({ ...parts, privateKey: (await vault.privateKey(profile.privateKeyRef)).key })
        : signServiceSymmetric({ ...parts, accessToken: stamp.accessToken, clientSecret: await clientSecret(vault, profile) })
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${stamp.accessToken}`,
      'X-TIMESTAMP': stamp.timestamp,
      'X-SIGNATURE': signed.signature,
      ...(profile.partnerId ? { 'X-PARTNER-ID': profile.partnerId } : {}),
      'X-EXTERNAL-ID': stamp.externalId,
      ...(profile.channelId ? { 'CHANNEL-ID': profile.channelId } : {}),
    }
    const httpRequest: HttpRequest = { method: request.method, url, headers, ...(signed.minifiedBody ? { body: signed.minifiedBody } : {}) }
    return { request: httpRequest, signed }
  }

  return {
    /** The profile's access token: the cached one while it has more than the refresh margin left, else a new one. */
    async getAccessToken(profileName: string): Promise<SnapAccessToken> {
      return accessToken(profileName, await loadProfile(profileName), false)
    },

    /**
     * Sends a signed service call with a fresh X-TIMESTAMP and X-EXTERNAL-ID. When the provider
     * rejects the token (401xx00 / 401xx01, OVO's 401XX00 AGW-002-05) a new token is fetched once,
     * and the request goes again only if it is idempotent, with the same X-EXTERNAL-ID so that a
     * provider which did record the first attempt answers 409 instead of doing the work twice.
     */
    async send(profileName: string, request: SnapServiceRequest): Promise<SnapResult> {
      const profile = await loadProfile(profileName)
      const externalId = externalIds.next()
      const attempt = async (token: SnapAccessToken) => {
        const { request: httpRequest } = await serviceRequest(profile, request, { accessToken: token.accessToken, timestamp: timestampFor(profile), externalId })
        return readSnapResponse(await http.send(httpRequest), httpRequest.url)
      }
      let outcome = await attempt(await accessToken(profileName, profile, false))
      let replayed = false
      if (outcome.responseCode?.tokenRejected) {
        const renewed = await accessToken(profileName, profile, true)
        if (!request.idempotent) throw snapError(outcome, ' A new access token is ready; the request was not sent again because it is not marked idempotent.')
        outcome = await attempt(renewed)
        replayed = true
      }
      await audit('snap.request-sent', profileName, {
        method: request.method,
        path: request.path.split('?')[0]!,
        externalId,
        httpStatus: String(outcome.httpStatus),
        ...(outcome.responseCode ? { responseCode: outcome.responseCode.code } : {}),
        ...(replayed ? { replayed: 'after a new token' } : {}),
      })
      if (!outcome.succeeded) throw snapError(outcome)
      return { httpStatus: outcome.httpStatus, responseCode: outcome.responseCode, body: outcome.body, externalId, replayed }
    },

    /** The access-token request for the profile, signed but not sent. */
    async previewAccessTokenRequest(profileName: string, options: { timestamp?: string } = {}): Promise<SnapRequestPreview> {
      const profile = await loadProfile(profileName)
      const { request, signed } = await tokenRequest(profile, timestampFor(profile, options.timestamp))
      await audit('snap.signed', profileName, { what: 'access-token request', clientId: profile.clientId, key: profile.privateKeyRef })
      return preview(request, signed)
    },

    /**
     * A service call, signed but not sent. Without an access token the profile's current one is used
     * (which may fetch one); without a timestamp, now.
     */
    async previewServiceRequest(profileName: string, request: Omit<SnapServiceRequest, 'idempotent'> & { accessToken?: string; timestamp?: string }): Promise<SnapRequestPreview> {
      const profile = await loadProfile(profileName)
      const token = request.accessToken ?? (await accessToken(profileName, profile, false)).accessToken
      const { request: httpRequest, signed } = await serviceRequest(profile, request, { accessToken: token, timestamp: timestampFor(profile, request.timestamp), externalId: externalIds.next() })
      await audit('snap.signed', profileName, { what: `${profile.serviceSignature} service signature`, method: request.method, path: request.path.split('?')[0]! })
      return { ...preview(httpRequest, signed, token), endpointUrl: signed.endpointUrl, bodySha256: signed.bodySha256 }
    },

    /** Access Token B2B X-SIGNATURE with a vault key for a client id given by hand, at `timestamp` or now (WIB). */
    async signAccessToken(input: { keyRef: string; clientId: string; timestamp?: string }): Promise<SignedString & { timestamp: string }> {
      const { item, key } = await vault.privateKey(input.keyRef)
      const timestamp = input.timestamp === undefined ? formatSnapTimestamp(clock.now()) : checkedTimestamp(input.timestamp)
      const signed = signAccessToken({ clientId: input.clientId, timestamp, privateKey: key })
      await audit('snap.signed', item.name, { what: 'access-token signature', clientId: input.clientId })
      return { timestamp, ...signed }
    },

    /** Validates and stores a profile; a cached token of the old settings is dropped. */
    async saveProfile(profileName: string, config: unknown): Promise<SnapProfile> {
      const profile = parseProfileConfig(SnapProfileSchema, config, `SNAP profile "${profileName}"`)
      await options.profiles.put('snap', profileName, profile)
      tokens.delete(profileName)
      return profile
    },

    async listProfiles(): Promise<{ name: string; config: Record<string, unknown> }[]> {
      return (await options.profiles.list('snap')).map(({ name, config }) => ({ name, config }))
    },

    /**
     * Main-process only: what the partner of this profile registers with a provider (the public key,
     * the client secret), so an embedded sandbox can play that provider for it.
     */
    async sandboxRegistration(profileName: string): Promise<SnapPartnerRegistration> {
      const profile = await loadProfile(profileName)
      const { key } = await vault.privateKey(profile.privateKeyRef)
      return {
        clientId: profile.clientId,
        publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
        ...(profile.clientSecretRef ? { clientSecret: await clientSecret(vault, profile) } : {}),
        ...(profile.partnerId ? { partnerId: profile.partnerId } : {}),
      }
    },
  }
}

export type SnapClient = ReturnType<typeof createSnapClient>

/** What decides which token a profile may reuse. */
const tokenIdentity = (profile: SnapProfile) => JSON.stringify([profile.baseUrl, profile.tokenPath, profile.clientId, profile.privateKeyRef])

const publicToken = (token: CachedToken, fromCache: boolean): SnapAccessToken => ({ accessToken: token.accessToken, tokenType: token.tokenType, expiresAt: new Date(token.expiresAt), fromCache })


function checkedTimestamp(timestamp: string): string {
  if (!parseSnapTimestamp(timestamp)) throw new TekenError('INVALID_REQUEST', `"${timestamp}" is not an X-TIMESTAMP: write it like 2020-12-18T10:55:00+07:00.`)
  return timestamp
}

/** The client secret: a client-secret item, or the client secret field of a saved partner profile (OVO's credential file). */
async function clientSecret(vault: Vault, profile: SnapProfile): Promise<string> {
  if (!profile.clientSecretRef) throw new TekenError('PROFILE_INVALID', 'This SNAP profile has no client secret (clientSecretRef), which symmetric service signatures need.')
  const { item, secret } = await vault.secret(profile.clientSecretRef)
  if (secret.kind === 'value') return secret.value
  const field = secret.kind === 'fields' ? secret.fields.find((candidate) => candidate.name.replace(/[^a-z]/gi, '').toLowerCase() === 'clientsecret') : undefined
  if (!field) throw new TekenError('PROFILE_INVALID', `The vault item "${item.name}" holds no client secret.`, { ref: item.name })
  return field.value
}

/**
 * A provider's answer: SNAP's responseCode decides success where there is one (some providers say
 * HTTP 200 with an error code). A failure without a responseCode is the gateway's, not SNAP's.
 */
function readSnapResponse(response: HttpResponse, url: string): SnapOutcome {
  const host = new URL(url).host
  const httpOk = response.status >= 200 && response.status < 300
  const body = httpOk ? parseJsonBody(response, host) : jsonOrUndefined(response.body)
  const fields = (typeof body === 'object' && body !== null ? body : {}) as { responseCode?: unknown; responseMessage?: unknown }
  const responseMessage = typeof fields.responseMessage === 'string' ? fields.responseMessage : ''
  const responseCode = typeof fields.responseCode === 'string' ? parseResponseCode(fields.responseCode, responseMessage) : undefined
  if (!httpOk && !responseCode) throw new TekenError('PROVIDER_HTTP_ERROR', `${host} answered HTTP ${response.status} without a SNAP responseCode.`, { host, status: String(response.status) })
  const succeeded = responseCode ? responseCode.httpStatus < 300 : httpOk
  return { httpStatus: response.status, host, body, responseCode, responseMessage, succeeded }
}

function snapError(outcome: SnapOutcome, addendum = ''): TekenError {
  const code = outcome.responseCode
  const what = code ? describeResponseCode(code, outcome.responseMessage) : `HTTP ${outcome.httpStatus} without a SNAP responseCode.`
  return new TekenError('SNAP_ERROR', `${outcome.host}: ${what}${addendum}`, {
    host: outcome.host,
    httpStatus: String(outcome.httpStatus),
    ...(code ? { responseCode: code.code, responseMessage: outcome.responseMessage } : {}),
  })
}

function jsonOrUndefined(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    return undefined
  }
}

function preview(request: HttpRequest, signed: SignedString, accessToken?: string): SnapRequestPreview {
  const masked = accessToken ? maskSecret(accessToken) : ''
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name, name === 'Authorization' ? `Bearer ${masked}` : value]))
  const body = typeof request.body === 'string' ? request.body : ''
  return {
    method: request.method,
    url: request.url,
    headers,
    body,
    stringToSign: accessToken ? signed.stringToSign.split(accessToken).join(masked) : signed.stringToSign,
    signature: signed.signature,
    curl: curlCommand(request, body, { Authorization: 'Bearer $SNAP_ACCESS_TOKEN' }),
  }
}

/**
 * X-EXTERNAL-ID: digits only, at most 36, never repeated within a WIB day (SNAP answers 409xx00 to a
 * repeat). WIB time to the second, a per-process counter and random digits keep two processes apart too.
 */
function createExternalIdSource(clock: Clock) {
  let day = ''
  let issued = new Set<string>()
  let counter = 0
  return {
    next(): string {
      const now = clock.now()
      if (wibDay(now) !== day) {
        day = wibDay(now)
        issued = new Set()
      }
      const second = formatSnapTimestamp(now).slice(0, 19).replace(/\D/g, '')
      for (;;) {
        counter = (counter + 1) % 1_000_000
        const id = `${second}${String(counter).padStart(6, '0')}${String(randomInt(100_000_000)).padStart(8, '0')}`
        if (!issued.has(id)) {
          issued.add(id)
          return id
        }
      }
    },
  }
}
