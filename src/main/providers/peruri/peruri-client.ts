import { z } from 'zod'
import { TekenError } from '../../../shared/errors'
import type { Clock } from '../../ports/clock'
import type { HttpClient, HttpResponse } from '../../ports/http-client'
import {
  PERURI_READ_OPERATIONS,
  PERURI_SUCCESS,
  PeruriAnswerSchema,
  SANDBOX_RESULT_CODES,
  peruriEnvelopes as envelope,
  type PeruriOperation,
  type PeruriSigner,
  type RegistrationData,
} from './protocol'
import { signingSystemSession } from './session'
import { parseWibTimestamp } from './wib'

/** One Peruri environment as the client needs it: where, and with which (already decrypted) credentials. */
export interface PeruriEndpoint {
  name: string
  /** The gateway base, ending in "/": `https://apgdev.peruri.co.id:9044/gateway/`. */
  baseUrl: string
  paths: Record<PeruriOperation, string>
  apiKey: string
  systemId: string
}

export interface PeruriClientOptions {
  endpoint: PeruriEndpoint
  http: HttpClient
  clock: Clock
  timeoutMs?: number
  /** Attempts for read operations on timeouts, unreachable hosts and 5xx; sends and signings get one. */
  readAttempts?: number
  backoffMs?: number
  sleep?: (ms: number) => Promise<void>
}

/** Refresh this long before the JWT's `expiredDate`, so a call never leaves with a token that dies in flight. */
const JWT_REFRESH_MARGIN_MS = 60_000

const DataWith = <T extends z.ZodRawShape>(shape: T) => z.object(shape).loose()

/**
 * Peruri's digital-signature API: every operation of seed 003 with its exact envelope. The JWT is
 * cached until its `expiredDate` (WIB) and fetched anew once when the gateway refuses it; reads
 * retry with backoff, sends and signings never retry blindly (a lost answer may mean it happened).
 */
