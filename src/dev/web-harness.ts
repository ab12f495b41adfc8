import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { build } from 'esbuild'
import { WebSocketServer, type RawData } from 'ws'
import type { Router } from '../main/core/router'
import type { Logger } from '../main/ports/logger'
import { serveAppAsset } from '../main/security/app-assets'
import { buildContentSecurityPolicy, webViewFrameSources } from '../main/security/csp'

/**
 * Dev/test only, never packaged: serves the built renderer to a normal browser on loopback and
 * routes `window.teken` calls over a WebSocket into the same `Router` the Electron IPC glue uses.
 * The socket only accepts this page's origin with the per-run token, so other local pages and
 * processes cannot drive main's services.
 */
export interface WebHarness {
  readonly origin: string
  /** Open this in a browser; it carries the token. */
  readonly url: string
  close(): Promise<void>
}

export const BRIDGE_PATH = '/__teken/bridge.js'
export const SOCKET_PATH = '/__teken/ws'
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

async function bundleBridge(): Promise<string> {
  const result = await build({ entryPoints: [join(__dirname, 'web-bridge.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', write: false, logLevel: 'silent' })
  const [output] = result.outputFiles
  if (!output) throw new Error('esbuild produced no web bridge bundle')
  return output.text
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export async function startWebHarness(options: { rendererDir: string; router: Router; log: Logger; port?: number }): Promise<WebHarness> {
  const token = randomBytes(24).toString('base64url')
  const bridge = await bundleBridge()
  const indexHtml = await readFile(join(options.rendererDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`No built renderer in ${options.rendererDir}: run npm run build first.`)
  })
  let origin = ''
  let csp = ''

  // Requests must name this server exactly, which defeats DNS-rebinding pages that resolve to 127.0.0.1.
  const hostIsOurs = (request: IncomingMessage) => `http://${request.headers.host}` === origin

  const server = createServer((request, response) => {
    void (async () => {
      if (!hostIsOurs(request) || request.method !== 'GET') {
        response.writeHead(403).end('Forbidden')
        return
      }
      const path = new URL(request.url ?? '/', origin).pathname
      const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }
      if (path === BRIDGE_PATH) {
        response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' }).end(bridge)
      } else if (path === '/' || path === '/index.html') {
        // The bridge is a classic script ahead of the deferred app module, so window.teken exists first.
        const html = indexHtml.replace('<script', `<script src="${BRIDGE_PATH}"></script>\n    <script`)
        response.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(html)
      } else {
        const asset = await serveAppAsset(options.rendererDir, path, csp)
        response.writeHead(asset.status, { ...asset.headers, 'Cache-Control': 'no-store' }).end(asset.body)
      }
    })().catch((error: unknown) => {
      options.log.error('web harness request failed', error)
      response.writeHead(500).end('Internal error')
    })
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin)
    const allowed =
      hostIsOurs(request) && request.headers.origin === origin && url.pathname === SOCKET_PATH && sameSecret(url.searchParams.get('token') ?? '', token)
    if (!allowed) {
      options.log.warn(`web harness refused a WebSocket from origin ${request.headers.origin ?? '(none)'}`)
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.on('message', (data: RawData) => {
        void (async () => {
          let message: { id?: unknown; channel?: unknown; request?: unknown }
          try {
            message = JSON.parse(data.toString()) as typeof message
          } catch {
            ws.close(1003, 'not JSON')
            return
          }
          const channel = typeof message.channel === 'string' ? message.channel : ''
          const method = channel.startsWith('teken:') ? channel.slice('teken:'.length) : ''
          const result = await options.router.dispatch(method, message.request)
          ws.send(JSON.stringify({ id: message.id, result }))
        })()
      })
    })
  })

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  origin = `http://127.0.0.1:${port}`
  // Frames: Peruri's web views, as in the app (the embedded sandbox is on loopback).
  csp = buildContentSecurityPolicy([`ws://127.0.0.1:${port}`], webViewFrameSources())

  return {
    origin,
    url: `${origin}/?token=${token}`,
    async close() {
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
