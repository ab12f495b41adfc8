import { createHmac, createPrivateKey, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import { readFile, rename, rm } from 'node:fs/promises'
import { z } from 'zod'
import { TekenError } from '../../../shared/errors'
import { signPdf } from '../../pdf/sign'
import type { Clock } from '../../ports/clock'
import {
  DEFAULT_PERURI_PATHS,
  PERURI_OPERATIONS,
  PeruriSignerSchema,
  SANDBOX_RESULT_CODES as CODES,
  placementFromSigner,
  type PeruriOperation,
  type PeruriSigner,
} from '../../providers/peruri/protocol'
import { signingSystemSession } from '../../providers/peruri/session'
import { formatWibTimestamp } from '../../providers/peruri/wib'
import { createFaultController, startSandboxServer, type FaultSettings, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../sandbox-server'
import { createSandboxTsa } from '../tsa/sandbox-tsa'
import { issueSignerCertificate } from './sandbox-ca'
import { openSandboxState, type SandboxOrder, type SandboxOtpMessage, type SandboxUser } from './sandbox-state'
import { PERURI_WEBVIEW_PARENT_PARAM } from '../../../shared/peruri-webview'
import {
  acceptedParentOrigin,
  activationBody,
  SANDBOX_WEBVIEW_API,
  SANDBOX_WEBVIEW_PAGES,
  SANDBOX_WEBVIEW_PREFIX,
  SANDBOX_WEBVIEW_SCRIPT,
  signingBody,
  WEBVIEW_SCRIPT,
  webViewPage,
  webViewPagePolicy,
} from './webview-pages'

export interface PeruriSandboxOptions {
  /** Where users, orders, PDFs and the OTP inbox live. */
  stateDir: string
  clock: Clock
  port?: number
  /** API keys the gateway accepts, each bound to one partner systemId. */
  systems?: { apiKey: string; systemId: string }[]
  jwtLifetimeSeconds?: number
  otpLifetimeSeconds?: number
  otpMaxAttempts?: number
  /** Also deliver each OTP through SIMAS-ID's OTP webhook contract (seed 002). */
  otpWebhook?: { url: string; username: string; password: string }
}

export interface PeruriSandbox {
  server: SandboxServer
  /** The gateway base the client is configured with: `http://127.0.0.1:PORT/gateway/`. */
  gatewayUrl: string
  /** The base of Peruri's two web views (seed 003 §7, §8): `http://127.0.0.1:PORT/webview/`. */
  webViewUrl: string
  /** The sandbox's RFC 3161 TSA (`pdf sign --tsa URL`), beside the gateway as a real TSA would be. */
  tsaUrl: string
  addSystem(apiKey: string, systemId: string): void
  setFaults(patch: Partial<FaultSettings>): void
  setJwtLifetime(seconds: number): void
  otps(identifier?: string): SandboxOtpMessage[]
  order(orderId: string): SandboxOrder | undefined
  close(): Promise<void>
}

/** The sandbox's control endpoints (never delayed, never faulted), for tests and `--otp-command` scripts. */
export const SANDBOX_CONTROL_PREFIX = '/sandbox/'
const TSA_PATH = '/tsa'

class PeruriRefusal extends Error {
  constructor(
    readonly resultCode: string,
    readonly resultDesc: string,
  ) {
    super(resultDesc)
  }
}

const refuse = (code: string, desc: string): never => {
  throw new PeruriRefusal(code, desc)
}

interface OtpGrant {
  token: string
  code: string
  email: string
  orderIds: string[]
  orderIdBulk?: string
  expiresAt: number
  attempts: number
}

/**
 * A faithful Peruri on loopback: the gateway (API key, JWT, envelopes, `{"Exception": …}` bodies)
 * and the service behind it (users through certificate issuance, documents, OTPs, tiers, bulk,
 * Signing System) — and it really signs, with the PDF engine and a certificate from its own CA.
 */
export async function startPeruriSandbox(options: PeruriSandboxOptions): Promise<PeruriSandbox> {
  const { clock } = options
  const state = await openSandboxState(options.stateDir, clock.now())
  const systems = new Map((options.systems ?? []).map((system) => [system.apiKey, system.systemId]))
  let jwtLifetimeSeconds = options.jwtLifetimeSeconds ?? 24 * 3600
  const otpLifetimeMs = (options.otpLifetimeSeconds ?? 300) * 1000
  const otpMaxAttempts = options.otpMaxAttempts ?? 3
  const grants = new Map<string, OtpGrant>()
  const inbox: SandboxOtpMessage[] = []
  const operationByPath = new Map(PERURI_OPERATIONS.map((operation) => [`/gateway/${DEFAULT_PERURI_PATHS[operation]}`, operation]))
  const faults = createFaultController()
  /** Files whose next downloads are refused with a Peruri error: a failure that touches one document only. */
  const refusedDownloads = new Map<string, number>()
  const tsa = createSandboxTsa({ ca: state.core.ca, tsa: state.core.tsa!, clock })

  // ---- gateway ----------------------------------------------------------------------------------

  function issueJwt(systemId: string): { jwt: string; expiredDate: string } {
    const expiresAt = clock.now().getTime() + jwtLifetimeSeconds * 1000
    const payload = Buffer.from(JSON.stringify({ sub: systemId, exp: Math.floor(expiresAt / 1000), jti: randomBytes(8).toString('hex') })).toString('base64url')
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')
    const signature = createHmac('sha256', state.core.jwtSecret).update(`${header}.${payload}`).digest('base64url')
    return { jwt: `${header}.${payload}.${signature}`, expiredDate: formatWibTimestamp(new Date(expiresAt)) }
  }

  /** The systemId a bearer JWT was issued to, or why the gateway refuses it. */
  function checkJwt(authorization: string | undefined): { systemId: string } | { exception: string } {
    const jwt = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
    if (!jwt) return { exception: 'Unauthorized: no Bearer token in the Authorization header' }
    const [header, payload, signature] = jwt.split('.')
    const expected = createHmac('sha256', state.core.jwtSecret).update(`${header}.${payload}`).digest()
    const given = Buffer.from(signature ?? '', 'base64url')
    if (!payload || given.length !== expected.length || !timingSafeEqual(given, expected)) return { exception: 'Unauthorized: invalid JWT' }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string; exp: number }
    if (claims.exp * 1000 <= clock.now().getTime()) return { exception: 'Unauthorized: JWT expired' }
    return { systemId: claims.sub }
  }

  const gatewayError = (status: number, exception: string): SandboxResponse => ({ status, json: { Exception: `API Gateway encountered an error. Error Message: ${exception}` } })

  async function handle(request: SandboxRequest): Promise<SandboxResponse> {
    if (request.path.startsWith(SANDBOX_CONTROL_PREFIX)) return control(request)
    if (request.path.startsWith(SANDBOX_WEBVIEW_PREFIX)) return webView(request)
    if (request.path === TSA_PATH && request.method === 'POST') return { status: 200, headers: { 'content-type': 'application/timestamp-reply' }, body: await tsa.reply(request.body) }
    const operation = operationByPath.get(request.path)
    if (!operation) return gatewayError(404, `Resource ${request.path} not found`)
    if (request.method !== 'POST') return gatewayError(405, `Method ${request.method} not allowed`)
    const apiKey = request.headers['x-gateway-apikey']
    const keySystem = typeof apiKey === 'string' ? systems.get(apiKey) : undefined
    if (!keySystem) return gatewayError(401, 'Unauthorized: invalid or missing x-Gateway-APIKey')
    let jwtSystem = keySystem
    if (operation !== 'getJsonWebToken') {
      const checked = checkJwt(request.headers.authorization)
      if ('exception' in checked) return gatewayError(401, checked.exception)
      jwtSystem = checked.systemId
    }
    let body: unknown
    try {
      body = JSON.parse(request.body.toString('utf8'))
    } catch {
      return gatewayError(400, 'Malformed request: the body is not JSON')
    }
    try {
      const data = await operations[operation](body, jwtSystem)
      return { status: 200, json: { resultCode: '0', resultDesc: data.desc, ...(data.data !== undefined ? { data: data.data } : {}) } }
    } catch (error) {
      if (error instanceof PeruriRefusal) return { status: 200, json: { resultCode: error.resultCode, resultDesc: error.resultDesc } }
      throw error
    }
  }

  // ---- envelopes --------------------------------------------------------------------------------

  const text = (max: number) => z.string().min(1).max(max)
  const optionalText = (max: number) => z.string().max(max).optional()

  function read<T extends z.ZodType>(body: unknown, envelopeName: string, schema: T): z.infer<T> {
    const inner = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[envelopeName] : undefined
    if (inner === undefined) refuse(CODES.malformed, `Format request tidak valid: "${envelopeName}" tidak ada`)
    const parsed = schema.safeParse(inner)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      refuse(CODES.malformed, `Format request tidak valid: ${issue.path.join('.') || envelopeName} ${issue.message}`)
    }
    return parsed.data as z.infer<T>
  }

  function checkSystem(systemId: string, jwtSystem: string): void {
    if (systemId !== jwtSystem) refuse(CODES.unknownSystem, `systemId ${systemId} tidak terdaftar untuk token ini`)
  }

  // ---- users ------------------------------------------------------------------------------------

  function user(email: string, systemId?: string): SandboxUser {
    const found = state.core.users.find((candidate) => candidate.email.toLowerCase() === email.toLowerCase() && (!systemId || candidate.systemId === '*' || candidate.systemId === systemId))
    return found ?? refuse(CODES.userNotFound, `Pengguna ${email} belum terdaftar`)
  }

  function certifiedUser(email: string, systemId?: string): SandboxUser & { identity: NonNullable<SandboxUser['identity']> } {
    const found = user(email, systemId)
    if (!found.identity) refuse(CODES.certificateNotIssued, `Sertifikat ${email} belum terbit`)
    return found as SandboxUser & { identity: NonNullable<SandboxUser['identity']> }
  }

  async function issueIfComplete(found: SandboxUser): Promise<void> {
    if (found.activated && found.ekycPassed && found.speciment && !found.identity) {
      found.identity = issueSignerCertificate(state.core.ca, found, clock.now())
    }
    await state.saveCore()
  }

  const isImage = (bytes: Buffer) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) || bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))
  // MP4/MOV ("ftyp" at offset 4) or WebM/Matroska (EBML magic): what a camera or a file picker gives.
  const isVideo = (bytes: Buffer) => bytes.subarray(4, 8).toString('latin1') === 'ftyp' || bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))
  const base64Of = (value: string) => Buffer.from(value.replace(/^data:[^,]*,/, ''), 'base64')

  // ---- orders -----------------------------------------------------------------------------------

  function order(orderId: string, systemId?: string): SandboxOrder {
    const found = state.orders.get(orderId)
    if (!found || (systemId && found.systemId !== systemId)) refuse(CODES.orderNotFound, `Order ID ${orderId} tidak ditemukan`)
    return found!
  }

  async function createOrder(input: Omit<SandboxOrder, 'orderId' | 'signedBy' | 'status' | 'signCount' | 'createdAt'>, document: Buffer): Promise<SandboxOrder> {
    if (!document.subarray(0, 1024).includes('%PDF-')) refuse(CODES.notAPdf, `${input.fileName} bukan dokumen PDF`)
    const orderId = String(state.core.nextOrderId++)
    await state.saveCore()
    const created: SandboxOrder = { ...input, orderId, signedBy: [], status: 'WAITING', signCount: 0, createdAt: clock.now().toISOString() }
    await state.writeDocument(state.originalPath(orderId), document)
    state.orders.set(orderId, created)
    await state.saveOrder(created)
    return created
  }

  /** Whose signature the order waits for. */
  function currentSigner(target: SandboxOrder): string {
    if (target.status === 'SIGNED') refuse(CODES.orderAlreadySigned, `Dokumen ${target.orderId} sudah ditandatangani`)
    return target.tier ? target.tier[target.signedBy.length]! : target.email
  }

  /** Applies every box of the current signer with the PDF engine, then records it. */
  async function signOrder(target: SandboxOrder, email: string, boxes: PeruriSigner[]): Promise<void> {
    if (boxes.length === 0) refuse(CODES.coordinatesMissing, `Koordinat tanda tangan dokumen ${target.orderId} belum diatur`)
    const signer = certifiedUser(email)
    let input = target.signedBy.length ? state.signedPath(target.orderId) : state.originalPath(target.orderId)
    const output = state.signedPath(target.orderId)
    const scratch = `${output}.${randomBytes(4).toString('hex')}`
    try {
      for (const [index, box] of boxes.entries()) {
        const step = `${scratch}.${index}`
        await signPdf({
          inputPath: input,
          outputPath: step,
          identity: { privateKey: createPrivateKey(signer.identity.keyPem), certificates: [signer.identity.certificatePem, state.core.ca.certificatePem], name: signer.name },
          placement: { ...placementFromSigner(box), signerName: signer.name, ...(signer.speciment ? { speciment: Buffer.from(signer.speciment, 'base64') } : {}) },
          clock,
        }).catch((error: unknown) => refuse(CODES.malformed, `Dokumen tidak dapat ditandatangani: ${error instanceof TekenError ? error.message : String(error)}`))
        if (input.startsWith(scratch)) await rm(input, { force: true })
        input = step
      }
      await rename(input, output)
    } finally {
      await Promise.all(boxes.map((_, index) => rm(`${scratch}.${index}`, { force: true })))
    }
    target.signedBy.push(email)
    target.signCount += 1
    target.status = target.tier && target.signedBy.length < target.tier.length ? 'IN_PROGRESS' : 'SIGNED'
    await state.saveOrder(target)
  }

  // ---- OTPs -------------------------------------------------------------------------------------

  async function grantOtp(email: string, orderIds: string[], orderIdBulk?: string): Promise<OtpGrant & { phone: string }> {
    const signer = certifiedUser(email)
    const grant: OtpGrant = { token: randomBytes(16).toString('hex'), code: String(randomInt(0, 1_000_000)).padStart(6, '0'), email: signer.email, orderIds, expiresAt: clock.now().getTime() + otpLifetimeMs, attempts: 0, ...(orderIdBulk ? { orderIdBulk } : {}) }
    grants.set(grant.token, grant)
    const message: SandboxOtpMessage = { identifier: signer.email, email: signer.email, phone: signer.phone, otp: grant.code, orderIds, issuedAt: clock.now().toISOString(), expiresAt: new Date(grant.expiresAt).toISOString() }
    inbox.push(message)
    await state.appendOtp(message)
    if (options.otpWebhook) void deliverToWebhook(options.otpWebhook, signer, grant.code)
    return { ...grant, phone: signer.phone }
  }

  /** SIMAS-ID's OTP webhook contract (seed 002): Basic auth, `{identifier, otp, channel}`. Delivery is best effort, like an SMS. */
  async function deliverToWebhook(webhook: NonNullable<PeruriSandboxOptions['otpWebhook']>, signer: SandboxUser, otp: string): Promise<void> {
    try {
      await fetch(webhook.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${webhook.username}:${webhook.password}`).toString('base64')}` },
        body: JSON.stringify({ identifier: signer.phone, otp, channel: 'sms' }),
        signal: AbortSignal.timeout(5000),
      })
    } catch {
      // The inbox still has the code; a missed SMS is what users see in real life too.
    }
  }

  /** Checks a token and its code; each wrong code costs an attempt, the last one burns the token. */
  function redeem(token: string, otpCode: string, match: (grant: OtpGrant) => boolean): OtpGrant {
    const grant = grants.get(token)
    if (!grant || !match(grant)) return refuse(CODES.tokenInvalid, 'Token OTP tidak valid untuk dokumen ini')
    if (grant.expiresAt <= clock.now().getTime()) {
      grants.delete(token)
      refuse(CODES.otpExpired, 'Kode OTP sudah kedaluwarsa')
    }
    if (grant.code !== otpCode) {
      grant.attempts += 1
      if (grant.attempts >= otpMaxAttempts) {
        grants.delete(token)
        refuse(CODES.otpAttemptsExceeded, 'Kode OTP salah terlalu banyak; minta kode baru')
      }
      refuse(CODES.otpWrong, `Kode OTP salah (sisa ${otpMaxAttempts - grant.attempts} percobaan)`)
    }
    grants.delete(token)
    return grant
  }

  // ---- operations -------------------------------------------------------------------------------

  const SignerArray = z.array(PeruriSignerSchema)
  type Answer = { desc: string; data?: unknown }

  const operations: Record<PeruriOperation, (body: unknown, jwtSystem: string) => Promise<Answer>> = {
    async getJsonWebToken(body, keySystem) {
      const { systemId } = read(body, 'param', z.object({ systemId: text(255) }))
      checkSystem(systemId, keySystem)
      return { desc: 'Success', data: issueJwt(systemId) }
    },

    async registration(body, jwtSystem) {
      const input = read(
        body,
        'param',
        z.object({
          name: text(100),
          phone: z.string().regex(/^\+?\d{8,15}$/, 'harus nomor HP'),
          email: z.email().max(75),
          password: optionalText(255),
          type: z.literal('INDIVIDUAL'),
          ktp: z.string().regex(/^\d{16}$/, 'harus 16 digit'),
          ktpPhoto: z.string().min(1),
          npwp: z.string().regex(/^\d{15,16}$/, 'harus 15 digit').optional().or(z.literal('')),
          npwpPhoto: z.string().optional(),
          address: text(255),
          city: text(255),
          province: text(255),
          gender: z.enum(['M', 'F']),
          placeOfBirth: text(255),
          dateOfBirth: z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/, 'harus dd/mm/yyyy'),
          orgUnit: optionalText(255),
          workUnit: optionalText(255),
          position: optionalText(255),
          systemId: text(255),
        }),
      )
      checkSystem(input.systemId, jwtSystem)
      if (!isImage(base64Of(input.ktpPhoto))) refuse(CODES.mediaInvalid, 'Foto KTP harus gambar JPG atau PNG')
      if (input.npwpPhoto && !isImage(base64Of(input.npwpPhoto))) refuse(CODES.mediaInvalid, 'Foto NPWP harus gambar JPG atau PNG')
      if (state.core.users.some((existing) => existing.email.toLowerCase() === input.email.toLowerCase())) refuse(CODES.userExists, `Email ${input.email} sudah terdaftar`)
      state.core.users.push({ name: input.name, email: input.email, phone: input.phone, nik: input.ktp, systemId: input.systemId, activated: false, ekycPassed: false })
      await state.saveCore()
      return { desc: 'Sukses registrasi, silakan lanjutkan aktivasi akun' }
    },

    async activation(body, jwtSystem) {
      const input = read(body, 'param', z.object({ email: text(75), systemId: text(255) }))
      checkSystem(input.systemId, jwtSystem)
      const found = user(input.email, input.systemId)
      found.activated = true
      await issueIfComplete(found)
      return { desc: 'Sukses aktivasi akun, silakan lanjutkan proses verifikasi' }
    },

    async videoVerification(body, jwtSystem) {
      const input = read(body, 'param', z.object({ email: text(75), videoStream: z.string().min(1), systemId: text(255) }))
      checkSystem(input.systemId, jwtSystem)
      const found = user(input.email, input.systemId)
      if (!found.activated) refuse(CODES.notActivated, `Akun ${input.email} belum diaktivasi`)
      if (!isVideo(base64Of(input.videoStream))) refuse(CODES.mediaInvalid, 'videoStream bukan rekaman video (MP4 atau WebM)')
      found.ekycPassed = true
      await issueIfComplete(found)
      return { desc: 'Success' }
    },

    async sendSpeciment(body, jwtSystem) {
      const input = read(body, 'param', z.object({ email: text(75), speciment: z.string().min(1), systemId: text(255) }))
      checkSystem(input.systemId, jwtSystem)
      const found = user(input.email, input.systemId)
      if (!found.activated) refuse(CODES.notActivated, `Akun ${input.email} belum diaktivasi`)
      const image = base64Of(input.speciment)
      if (!isImage(image)) refuse(CODES.mediaInvalid, 'Spesimen harus gambar JPG atau PNG')
      found.speciment = image.toString('base64')
      await issueIfComplete(found)
      return { desc: 'Success' }
    },

    async checkCertificate(body, jwtSystem) {
      const input = read(body, 'param', z.object({ email: text(75), systemId: text(255) }))
      checkSystem(input.systemId, jwtSystem)
      const found = user(input.email, input.systemId)
      if (found.identity) return { desc: 'Sertifikat sudah terbit' }
      // Not issued yet: say which onboarding step is missing.
      if (!found.activated) refuse(CODES.notActivated, `Akun ${input.email} belum diaktivasi`)
      if (!found.ekycPassed) refuse(CODES.ekycMissing, `E-KYC ${input.email} belum dilakukan`)
      if (!found.speciment) refuse(CODES.specimentMissing, `Spesimen tanda tangan ${input.email} belum dikirim`)
      return refuse(CODES.certificateNotIssued, `Sertifikat ${input.email} belum terbit`)
    },

    async sendDocument(body, jwtSystem) {
      const input = read(
        body,
        'param',
        z.object({ email: text(75), payload: z.object({ fileName: text(100), base64Document: z.string().min(1), signer: SignerArray.optional() }), orderType: z.enum(['INDIVIDUAL', 'SYSTEM']).optional(), systemId: text(255) }),
      )
      checkSystem(input.systemId, jwtSystem)
      certifiedUser(input.email, input.systemId)
      const created = await createOrder(
        { systemId: input.systemId, kind: input.orderType === 'SYSTEM' ? 'system' : 'single', fileName: input.payload.fileName, email: input.email, signers: input.payload.signer ?? [] },
        base64Of(input.payload.base64Document),
      )
      return { desc: 'Success Upload Document', data: { orderId: created.orderId } }
    },

    async viewDocument(body, jwtSystem) {
      const { orderId } = read(body, 'param', z.object({ orderId: text(100) }))
      const target = order(orderId, jwtSystem)
      return { desc: 'Success', data: { base64Document: (await readFile(state.originalPath(orderId))).toString('base64'), signer: target.signers.length ? '1' : '0' } }
    },

    async getOtp(body, jwtSystem) {
      const { orderId } = read(body, 'param', z.object({ orderId: text(100) }))
      const target = order(orderId, jwtSystem)
      if (target.kind === 'system') refuse(CODES.notSystemOrder, `Dokumen ${orderId} ditandatangani lewat Signing System, tanpa OTP`)
      const grant = await grantOtp(currentSigner(target), [orderId])
      return { desc: 'Success', data: { token: grant.token, systemId: target.systemId, phone: grant.phone } }
    },

    async signing(body, jwtSystem) {
      const input = read(body, 'requestSigning', z.object({ orderId: text(100), otpCode: z.string().regex(/^\d{6}$/, 'harus 6 digit'), token: text(32), signer: SignerArray.optional() }))
      const target = order(input.orderId, jwtSystem)
      if (target.tier) refuse(CODES.malformed, `Dokumen ${input.orderId} berjenjang: gunakan Signing Tier`)
      const email = currentSigner(target)
      redeem(input.token, input.otpCode, (grant) => grant.orderIds.length === 1 && grant.orderIds[0] === input.orderId && !grant.orderIdBulk)
      if (input.signer?.length) target.signers = input.signer
      await signOrder(target, email, target.signers)
      return { desc: 'Success' }
    },

    async checkDocumentStatus(body, jwtSystem) {
      const { orderId } = read(body, 'param', z.object({ orderId: text(100) }))
      const target = order(orderId, jwtSystem)
      const nextSigner = target.status === 'SIGNED' ? undefined : target.tier ? target.tier[target.signedBy.length] : target.email
      const desc = target.status === 'SIGNED' ? 'Dokumen sudah ditandatangani' : target.status === 'IN_PROGRESS' ? `Menunggu tanda tangan ${nextSigner}` : 'Dokumen menunggu tanda tangan'
      return { desc, data: { orderId, status: target.status, signedBy: target.signedBy, ...(nextSigner ? { nextSigner } : {}) } }
    },

    async downloadDocument(body, jwtSystem) {
      const { orderId } = read(body, 'param', z.object({ orderId: text(100) }))
      const target = order(orderId, jwtSystem)
      const refusals = refusedDownloads.get(target.fileName) ?? 0
      if (refusals > 0) {
        refusedDownloads.set(target.fileName, refusals - 1)
        refuse(CODES.injected, `Unduhan ${target.fileName} ditolak (gangguan uji dari sandbox)`)
      }
      const path = target.signedBy.length ? state.signedPath(orderId) : state.originalPath(orderId)
      return { desc: 'Success', data: { base64Document: (await readFile(path)).toString('base64') } }
    },

    async sendDocumentTier(body, jwtSystem) {
      const input = read(
        body,
        'param',
        z.object({ uploader: text(75), payload: z.object({ fileName: text(100), base64Document: z.string().min(1), signer: z.array(z.object({ email: text(75) })).min(1) }), systemId: text(255) }),
      )
      checkSystem(input.systemId, jwtSystem)
      user(input.uploader, input.systemId)
      const signers = input.payload.signer.map((entry) => certifiedUser(entry.email, input.systemId).email)
      const created = await createOrder({ systemId: input.systemId, kind: 'tier', fileName: input.payload.fileName, email: input.uploader, signers: [], tier: signers }, base64Of(input.payload.base64Document))
      return { desc: 'Success', data: { orderId: created.orderId } }
    },

    async signingTier(body, jwtSystem) {
      const input = read(body, 'requestSigning', z.object({ orderId: text(100), otpCode: z.string().regex(/^\d{6}$/, 'harus 6 digit'), token: text(32), signer: SignerArray.min(1) }))
      const target = order(input.orderId, jwtSystem)
      if (!target.tier) refuse(CODES.malformed, `Dokumen ${input.orderId} bukan dokumen berjenjang`)
      const email = currentSigner(target)
      redeem(input.token, input.otpCode, (grant) => grant.orderIds[0] === input.orderId && grant.email === email)
      await signOrder(target, email, input.signer)
      return { desc: 'Success' }
    },

    async sendDocumentBulk(body, jwtSystem) {
      const input = read(
        body,
        'param',
        z.object({ email: text(75), payload: z.object({ file: z.array(z.object({ fileName: text(100), base64Document: z.string().min(1) })).min(1), signer: SignerArray.optional() }), systemId: text(255) }),
      )
      checkSystem(input.systemId, jwtSystem)
      certifiedUser(input.email, input.systemId)
      const created: { orderId: string }[] = []
      for (const file of input.payload.file) {
        const made = await createOrder({ systemId: input.systemId, kind: 'single', fileName: file.fileName, email: input.email, signers: input.payload.signer ?? [] }, base64Of(file.base64Document))
        created.push({ orderId: made.orderId })
      }
      return { desc: 'Success', data: created }
    },

    async setSignature(body, jwtSystem) {
      const input = read(body, 'requestSetSignature', z.object({ orderId: text(100), signer: PeruriSignerSchema }))
      const target = order(input.orderId, jwtSystem)
      currentSigner(target)
      target.signers = [input.signer]
      await state.saveOrder(target)
      return { desc: 'Success', data: { orderId: target.orderId } }
    },

    async getOtpBulk(body, jwtSystem) {
      const input = read(body, 'requestGetOtpBulk', z.object({ data: z.array(z.object({ orderId: z.coerce.string() })).min(1), systemId: text(255) }))
      checkSystem(input.systemId, jwtSystem)
      const targets = input.data.map((entry) => order(entry.orderId, jwtSystem))
      const emails = new Set(targets.map((target) => currentSigner(target).toLowerCase()))
      if (emails.size !== 1) refuse(CODES.malformed, 'Semua dokumen bulk harus untuk penandatangan yang sama')
      for (const target of targets) if (!target.signers.length) refuse(CODES.coordinatesMissing, `Koordinat tanda tangan dokumen ${target.orderId} belum diatur`)
      const orderIdBulk = String(state.core.nextBulkId++)
      state.core.bulks[orderIdBulk] = targets.map((target) => target.orderId)
      await state.saveCore()
      const grant = await grantOtp(currentSigner(targets[0]!), state.core.bulks[orderIdBulk]!, orderIdBulk)
      return { desc: 'Success', data: { token: grant.token, systemId: input.systemId, phone: grant.phone, orderIdBulk } }
    },

    async signingBulk(body, jwtSystem) {
      const input = read(body, 'requestSigning', z.object({ orderIdBulk: text(100), otpCodeBulk: z.string().regex(/^\d{6}$/, 'harus 6 digit'), tokenBulk: text(32) }))
      const orderIds = state.core.bulks[input.orderIdBulk] ?? refuse(CODES.orderNotFound, `orderIdBulk ${input.orderIdBulk} tidak ditemukan`)
      redeem(input.tokenBulk, input.otpCodeBulk, (grant) => grant.orderIdBulk === input.orderIdBulk)
      const signed: { orderId: string; fileName: string }[] = []
      for (const orderId of orderIds) {
        const target = order(orderId, jwtSystem)
        // An order signed meanwhile (by another route) is reported, never signed twice.
        if (target.status !== 'SIGNED') await signOrder(target, currentSigner(target), target.signers)
        signed.push({ orderId, fileName: `${orderId}_${target.fileName}` })
      }
      return { desc: 'Success', data: signed }
    },

    async setKey(body, jwtSystem) {
      const input = read(body, 'param', z.object({ key: text(100), minutes: z.string().regex(/^\d+$/, 'harus angka menit'), systemId: text(255) }))
      checkSystem(input.systemId, jwtSystem)
      const expiresAt = new Date(clock.now().getTime() + Number(input.minutes) * 60_000)
      state.core.hashingKeys[input.systemId] = { key: input.key, expiresAt: expiresAt.toISOString() }
      await state.saveCore()
      return { desc: 'Success', data: { expiredDate: formatWibTimestamp(expiresAt) } }
    },

    async signingSystem(body, jwtSystem) {
      const input = read(body, 'param', z.object({ data: z.array(z.object({ orderId: z.coerce.string() })).min(1), session: z.string().regex(/^[0-9a-f]{64}$/i, 'harus hex SHA-256'), systemId: text(255) }))
      checkSystem(input.systemId, jwtSystem)
      const hashingKey = state.core.hashingKeys[input.systemId]
      if (!hashingKey || new Date(hashingKey.expiresAt).getTime() <= clock.now().getTime()) refuse(CODES.hashingKeyMissing, 'Hashing key belum diatur atau sudah kedaluwarsa: panggil Set Key')
      const orderIds = input.data.map((entry) => entry.orderId)
      const expected = Buffer.from(signingSystemSession(hashingKey!.key, orderIds))
      const given = Buffer.from(input.session.toLowerCase())
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) refuse(CODES.sessionInvalid, 'Session tidak valid untuk Order ID ini')
      const targets = orderIds.map((orderId) => order(orderId, jwtSystem))
      for (const target of targets) if (target.kind !== 'system') refuse(CODES.notSystemOrder, `Dokumen ${target.orderId} tidak dikirim dengan orderType SYSTEM`)
      for (const target of targets) if (target.status !== 'SIGNED') await signOrder(target, target.email, target.signers)
      return { desc: 'Success' }
    },
  }

  // ---- web views (seed 003 §7 and §8) -------------------------------------------------------------

  /** OTP tokens the signing web view asked for, per order: the page holds only the order id and the code. */
  const webViewTokens = new Map<string, string>()

  const answerOf = async (work: () => Promise<string>): Promise<SandboxResponse> => {
    try {
      return { status: 200, json: { resultCode: '0', resultDesc: await work() } }
    } catch (error) {
      if (error instanceof PeruriRefusal) return { status: 200, json: { resultCode: error.resultCode, resultDesc: error.resultDesc } }
      throw error
    }
  }

  /** The order a signing web view may sign: a single document, not signed yet. */
  function webViewOrder(orderId: string): SandboxOrder {
    const target = order(orderId)
    if (target.tier) refuse(CODES.malformed, `Dokumen ${orderId} berjenjang: web view ini untuk satu penanda tangan`)
    if (target.kind === 'system') refuse(CODES.notSystemOrder, `Dokumen ${orderId} ditandatangani lewat Signing System, tanpa OTP`)
    currentSigner(target)
    return target
  }

  const webViewApi: Record<string, (input: Record<string, unknown>) => Promise<string>> = {
    /** What activation, video e-KYC and speciment do through the API, in one step: the certificate is issued. */
    async activate(input) {
      const found = user(String(input.email ?? ''), String(input.systemId ?? ''))
      found.activated = true
      found.ekycPassed = true
      found.activatedVia = 'webview'
      found.identity ??= issueSignerCertificate(state.core.ca, found, clock.now())
      await state.saveCore()
      return 'Data sertifikat berhasil di-generate'
    },
    async otp(input) {
      const target = webViewOrder(String(input.orderId ?? ''))
      const grant = await grantOtp(currentSigner(target), [target.orderId])
      webViewTokens.set(target.orderId, grant.token)
      return `Kode OTP dikirim ke ${grant.phone}`
    },
    async sign(input) {
      const target = webViewOrder(String(input.orderId ?? ''))
      const otp = String(input.otp ?? '')
      if (!/^\d{6}$/.test(otp)) refuse(CODES.malformed, 'Kode OTP harus 6 digit')
      const token = webViewTokens.get(target.orderId) ?? refuse(CODES.tokenInvalid, 'Minta kode OTP dulu')
      const email = currentSigner(target)
      redeem(token, otp, (grant) => grant.orderIds.length === 1 && grant.orderIds[0] === target.orderId && grant.email === email && !grant.orderIdBulk)
      webViewTokens.delete(target.orderId)
      await signOrder(target, email, target.signers)
      target.signedVia = 'webview'
      await state.saveOrder(target)
      return 'Success'
    },
  }

  async function webView(request: SandboxRequest): Promise<SandboxResponse> {
    const plain = (status: number, body: string): SandboxResponse => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }, body })
    if (request.method === 'GET' && request.path === SANDBOX_WEBVIEW_SCRIPT) {
      return { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }, body: WEBVIEW_SCRIPT }
    }
    if (request.method === 'POST' && request.path.startsWith(SANDBOX_WEBVIEW_API)) {
      const route = webViewApi[request.path.slice(SANDBOX_WEBVIEW_API.length)]
      if (!route) return plain(404, 'Not found')
      const input = safeJson(request.body)
      if (typeof input !== 'object' || input === null) return { status: 200, json: { resultCode: CODES.malformed, resultDesc: 'Format request tidak valid' } }
      return answerOf(() => route(input as Record<string, unknown>))
    }
    const kind = request.path === SANDBOX_WEBVIEW_PAGES.activation ? 'activation' : request.path === SANDBOX_WEBVIEW_PAGES.signing ? 'signing' : undefined
    if (request.method !== 'GET' || !kind) return plain(404, 'Not found')
    const parentOrigin = acceptedParentOrigin(request.query.get(PERURI_WEBVIEW_PARENT_PARAM))
    if (!parentOrigin) return plain(400, `The web view needs ${PERURI_WEBVIEW_PARENT_PARAM}: the origin of the Teken window that frames it.`)
    const page = (title: string, fields: Record<string, string>, body: string, failure?: PeruriRefusal): SandboxResponse => ({
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': webViewPagePolicy(parentOrigin), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' },
      body: webViewPage({ kind, parentOrigin, title, fields: { ...fields, ...(failure ? { failureCode: failure.resultCode, failureDesc: failure.resultDesc } : {}) }, body }),
    })
    const failed = (error: unknown): PeruriRefusal => {
      if (error instanceof PeruriRefusal) return error
      throw error
    }
    if (kind === 'activation') {
      const email = request.query.get('email') ?? ''
      const systemId = request.query.get('systemId') ?? ''
      try {
        const found = user(email, systemId)
        return page('Aktivasi akun Peruri', { email, systemId }, activationBody(found.email, found.identity ? 'Sertifikat sudah terbit.' : 'Sertifikat belum terbit.'))
      } catch (error) {
        return page('Aktivasi akun Peruri', { email, systemId }, '', failed(error))
      }
    }
    const orderId = request.query.get('orderId') ?? ''
    try {
      const target = webViewOrder(orderId)
      return page('Tanda tangan dokumen', { orderId }, signingBody({ orderId, fileName: target.fileName, email: target.email, boxes: target.signers.length, status: target.status }))
    } catch (error) {
      return page('Tanda tangan dokumen', { orderId }, '', failed(error))
    }
  }

  // ---- control ----------------------------------------------------------------------------------

  const FaultPatchSchema = z
    .object({
      latencyMs: z.number().min(0).optional(),
      errorRate: z.number().min(0).max(1).optional(),
      timeoutRate: z.number().min(0).max(1).optional(),
      dropRate: z.number().min(0).max(1).optional(),
      holdMs: z.number().min(0).optional(),
      failNext: z.object({ pathPart: z.string().min(1), kind: z.enum(['error', 'timeout', 'drop']), count: z.number().int().min(1).optional() }).optional(),
      jwtLifetimeSeconds: z.number().int().min(1).optional(),
      refuseDownload: z.object({ fileName: z.string().min(1), count: z.number().int().min(1).optional() }).strict().optional(),
    })
    .strict()

  function control(request: SandboxRequest): SandboxResponse {
    const route = request.path.slice(SANDBOX_CONTROL_PREFIX.length)
    if (request.method === 'GET' && route === 'otps') {
      const identifier = request.query.get('identifier')?.toLowerCase()
      return { status: 200, json: inbox.filter((message) => !identifier || message.email.toLowerCase() === identifier || message.phone === identifier) }
    }
    if (request.method === 'GET' && route === 'orders') return { status: 200, json: [...state.orders.values()].map(({ orderId, fileName, status, signCount, signedBy }) => ({ orderId, fileName, status, signCount, signedBy })) }
    if (request.method === 'POST' && route === 'faults') {
      const parsed = FaultPatchSchema.safeParse(safeJson(request.body))
      if (!parsed.success) return { status: 400, json: { error: parsed.error.issues[0]?.message } }
      const { failNext, jwtLifetimeSeconds, refuseDownload, ...settings } = parsed.data
      faults.set(settings)
      if (refuseDownload) refusedDownloads.set(refuseDownload.fileName, refuseDownload.count ?? 1)
      if (failNext) faults.failNext(failNext.pathPart, failNext.kind, failNext.count)
      if (jwtLifetimeSeconds) setJwtLifetime(jwtLifetimeSeconds)
      return { status: 200, json: faults.settings() }
    }
    return { status: 404, json: { error: 'not_found' } }
  }

  function setJwtLifetime(seconds: number): void {
    jwtLifetimeSeconds = seconds
  }

  const server = await startSandboxServer({ port: options.port, handler: handle, faults, isControlPath: (path) => path.startsWith(SANDBOX_CONTROL_PREFIX) })
  return {
    server,
    gatewayUrl: `${server.url}/gateway/`,
    webViewUrl: `${server.url}${SANDBOX_WEBVIEW_PREFIX}`,
    tsaUrl: `${server.url}${TSA_PATH}`,
    addSystem: (apiKey, systemId) => void systems.set(apiKey, systemId),
    setFaults: (patch) => faults.set(patch),
    setJwtLifetime,
    otps: (identifier) => inbox.filter((message) => !identifier || message.email.toLowerCase() === identifier.toLowerCase() || message.phone === identifier),
    order: (orderId) => state.orders.get(orderId),
    close: () => server.close(),
  }
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}