export function createPeruriClient(options: PeruriClientOptions) {
  const { endpoint, http, clock } = options
  const readAttempts = options.readAttempts ?? 3
  const backoffMs = options.backoffMs ?? 500
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  let cachedJwt: { jwt: string; expiresAt: Date } | undefined
  let pendingJwt: Promise<{ jwt: string; expiresAt: Date }> | undefined

  function post(operation: PeruriOperation, body: unknown, jwt?: string): Promise<HttpResponse> {
    return http.send({
      method: 'POST',
      url: new URL(endpoint.paths[operation], endpoint.baseUrl).href,
      headers: { 'Content-Type': 'application/json', 'x-Gateway-APIKey': endpoint.apiKey, ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}) },
      body: JSON.stringify(body),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    })
  }

  async function fetchJwt(): Promise<{ jwt: string; expiresAt: Date }> {
    const answer = await withReadRetries('getJsonWebToken', async () => readAnswer('getJsonWebToken', await post('getJsonWebToken', envelope.getJsonWebToken(endpoint.systemId))))
    const data = parseData('getJsonWebToken', answer, DataWith({ jwt: z.string().min(1), expiredDate: z.string().optional() }))
    // Seed 003: "JWT berlaku selama satu hari". Without a readable expiredDate, assume a day.
    const expiresAt = (data.expiredDate && parseWibTimestamp(data.expiredDate)) || new Date(clock.now().getTime() + 24 * 3600_000)
    return { jwt: data.jwt, expiresAt }
  }

  async function jwt(forceNew = false): Promise<{ jwt: string; expiresAt: Date }> {
    if (!forceNew && cachedJwt && cachedJwt.expiresAt.getTime() - JWT_REFRESH_MARGIN_MS > clock.now().getTime()) return cachedJwt
    pendingJwt ??= fetchJwt().finally(() => (pendingJwt = undefined))
    cachedJwt = await pendingJwt
    return cachedJwt
  }

  async function withReadRetries<T>(operation: PeruriOperation, run: () => Promise<T>): Promise<T> {
    const attempts = PERURI_READ_OPERATIONS.has(operation) ? readAttempts : 1
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await run()
      } catch (error) {
        if (attempt >= attempts || !isTransient(error)) throw error
        await sleep(backoffMs * 2 ** (attempt - 1))
      }
    }
  }

  /** One operation: JWT, POST, answer checked; a refused JWT is replaced once (the gateway stopped the call, so nothing happened). */
  async function call(operation: PeruriOperation, body: unknown): Promise<z.infer<typeof PeruriAnswerSchema>> {
    return withReadRetries(operation, async () => {
      try {
        return readAnswer(operation, await post(operation, body, (await jwt()).jwt))
      } catch (error) {
        if (!(error instanceof TekenError && error.code === 'PERURI_AUTH_FAILED')) throw error
        return readAnswer(operation, await post(operation, body, (await jwt(true)).jwt))
      }
    })
  }

  async function orderData<T extends z.ZodType>(operation: PeruriOperation, body: unknown, schema: T): Promise<z.infer<T>> {
    return parseData(operation, await call(operation, body), schema)
  }

  const systemId = endpoint.systemId
  return {
    endpoint: { name: endpoint.name, baseUrl: endpoint.baseUrl, systemId },
    /** The JWT and when it expires (cached). */
    jwt: () => jwt(),

    registration: async (data: RegistrationData) => void (await call('registration', envelope.registration(data, systemId))),
    activation: async (email: string) => void (await call('activation', envelope.activation(email, systemId))),
    videoVerification: async (email: string, video: Buffer) => void (await call('videoVerification', envelope.videoVerification(email, video.toString('base64'), systemId))),
    sendSpeciment: async (email: string, image: Buffer) => void (await call('sendSpeciment', envelope.sendSpeciment(email, image.toString('base64'), systemId))),
    /** Whether Peruri CA has issued the user's certificate; any answer other than "0" means not (yet). */
    async checkCertificate(email: string): Promise<{ issued: boolean; resultCode: string; resultDesc: string }> {
      const answer = await withReadRetries('checkCertificate', async () => {
        try {
          return await call('checkCertificate', envelope.checkCertificate(email, systemId))
        } catch (error) {
          if (error instanceof TekenError && error.code === 'PERURI_ERROR') return { resultCode: error.details?.resultCode ?? '', resultDesc: error.details?.resultDesc ?? error.message }
          throw error
        }
      })
      return { issued: answer.resultCode === PERURI_SUCCESS, resultCode: answer.resultCode, resultDesc: answer.resultDesc ?? '' }
    },

    sendDocument: (input: { email: string; fileName: string; document: Buffer; signer?: PeruriSigner[]; orderType?: 'INDIVIDUAL' | 'SYSTEM' }) =>
      orderData('sendDocument', envelope.sendDocument({ ...input, base64Document: input.document.toString('base64') }, systemId), DataWith({ orderId: z.coerce.string() })),
    async viewDocument(orderId: string): Promise<{ document: Buffer; coordinatesSet: boolean }> {
      const data = await orderData('viewDocument', envelope.viewDocument(orderId), DataWith({ base64Document: z.string(), signer: z.coerce.string().optional() }))
      return { document: Buffer.from(data.base64Document, 'base64'), coordinatesSet: data.signer === '1' }
    },
    getOtp: (orderId: string) => orderData('getOtp', envelope.getOtp(orderId), DataWith({ token: z.string(), phone: z.string().optional(), systemId: z.string().optional() })),
    signing: async (input: { orderId: string; otpCode: string; token: string; signer?: PeruriSigner[] }) => void (await call('signing', envelope.signing(input))),
    /** Seed 003 defines only resultCode/resultDesc here; the sandbox adds `data.status` ("WAITING", "IN_PROGRESS", "SIGNED") and whose turn it is. */
    async checkDocumentStatus(orderId: string): Promise<{ resultDesc: string; status?: string; nextSigner?: string; signedBy?: string[] }> {
      const answer = await call('checkDocumentStatus', envelope.checkDocumentStatus(orderId))
      const data = DataWith({ status: z.string().optional(), nextSigner: z.string().optional(), signedBy: z.array(z.string()).optional() }).safeParse(answer.data ?? {})
      return { resultDesc: answer.resultDesc ?? '', ...(data.success ? pickDefined(data.data) : {}) }
    },
    async downloadDocument(orderId: string): Promise<Buffer> {
      const data = await orderData('downloadDocument', envelope.downloadDocument(orderId), DataWith({ base64Document: z.string().min(1) }))
      return Buffer.from(data.base64Document, 'base64')
    },

    sendDocumentTier: (input: { uploader: string; fileName: string; document: Buffer; signers: string[] }) =>
      orderData('sendDocumentTier', envelope.sendDocumentTier({ ...input, base64Document: input.document.toString('base64') }, systemId), DataWith({ orderId: z.coerce.string() })),
    signingTier: async (input: { orderId: string; otpCode: string; token: string; signer: PeruriSigner[] }) => void (await call('signingTier', envelope.signingTier(input))),

    async sendDocumentBulk(input: { email: string; files: { fileName: string; document: Buffer }[]; signer?: PeruriSigner[] }): Promise<{ orderIds: string[] }> {
      const files = input.files.map((file) => ({ fileName: file.fileName, base64Document: file.document.toString('base64') }))
      const data = await orderData('sendDocumentBulk', envelope.sendDocumentBulk({ email: input.email, files, ...(input.signer ? { signer: input.signer } : {}) }, systemId), z.array(DataWith({ orderId: z.coerce.string() })))
      if (data.length !== files.length) throw new TekenError('PROVIDER_BAD_RESPONSE', `Peruri sendDocumentBulk returned ${data.length} order ids for ${files.length} files.`)
      return { orderIds: data.map((entry) => entry.orderId) }
    },
    setSignature: async (orderId: string, signer: PeruriSigner) => void (await call('setSignature', envelope.setSignature(orderId, signer))),
    getOtpBulk: (orderIds: string[]) => orderData('getOtpBulk', envelope.getOtpBulk(orderIds, systemId), DataWith({ token: z.string(), orderIdBulk: z.coerce.string(), phone: z.string().optional() })),
    async signingBulk(input: { orderIdBulk: string; otpCodeBulk: string; tokenBulk: string }): Promise<{ orderId: string; fileName?: string }[]> {
      const answer = await call('signingBulk', envelope.signingBulk(input))
      const data = z.array(DataWith({ orderId: z.coerce.string(), fileName: z.string().optional() })).safeParse(answer.data ?? [])
      return data.success ? data.data : []
    },

    /** Sets the Signing System hashing key; returns when it expires. */
    async setKey(key: string, minutes: number): Promise<{ expiresAt?: Date }> {
      const answer = await call('setKey', envelope.setKey(key, minutes, systemId))
      const data = DataWith({ expiredDate: z.string() }).safeParse(answer.data)
      const expiresAt = data.success ? parseWibTimestamp(data.data.expiredDate) : undefined
      return expiresAt ? { expiresAt } : {}
    },
    signingSystem: async (orderIds: string[], hashingKey: string) => void (await call('signingSystem', envelope.signingSystem(orderIds, signingSystemSession(hashingKey, orderIds), systemId))),
  }
}

