import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { asBasicCredentials, basicCredentialsFromVault, parseBasicAuthorization, sameCredentials, type BasicCredentials } from '../providers/simas/basic-auth'
import type { Vault } from '../vault/vault'
import { OTP_CHANNELS, type OtpInbox, type OtpMessage } from './otp-inbox'

/**
 * Seed 002 lets the client choose the webhook URL ("You free to define the URL"), so Teken picks
 * this path; it is what the operator gives SIMAS-ID together with the Basic-auth pair.
 */
export const OTP_WEBHOOK_PATH = '/otp'

/** The vault item (basic-auth) with the login SIMAS-ID uses on the webhook, unless a profile names another. */
export const DEFAULT_OTP_WEBHOOK_CREDENTIALS = 'otp-webhook'

/**
 * The webhook's Basic-auth pair from the vault. With `createIfMissing`, a first run creates it
 * (username "simas-id", a random password, unless `missingAs` gives the pair to store) so the
 * receiver never runs without authentication.
 */
export async function otpWebhookCredentials(vault: Vault, ref: string, createIfMissing: boolean, missingAs?: BasicCredentials): Promise<{ credentials: BasicCredentials; created: boolean }> {
  if (!createIfMissing) return { credentials: await basicCredentialsFromVault(vault, ref), created: false }
  const found = await vault.secretOnFirstUse({
    name: ref,
    tags: ['simas', 'otp-webhook'],
    fresh: () => ({ type: 'basic-auth', ...(missingAs ?? { username: 'simas-id', password: randomBytes(18).toString('base64url') }) }),
  })
  return { credentials: asBasicCredentials(found, ref), created: found.created }
}

/** An OTP request is a few dozen bytes; anything far larger is not SIMAS-ID. */
const MAX_BODY_BYTES = 16 * 1024

// Not strict: a field SIMAS-ID adds later must not cost a user their OTP.
const OtpWebhookBodySchema = z.object({
  identifier: z.string().trim().min(1),
  otp: z.string().trim().min(1),
  channel: z.enum(OTP_CHANNELS),
})

interface WebhookAnswer {
  status: number
  body: object
  headers?: Record<string, string>
}

/** The error body of seed 002: `{ "error": "unexpected_error", "error_description": "Something Went Wrong" }`. */
const failure = (status: number, error: string, description: string, headers?: Record<string, string>): WebhookAnswer => ({ status, body: { error, error_description: description }, headers })

/** Seed 002 gives no success body; SIMAS-ID only needs the 200. */
const RECEIVED: WebhookAnswer = { status: 200, body: { status: 'received' } }

export interface OtpWebhook {
  /** The full URL to give SIMAS-ID (with the host it listens on). */
  url: string
  port: number
  close(): Promise<void>
}

/**
 * The OTP webhook SIMAS-ID calls (seed 002): `POST /otp` with `Authorization: Basic …` and
 * `{ identifier, otp, channel }`; every accepted code goes to the inbox. Listens on 127.0.0.1
 * unless told otherwise: exposing it is the operator's explicit choice.
 */
export async function startOtpWebhook(options: { inbox: OtpInbox; credentials: BasicCredentials; port?: number; host?: string; onReceived?: (message: OtpMessage) => void }): Promise<OtpWebhook> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer((request, response) => {
    void readBody(request).then(
      (body) => send(response, answerSafely(request, body)),
      () => send(response, failure(413, 'payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`), true),
    )
  })

  function answer(request: IncomingMessage, body: Buffer): WebhookAnswer {
    const path = new URL(request.url ?? '/', 'http://webhook').pathname
    if (path !== OTP_WEBHOOK_PATH) return failure(404, 'not_found', `There is nothing at ${path}; the OTP webhook is ${OTP_WEBHOOK_PATH}.`)
    if (request.method !== 'POST') return failure(405, 'method_not_allowed', `Use POST for ${OTP_WEBHOOK_PATH}, not ${request.method}.`, { allow: 'POST' })
    if (!sameCredentials(parseBasicAuthorization(request.headers.authorization), options.credentials)) {
      return failure(401, 'unauthorized', 'Basic authentication with the webhook username and password is required.', { 'www-authenticate': 'Basic realm="teken-otp-webhook", charset="UTF-8"' })
    }
    // SIMAS-ID's contract shows no Content-Type, so a missing one is accepted; a non-JSON one is not.
    const contentType = request.headers['content-type']
    if (contentType !== undefined && !/\bjson\b/i.test(contentType)) return failure(415, 'unsupported_media_type', `The body must be JSON (application/json), not ${contentType}.`)
    let json: unknown
    try {
      json = JSON.parse(body.toString('utf8'))
    } catch {
      return failure(400, 'invalid_request', 'The body is not valid JSON.')
    }
    const parsed = OtpWebhookBodySchema.safeParse(json)
    if (!parsed.success) return failure(400, 'invalid_request', describeIssue(parsed.error.issues[0]))
    const message = options.inbox.deliver({ ...parsed.data, source: `webhook ${request.socket.remoteAddress ?? ''}`.trim() })
    options.onReceived?.(message)
    return RECEIVED
  }

  function answerSafely(request: IncomingMessage, body: Buffer): WebhookAnswer {
    try {
      return answer(request, body)
    } catch {
      return failure(500, 'unexpected_error', 'Something Went Wrong')
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${OTP_WEBHOOK_PATH}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  const field = issue?.path.join('.')
  if (!field) return 'The body must be a JSON object with identifier, otp and channel.'
  if (issue?.code === 'invalid_value') return `"${field}" must be one of ${OTP_CHANNELS.join(', ')}.`
  return `"${field}" is required and must be a non-empty string.`
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data')
        request.resume()
        reject(new Error('body too large'))
      } else chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

function send(response: ServerResponse, answer: WebhookAnswer, closeConnection = false): void {
  response.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(closeConnection ? { connection: 'close' } : {}), ...answer.headers })
  response.end(JSON.stringify(answer.body))
}
