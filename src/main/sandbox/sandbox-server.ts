import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SandboxRequest {
  method: string
  /** Path without the query string. */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface SandboxResponse {
  status: number
  json?: unknown
  body?: string | Buffer
  headers?: Record<string, string>
}

export type SandboxHandler = (request: SandboxRequest) => Promise<SandboxResponse> | SandboxResponse

/**
 * What can go wrong between a client and a real provider, injectable per call:
 * - `error`: the gateway answers 503 before the service sees the request;
 * - `timeout`: nothing comes back and nothing happened (the request is held, then the socket closed);
 * - `drop`: the service *did* the work, then the connection died before the answer arrived — the
 *   case that makes naive retries sign twice.
 */
export type FaultKind = 'error' | 'timeout' | 'drop'

export interface FaultSettings {
  /** Added before every answer. */
  latencyMs: number
  /** Chance per call (0…1) of each fault. */
  errorRate: number
  timeoutRate: number
  dropRate: number
  /** How long a `timeout` fault holds the request before closing it. */
  holdMs: number
}

export const NO_FAULTS: FaultSettings = { latencyMs: 0, errorRate: 0, timeoutRate: 0, dropRate: 0, holdMs: 60_000 }

export interface FaultController {
  settings(): FaultSettings
  set(patch: Partial<FaultSettings>): void
  /** Deterministic faults for tests: the next `count` calls whose path contains `pathPart`. */
  failNext(pathPart: string, kind: FaultKind, count?: number): void
  clear(): void
}

export interface SandboxServer {
  url: string
  port: number
  faults: FaultController
  close(): Promise<void>
}

export function createFaultController(random: () => number = Math.random): FaultController & { pick(path: string): FaultKind | undefined } {
  let current = { ...NO_FAULTS }
  let scripted: { pathPart: string; kind: FaultKind; remaining: number }[] = []
  return {
    settings: () => ({ ...current }),
    set: (patch) => void (current = { ...current, ...patch }),
    failNext: (pathPart, kind, count = 1) => void scripted.push({ pathPart, kind, remaining: count }),
    clear: () => {
      current = { ...NO_FAULTS }
      scripted = []
    },
    pick(path) {
      const script = scripted.find((entry) => path.includes(entry.pathPart) && entry.remaining > 0)
      if (script) {
        script.remaining -= 1
        scripted = scripted.filter((entry) => entry.remaining > 0)
        return script.kind
      }
      if (random() < current.errorRate) return 'error'
      if (random() < current.timeoutRate) return 'timeout'
      if (random() < current.dropRate) return 'drop'
      return undefined
    },
  }
}

const MAX_BODY_BYTES = 200 * 1024 * 1024

/** A loopback HTTP server for a provider simulator, with latency and fault injection in front. */
export async function startSandboxServer(options: {
  port?: number
  host?: string
  handler: SandboxHandler
  faults?: ReturnType<typeof createFaultController>
  /** Paths that never get latency or faults: the simulator's own control endpoints. */
  isControlPath?: (path: string) => boolean
}): Promise<SandboxServer> {
  const faults = options.faults ?? createFaultController()
  const held = new Set<ServerResponse>()
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) request.destroy()
      else chunks.push(chunk)
    })
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://sandbox')
      void answer({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: request.headers, body: Buffer.concat(chunks) }, response)
    })
  })

  async function answer(request: SandboxRequest, response: ServerResponse): Promise<void> {
    const control = options.isControlPath?.(request.path) ?? false
    const { latencyMs, holdMs } = faults.settings()
    if (latencyMs > 0 && !control) await delay(latencyMs)
    const fault = control ? undefined : faults.pick(request.path)
    if (fault === 'timeout') {
      held.add(response)
      await delay(holdMs)
      held.delete(response)
      response.socket?.destroy()
      return
    }
    if (fault === 'error') return send(response, { status: 503, json: { error: 'service_unavailable', message: 'Sandbox fault injection: the gateway is unavailable.' } })
    let result: SandboxResponse
    try {
      result = await options.handler(request)
    } catch (error) {
      result = { status: 500, json: { error: 'internal', message: (error as Error).message } }
    }
    if (fault === 'drop') {
      response.socket?.destroy()
      return
    }
    send(response, result)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of held) response.socket?.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function send(response: ServerResponse, result: SandboxResponse): void {
  const body = result.json !== undefined ? JSON.stringify(result.json) : (result.body ?? '')
  const headers = { ...(result.json !== undefined ? { 'content-type': 'application/json' } : {}), ...result.headers }
  response.writeHead(result.status, headers)
  response.end(body)
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A request header's value; Node lower-cases incoming header names. */
export function requestHeader(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