export type PeruriClient = ReturnType<typeof createPeruriClient>

/** Timeouts, unreachable hosts and 5xx: worth another try for a read. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof TekenError)) return false
  return error.code === 'PROVIDER_TIMEOUT' || error.code === 'PROVIDER_UNREACHABLE' || (error.code === 'PROVIDER_HTTP_ERROR' && Number(error.details?.status) >= 500)
}

/** Turns an HTTP answer into Peruri's `{resultCode, resultDesc, data}` or the specific error it stands for. */
export function readAnswer(operation: PeruriOperation, response: HttpResponse): z.infer<typeof PeruriAnswerSchema> {
  const text = response.body.toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  const exception = typeof json === 'object' && json !== null && 'Exception' in json ? String((json as { Exception: unknown }).Exception) : undefined
  const details = { operation, status: String(response.status), ...(exception ? { exception } : {}) }
  if (response.status === 401 || response.status === 403) {
    throw new TekenError('PERURI_AUTH_FAILED', `Peruri's gateway refused ${operation} (HTTP ${response.status}): ${exception ?? 'unauthorized'}.`, details)
  }
  if (exception !== undefined) throw new TekenError('PERURI_GATEWAY_EXCEPTION', `Peruri's gateway refused ${operation} (HTTP ${response.status}): ${exception}`, details)
  if (response.status >= 300) throw new TekenError('PROVIDER_HTTP_ERROR', `Peruri answered ${operation} with HTTP ${response.status}.`, details)
  const answer = PeruriAnswerSchema.safeParse(json)
  if (!answer.success) throw new TekenError('PROVIDER_BAD_RESPONSE', `Peruri's answer to ${operation} has no resultCode.`, details)
  const { resultCode, resultDesc = '' } = answer.data
  if (resultCode !== PERURI_SUCCESS) {
    const code = resultCode === SANDBOX_RESULT_CODES.otpWrong ? 'PERURI_OTP_INVALID' : resultCode === SANDBOX_RESULT_CODES.otpExpired || resultCode === SANDBOX_RESULT_CODES.otpAttemptsExceeded ? 'PERURI_OTP_EXPIRED' : 'PERURI_ERROR'
    throw new TekenError(code, `Peruri ${operation}: ${resultDesc || 'failed'} (resultCode ${resultCode}).`, { operation, resultCode, resultDesc })
  }
  return answer.data
}

function parseData<T extends z.ZodType>(operation: PeruriOperation, answer: z.infer<typeof PeruriAnswerSchema>, schema: T): z.infer<T> {
  const data = schema.safeParse(answer.data)
  if (!data.success) throw new TekenError('PROVIDER_BAD_RESPONSE', `Peruri's answer to ${operation} lacks the expected data (${data.error.issues[0]?.path.join('.') || 'data'}).`, { operation })
  return data.data
}

function pickDefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>
}
