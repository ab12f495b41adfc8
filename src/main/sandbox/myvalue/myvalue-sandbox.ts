import { createHash, timingSafeEqual } from 'node:crypto'
import { systemClock, type Clock } from '../../ports/clock'
import { signMyValuePayload } from '../../providers/myvalue/payload-signature'
import { MYVALUE_DEFAULT_HEADERS } from '../../providers/myvalue/profile'
import { requestHeader, startSandboxServer, type FaultController, type SandboxRequest, type SandboxResponse } from '../sandbox-server'

/** What the workbench starts from: a path the sandbox answers, like any other. */
export const MYVALUE_SANDBOX_SAMPLE = {
  path: '/v1/partner/signature-check',
  body: JSON.stringify({ partner_reference_no: 'TKN-0001', phone_number: '6281234567890', amount: 10000 }, null, 2),
}

export interface MyValueSandboxPartner {
  clientId: string
  clientSecret: string
}

export interface MyValueSandbox {
  url: string
  port: number
  faults: FaultController
  registerPartner(partner: MyValueSandboxPartner): void
  close(): Promise<void>
}

/**
 * An embedded MyValue External API on loopback. Seed 004 documents no endpoints (they are in a
 * Postman collection Teken does not have) and no error envelope; it documents one thing, that
 * every call is authenticated by `client_id` and a SHA-256 payload signature made with the
 * `client_secret`. So this sandbox checks exactly that, on any path, the way Teken reads the seed
 * (`MYVALUE_SIGNATURE_ASSUMPTION`: HMAC-SHA256 of the body bytes, hex, in X-Signature beside
 * X-Client-Id), and says precisely what is wrong. The `{ code, message }` envelope is the sandbox's own.
 */
export async function startMyValueSandbox(options: { port?: number; clock?: Clock } = {}): Promise<MyValueSandbox> {
  const clock = options.clock ?? systemClock
  const partners = new Map<string, MyValueSandboxPartner>()

  function handle(request: SandboxRequest): SandboxResponse {
    const clientId = requestHeader(request, MYVALUE_DEFAULT_HEADERS.clientId)
    if (!clientId) return refused(401, 'MISSING_CLIENT_ID', `Missing header ${MYVALUE_DEFAULT_HEADERS.clientId}.`)
    const partner = partners.get(clientId)
    if (!partner) return refused(401, 'UNKNOWN_CLIENT', `Unknown client_id "${clientId}".`)
    const given = requestHeader(request, MYVALUE_DEFAULT_HEADERS.signature)
    if (!given) return refused(401, 'MISSING_SIGNATURE', `Missing header ${MYVALUE_DEFAULT_HEADERS.signature}.`)
    if (!/^[0-9a-fA-F]{64}$/.test(given)) return refused(401, 'INVALID_SIGNATURE_FORMAT', `${MYVALUE_DEFAULT_HEADERS.signature} must be a SHA-256 digest in hex (64 characters).`)
    const expected = signMyValuePayload(request.body, partner.clientSecret).signature
    if (!timingSafeEqual(Buffer.from(given.toLowerCase()), Buffer.from(expected))) {
      return refused(401, 'INVALID_SIGNATURE', 'Invalid signature: it is not the HMAC-SHA256 of the request body with this client’s secret.')
    }
    if (request.body.length > 0 && !isJson(request.body)) return refused(400, 'INVALID_BODY', 'The request body is not JSON.')
    return {
      status: 200,
      json: {
        code: 'SUCCESS',
        message: 'Signature valid',
        data: {
          client_id: clientId,
          method: request.method,
          path: request.path,
          body_sha256: createHash('sha256').update(request.body).digest('hex'),
          received_at: clock.now().toISOString(),
        },
      },
    }
  }

  const server = await startSandboxServer({ port: options.port, handler: handle })
  return {
    url: server.url,
    port: server.port,
    faults: server.faults,
    registerPartner: (partner) => void partners.set(partner.clientId, { ...partner }),
    close: () => server.close(),
  }
}

function refused(status: number, code: string, message: string): SandboxResponse {
  return { status, json: { code, message } }
}

function isJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'))
    return true
  } catch {
    return false
  }
}
