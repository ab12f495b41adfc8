import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { SOCKET_PATH, startWebHarness, type WebHarness } from '../../src/dev/web-harness'
import { createTestCore, type TestCore } from '../support/core'

/** Opens a socket to the harness and resolves with the first answer, or the refusal. */
function roundTrip(url: string, headers: Record<string, string>, message?: unknown): Promise<{ opened: boolean; answer?: unknown; status?: number }> {
  return new Promise((resolvePromise) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => (message === undefined ? resolvePromise({ opened: true }) : ws.send(JSON.stringify(message))))
    ws.on('message', (data) => {
      resolvePromise({ opened: true, answer: JSON.parse(data.toString()) })
      ws.close()
    })
    ws.on('unexpected-response', (_request, response) => resolvePromise({ opened: false, status: response.statusCode }))
    ws.on('error', () => resolvePromise({ opened: false }))
  })
}

describe('web harness (dev only)', () => {
  let testCore: TestCore
  let harness: WebHarness
  let token: string
  let socketUrl: (token: string) => string

  beforeAll(async () => {
    testCore = await createTestCore()
    harness = await startWebHarness({ rendererDir: resolve('out/renderer'), router: testCore.core.router, log: { info() {}, warn() {}, error() {} } })
    token = new URL(harness.url).searchParams.get('token') ?? ''
    socketUrl = (value) => `${harness.origin.replace('http', 'ws')}${SOCKET_PATH}?token=${encodeURIComponent(value)}`
  })
  afterAll(async () => {
    await harness.close()
    await testCore.dispose()
  })

  it('listens on loopback only, with a long random token', () => {
    expect(harness.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(token.length).toBeGreaterThanOrEqual(32)
  })

  it('routes a request from its own page to the same router the IPC glue uses', async () => {
    const result = await roundTrip(socketUrl(token), { Origin: harness.origin }, { id: 7, channel: 'teken:getSettings', request: undefined })
    expect(result.answer).toEqual({ id: 7, result: { ok: true, value: { language: 'id', environment: 'sandbox' } } })
  })

  it('validates payloads and method names like IPC does', async () => {
    const invalid = await roundTrip(socketUrl(token), { Origin: harness.origin }, { id: 1, channel: 'teken:updateSettings', request: { language: 'xx' } })
    expect(invalid.answer).toMatchObject({ id: 1, result: { ok: false, error: { code: 'INVALID_REQUEST' } } })
    const unknown = await roundTrip(socketUrl(token), { Origin: harness.origin }, { id: 2, channel: 'ipcRenderer:send', request: {} })
    expect(unknown.answer).toMatchObject({ id: 2, result: { ok: false, error: { code: 'INVALID_REQUEST' } } })
  })

  it('refuses a wrong or missing token, a foreign origin and a rebinding Host', async () => {
    expect(await roundTrip(socketUrl('wrong'), { Origin: harness.origin })).toMatchObject({ opened: false, status: 403 })
    expect(await roundTrip(socketUrl(''), { Origin: harness.origin })).toMatchObject({ opened: false, status: 403 })
    expect(await roundTrip(socketUrl(token), { Origin: 'https://evil.example' })).toMatchObject({ opened: false, status: 403 })
    expect(await roundTrip(socketUrl(token), {})).toMatchObject({ opened: false, status: 403 })
    const port = new URL(harness.origin).port
    expect(await roundTrip(socketUrl(token), { Origin: harness.origin, Host: `evil.example:${port}` })).toMatchObject({ opened: false, status: 403 })
  })

  it('serves the renderer with the strict CSP plus only its own socket', async () => {
    const response = await fetch(`${harness.origin}/`)
    expect(response.status).toBe(200)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self';")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${new URL(harness.origin).port}`)
    expect(await response.text()).toContain('<script src="/__teken/bridge.js"></script>')
    expect((await fetch(`${harness.origin}/../package.json`)).status).toBe(404)
  })
})
