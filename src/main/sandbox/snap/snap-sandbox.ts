import { createPublicKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto'
import { z } from 'zod'
import { systemClock, type Clock } from '../../ports/clock'
import type { SnapPartnerRegistration } from '../../providers/snap/profile'
import { signServiceSymmetric, verifyAccessTokenSignature } from '../../providers/snap/signatures'
import { formatSnapTimestamp, parseSnapTimestamp, wibDay } from '../../providers/snap/timestamp'
import { requestHeader, startSandboxServer, type FaultController, type SandboxRequest, type SandboxResponse } from '../sandbox-server'
import { sandboxStateFile } from '../sandbox-state-file'

/**
 * The two services, matched at the end of the path so that every preset's prefix works against
 * the sandbox (`/auth/merchants/v1.0/access-token/b2b`, `/api/v1.0/access-token/b2b`, …).
 */
export const SNAP_SANDBOX_TOKEN_PATH = '/v1.0/access-token/b2b'
/** The sample transaction service: SNAP Balance Inquiry (service code 11). */
export const SNAP_SANDBOX_BALANCE_INQUIRY_PATH = '/v1.0/balance-inquiry'

const TOKEN_SERVICE = '73'
const BALANCE_INQUIRY_SERVICE = '11'
/** How far X-TIMESTAMP may be from the sandbox's clock, either way. */
export const SNAP_TIMESTAMP_WINDOW_MS = 5 * 60_000

export interface SnapSandboxOptions {
  port?: number
  clock?: Clock
  /** What `expiresIn` says, and how long tokens really last. */
  tokenLifetimeSeconds?: number
  /**
   * A folder to keep the issued access tokens in (`state.json`), so that a token stays good across
   * restarts, as a provider's does. Without one they live in memory only.
   */
  stateDir?: string
}

export interface SnapSandbox {
  url: string
  port: number
  faults: FaultController
  registerPartner(partner: SnapPartnerRegistration): void
  /**
   * Invalidates every issued token, as a key rotation does; the next call gets 401xx01. At once in
   * memory; the promise settles when the state folder (if any) knows it too.
   */
  revokeTokens(): Promise<void>
  close(): Promise<void>
}

/**
 * The state file: the issued access tokens and whom they were issued to. Partners are not in it:
 * the host registers them again at every start, from the vault (their client secrets stay there).
 */
const SnapStateSchema = z
  .object({
    version: z.literal(1),
    tokens: z.array(z.object({ accessToken: z.string().min(1), clientId: z.string().min(1), expiresAt: z.iso.datetime() }).strict()),
  })
  .strict()

interface Partner {
  clientId: string
  publicKey: KeyObject
  clientSecret?: string
  partnerId: string
}

/**
 * An embedded SNAP provider on loopback: Access Token B2B and Balance Inquiry, checked the way a
 * provider checks them, with SNAP's response codes and messages for each mistake:
 * - a missing header or field: 400SS02 "Invalid Mandatory Field [name]"; a malformed one 400SS01;
 * - an unknown client, a bad signature, a timestamp outside ±5 minutes: 401SS00 "Unauthorized. [reason]";
 * - a missing bearer token: 401SS03; an unknown, expired or revoked one: 401SS01 "Invalid Token (B2B)";
 * - an X-EXTERNAL-ID already used by the partner that WIB day: 409SS00 "Conflict".
 * Service signatures are symmetric (HMAC-SHA512, base64) over the path without its query string.
 */
export async function startSnapSandbox(options: SnapSandboxOptions = {}): Promise<SnapSandbox> {
  const clock = options.clock ?? systemClock
  const lifetimeMs = (options.tokenLifetimeSeconds ?? 900) * 1000
  const partners = new Map<string, Partner>()
  const tokens = new Map<string, { clientId: string; expiresAt: number }>()
  const stateFile = options.stateDir === undefined ? undefined : sandboxStateFile(options.stateDir, 'SNAP', SnapStateSchema)
  for (const token of (await stateFile?.read())?.tokens ?? []) tokens.set(token.accessToken, { clientId: token.clientId, expiresAt: Date.parse(token.expiresAt) })

  /** Writes the tokens still valid (expired ones are forgotten here), when there is a state folder. */
  async function saveTokens(): Promise<void> {
    await stateFile?.save(() => {
      const now = clock.now().getTime()
      for (const [accessToken, token] of tokens) if (token.expiresAt <= now) tokens.delete(accessToken)
      return { version: 1 as const, tokens: [...tokens].map(([accessToken, token]) => ({ accessToken, clientId: token.clientId, expiresAt: new Date(token.expiresAt).toISOString() })) }
    })
  }
  // Partner id + X-EXTERNAL-ID pairs seen on the current WIB day.
  let externalIdDay = ''
  let usedExternalIds = new Set<string>()

  function checkTimestamp(request: SandboxRequest, service: string): SandboxResponse | string {
    const timestamp = requestHeader(request, 'X-TIMESTAMP')!
    const instant = parseSnapTimestamp(timestamp)
    if (!instant) return snapError(400, service, '01', 'Invalid Field Format [X-TIMESTAMP]')
    if (Math.abs(instant.getTime() - clock.now().getTime()) > SNAP_TIMESTAMP_WINDOW_MS) return snapError(401, service, '00', 'Unauthorized. [Invalid Timestamp]')
    return timestamp
  }

  async function issueToken(request: SandboxRequest): Promise<SandboxResponse> {
    const missing = missingHeader(request, ['X-TIMESTAMP', 'X-CLIENT-KEY', 'X-SIGNATURE'])
    if (missing) return snapError(400, TOKEN_SERVICE, '02', `Invalid Mandatory Field [${missing}]`)
    const timestamp = checkTimestamp(request, TOKEN_SERVICE)
    if (typeof timestamp !== 'string') return timestamp
    const body = jsonObject(request.body)
    if (!body) return snapError(400, TOKEN_SERVICE, '00', 'Bad Request')
    if (body.grantType === undefined) return snapError(400, TOKEN_SERVICE, '02', 'Invalid Mandatory Field [grantType]')
    if (body.grantType !== 'client_credentials') return snapError(400, TOKEN_SERVICE, '01', 'Invalid Field Format [grantType]')
    const clientId = requestHeader(request, 'X-CLIENT-KEY')!
    const partner = partners.get(clientId)
    if (!partner) return snapError(401, TOKEN_SERVICE, '00', 'Unauthorized. [Unknown client]')
    if (!verifyAccessTokenSignature({ clientId, timestamp, signature: requestHeader(request, 'X-SIGNATURE')!, publicKey: partner.publicKey })) {
      return snapError(401, TOKEN_SERVICE, '00', 'Unauthorized. [Signature]')
    }
    const accessToken = randomBytes(32).toString('base64url')
    tokens.set(accessToken, { clientId, expiresAt: clock.now().getTime() + lifetimeMs })
    // Kept before it is handed out, so a token the partner holds is never one a restart forgets.
    await saveTokens()
    return {
      status: 200,
      headers: { 'X-TIMESTAMP': formatSnapTimestamp(clock.now()), 'X-CLIENT-KEY': clientId },
      json: { responseCode: `200${TOKEN_SERVICE}00`, responseMessage: 'Successful', accessToken, tokenType: 'Bearer', expiresIn: String(lifetimeMs / 1000) },
    }
  }

  function balanceInquiry(request: SandboxRequest): SandboxResponse {
    const service = BALANCE_INQUIRY_SERVICE
    const missing = missingHeader(request, ['X-TIMESTAMP', 'X-SIGNATURE', 'X-PARTNER-ID', 'X-EXTERNAL-ID', 'CHANNEL-ID'])
    if (missing) return snapError(400, service, '02', `Invalid Mandatory Field [${missing}]`)
    const authorization = requestHeader(request, 'Authorization')
    if (!authorization?.startsWith('Bearer ')) return snapError(401, service, '03', 'Token Not Found (B2B)')
    const externalId = requestHeader(request, 'X-EXTERNAL-ID')!
    if (!/^\d{1,36}$/.test(externalId)) return snapError(400, service, '01', 'Invalid Field Format [X-EXTERNAL-ID]')
    const accessToken = authorization.slice('Bearer '.length)
    const token = tokens.get(accessToken)
    if (!token || token.expiresAt <= clock.now().getTime()) return snapError(401, service, '01', 'Invalid Token (B2B)')
    // A token from before a restart, for a partner nobody has registered again since.
    const partner = partners.get(token.clientId)
    if (!partner || requestHeader(request, 'X-PARTNER-ID') !== partner.partnerId) return snapError(401, service, '00', 'Unauthorized. [Unknown client]')
    const timestamp = checkTimestamp(request, service)
    if (typeof timestamp !== 'string') return timestamp
    const body = jsonObject(request.body)
    if (!body) return snapError(400, service, '00', 'Bad Request')
    if (!partner.clientSecret || !sameSignature(requestHeader(request, 'X-SIGNATURE')!, expectedSignature(request, partner.clientSecret, accessToken, timestamp))) {
      return snapError(401, service, '00', 'Unauthorized. [Signature]')
    }
    // Recorded only once the request is authentic, so a rejected attempt does not burn the id.
    const today = wibDay(clock.now())
    if (today !== externalIdDay) {
      externalIdDay = today
      usedExternalIds = new Set()
    }
    const key = `${partner.partnerId}\n${externalId}`
    if (usedExternalIds.has(key)) return snapError(409, service, '00', 'Conflict')
    usedExternalIds.add(key)
    return {
      status: 200,
      json: {
        responseCode: `200${service}00`,
        responseMessage: 'Successful',
        referenceNo: randomBytes(6).toString('hex'),
        partnerReferenceNo: typeof body.partnerReferenceNo === 'string' ? body.partnerReferenceNo : '',
        accountNo: typeof body.accountNo === 'string' ? body.accountNo : '',
        name: `Sandbox partner ${partner.partnerId}`,
        accountInfos: [{ balanceType: 'Cash', amount: { value: '1000000.00', currency: 'IDR' }, availableBalance: { value: '1000000.00', currency: 'IDR' } }],
      },
    }
  }

  const server = await startSandboxServer({
    port: options.port,
    handler: (request) => {
      if (request.method === 'POST' && request.path.endsWith(SNAP_SANDBOX_TOKEN_PATH)) return issueToken(request)
      if (request.method === 'POST' && request.path.endsWith(SNAP_SANDBOX_BALANCE_INQUIRY_PATH)) return balanceInquiry(request)
      return { status: 404, json: { error: 'not_found', message: `The SNAP sandbox serves POST …${SNAP_SANDBOX_TOKEN_PATH} and POST …${SNAP_SANDBOX_BALANCE_INQUIRY_PATH}.` } }
    },
  })

  return {
    url: server.url,
    port: server.port,
    faults: server.faults,
    registerPartner(partner) {
      partners.set(partner.clientId, { clientId: partner.clientId, publicKey: createPublicKey(partner.publicKeyPem), ...(partner.clientSecret ? { clientSecret: partner.clientSecret } : {}), partnerId: partner.partnerId ?? partner.clientId })
    },
    revokeTokens() {
      tokens.clear()
      return saveTokens()
    },
    async close() {
      await server.close()
      await stateFile?.settled()
    },
  }
}

/** SNAP's error body; the code is HTTP status + service code + case code. */
function snapError(status: number, service: string, caseCode: string, responseMessage: string): SandboxResponse {
  return { status, json: { responseCode: `${status}${service}${caseCode}`, responseMessage } }
}


function missingHeader(request: SandboxRequest, names: string[]): string | undefined {
  return names.find((name) => !requestHeader(request, name))
}

function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** What the partner should have signed: the provider re-minifies the body it received. */
function expectedSignature(request: SandboxRequest, clientSecret: string, accessToken: string, timestamp: string): string {
  return signServiceSymmetric({ method: request.method, path: request.path, includeQuery: false, body: request.body.toString('utf8'), timestamp, encoding: 'base64', accessToken, clientSecret }).signature
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
