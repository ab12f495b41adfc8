import { describe, expect, it } from 'vitest'
import { checkWebViewMessage, isTekenParentOrigin } from '../../../src/shared/peruri-webview'

const origin = 'https://webview.peruri.example'
const frameWindow = { name: 'the framed web view' }
const expected = { origin, source: frameWindow, kind: 'signing' as const }
const success = { func: 'signing', message: { resultCode: '0', resultDesc: 'Success' } }

describe("Peruri web view messages (seed 003's callback)", () => {
  it('accepts the documented callback from exactly the expected origin and the frame itself', () => {
    expect(checkWebViewMessage({ origin, source: frameWindow, data: success }, expected)).toEqual({ accepted: true, result: { ok: true, resultCode: '0', resultDesc: 'Success' } })
    const activation = { func: 'generateCertificate', message: { resultCode: '0', resultDesc: 'Data sertifikat berhasil di-generate' } }
    expect(checkWebViewMessage({ origin, source: frameWindow, data: activation }, { ...expected, kind: 'activation' })).toMatchObject({ accepted: true, result: { ok: true } })
  })

  it('ignores any other origin, however close', () => {
    for (const other of ['https://webview.peruri.example:443x', 'http://webview.peruri.example', 'https://webview.peruri.example.evil.test', 'https://evil.test', 'null', 'app://teken', `${origin}/`]) {
      expect(checkWebViewMessage({ origin: other, source: frameWindow, data: success }, expected), other).toEqual({ accepted: false, reason: 'origin' })
    }
  })

  it('ignores the right origin from another window (another frame, the page itself) and a frame that is gone', () => {
    expect(checkWebViewMessage({ origin, source: { name: 'another frame' }, data: success }, expected)).toEqual({ accepted: false, reason: 'source' })
    expect(checkWebViewMessage({ origin, source: null, data: success }, expected)).toEqual({ accepted: false, reason: 'source' })
    expect(checkWebViewMessage({ origin, source: null, data: success }, { ...expected, source: null })).toEqual({ accepted: false, reason: 'source' })
  })

  it('ignores malformed data and the other web view func', () => {
    const malformed: unknown[] = [
      'Success',
      null,
      { resultCode: '0', resultDesc: 'Success' },
      { func: 'signing' },
      { func: 'signing', message: { resultCode: 0, resultDesc: 'Success' } },
      { func: 'signing', message: { resultCode: '0' } },
      { func: 'signing', message: { resultCode: '0', resultDesc: 'Success', extra: true } },
      { func: 'signing', message: { resultCode: '123456', resultDesc: 'too long a code' } },
      { func: 'signing', message: 'not json' },
      { ...success, extra: 'field' },
    ]
    for (const data of malformed) expect(checkWebViewMessage({ origin, source: frameWindow, data }, expected), JSON.stringify(data)).toEqual({ accepted: false, reason: 'shape' })
    expect(checkWebViewMessage({ origin, source: frameWindow, data: { ...success, func: 'generateCertificate' } }, expected)).toEqual({ accepted: false, reason: 'func' })
  })

  it('reads a message posted as JSON text, and a resultCode other than "0" as a failure with its reason', () => {
    const asText = { func: 'signing', message: JSON.stringify({ resultCode: '0', resultDesc: 'Success' }) }
    expect(checkWebViewMessage({ origin, source: frameWindow, data: asText }, expected)).toMatchObject({ accepted: true, result: { ok: true } })
    const failed = { func: 'signing', message: { resultCode: '40', resultDesc: 'Kode OTP salah (sisa 2 percobaan)' } }
    expect(checkWebViewMessage({ origin, source: frameWindow, data: failed }, expected)).toEqual({ accepted: true, result: { ok: false, resultCode: '40', resultDesc: 'Kode OTP salah (sisa 2 percobaan)' } })
  })

  it("knows Teken's own window origins, and nothing else", () => {
    for (const good of ['app://teken', 'http://127.0.0.1:5173', 'http://localhost:8080']) expect(isTekenParentOrigin(good), good).toBe(true)
    for (const bad of ['app://teken/', 'app://tekenx', 'https://evil.test', 'http://127.0.0.1', 'http://127.0.0.1:80\r\nX: y', '*']) expect(isTekenParentOrigin(bad), bad).toBe(false)
  })
})
