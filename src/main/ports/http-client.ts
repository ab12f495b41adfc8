import { TekenError } from '../../shared/errors'

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  headers?: Record<string, string>
  /** Sent byte for byte: signatures are computed over exactly this. */
  body?: string | Uint8Array
  timeoutMs?: number
}

export interface HttpResponse {
  status: number
  /** Lower-case header names. */
  headers: Record<string, string>
  body: Buffer
}

/** Provider HTTP, as a port so domain code runs against loopback sandboxes or fakes in tests. */
export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>
}

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000

/**
 * Node's fetch. Failures become TekenErrors that name the host (never the path or query, which
 * may carry ids): `PROVIDER_TIMEOUT` when no answer came in time, `PROVIDER_UNREACHABLE` otherwise.
 */
export function createFetchHttpClient(defaultTimeoutMs = DEFAULT_HTTP_TIMEOUT_MS): HttpClient {
  return {
    async send(request) {
      const timeoutMs = request.timeoutMs ?? defaultTimeoutMs
      const host = new URL(request.url).host
      let response: Response
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: typeof request.body === 'string' ? request.body : request.body ? new Uint8Array(request.body) : undefined,
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        })
        const body = Buffer.from(await response.arrayBuffer())
        return { status: response.status, headers: Object.fromEntries(response.headers), body }
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') throw new TekenError('PROVIDER_TIMEOUT', `${host} did not answer within ${timeoutMs / 1000} s.`, { host })
        const cause = (error as { cause?: { code?: string; message?: string } }).cause
        throw new TekenError('PROVIDER_UNREACHABLE', `${host} could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message}).`, { host })
      }
    },
  }
}

/** Parses a JSON answer, or says plainly that the provider sent something else. */
export function parseJsonBody(response: HttpResponse, provider: string): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'))
  } catch {
    throw new TekenError('PROVIDER_BAD_RESPONSE', `${provider} answered HTTP ${response.status} with a body that is not JSON.`, { provider, status: String(response.status) })
  }
}
