import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_DEMO_SIGNERS } from '../../../src/main/sandbox/peruri/sandbox-state'
import { specimenPng } from '../pdf/sign/support'
import { CORPUS_DIR } from '../pdf/verify/reference-tools'
import { createTestCore, routerCalls, type TestCore } from '../../support/core'

const budi = SANDBOX_DEMO_SIGNERS[0].email
const parentOrigin = 'app://teken'
const registration = {
  name: 'Dewi Lestari', phone: '081298765432', email: 'dewi.lestari@contoh.co.id', ktp: '3171016505910003', ktpPhoto: specimenPng().toString('base64'), address: 'Jl. Sudirman 1',
  city: 'Jakarta Pusat', province: 'DKI Jakarta', gender: 'F', placeOfBirth: 'Bandung', dateOfBirth: '25/05/1991',
}

/** What the web view page's script does: a JSON POST to the sandbox's own API beside the page. */
async function pageCall(origin: string, route: string, body: unknown): Promise<{ resultCode: string; resultDesc: string }> {
  const response = await fetch(`${origin}/webview/api/${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  return (await response.json()) as { resultCode: string; resultDesc: string }
}

describe("Peruri's web views on the embedded sandbox, through the router of a real core", () => {
  let testCore: TestCore
  const { call, value } = routerCalls(() => testCore)

  beforeAll(async () => {
    testCore = await createTestCore()
  })
  afterAll(() => testCore.dispose())

  it('activates a registered signer on the activation web view: the certificate is issued, as after the API steps', async () => {
    await value('peruriRegister', { env: 'sandbox', registration })
    expect(await value('peruriCheckCertificate', { env: 'sandbox', email: registration.email })).toMatchObject({ issued: false })

    const view = await value<{ url: string; origin: string }>('peruriWebView', { env: 'sandbox', kind: 'activation', email: registration.email, parentOrigin })
    const { sandbox } = await testCore.core.services.sandboxHost.peruri()
    expect(view.origin).toBe(sandbox.server.url)
    const url = new URL(view.url)
    expect(url.pathname).toBe('/webview/index.php')
    expect(Object.fromEntries(url.searchParams)).toEqual({ email: registration.email, systemId: 'TEKEN-SANDBOX', parentOrigin })
    expect(testCore.core.services.peruri.isWebViewUrl(view.url)).toBe(true)
    expect(testCore.core.services.peruri.isWebViewUrl('http://127.0.0.1:1/webview/index.php')).toBe(false)

    const page = await fetch(view.url)
    expect(page.status).toBe(200)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain(`frame-ancestors ${parentOrigin}`)
    const html = await page.text()
    expect(html).toContain('<script src="/webview/webview.js" defer></script>')
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>|\son\w+=/)
    expect(html).toContain('>Aktivasi</button>')
    const script = await fetch(`${view.origin}/webview/webview.js`)
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await script.text()).toContain("window.parent.postMessage({ func: func, message: { resultCode: resultCode, resultDesc: resultDesc } }, data.parentOrigin)")

    expect(await pageCall(view.origin, 'activate', { email: registration.email, systemId: 'TEKEN-SANDBOX' })).toEqual({ resultCode: '0', resultDesc: 'Data sertifikat berhasil di-generate' })
    expect(await value('peruriCheckCertificate', { env: 'sandbox', email: registration.email })).toMatchObject({ issued: true })
    const state = JSON.parse(await readFile(join(testCore.core.services.sandboxHost.stateDir('peruri'), 'state.json'), 'utf8')) as { users: { email: string; activated: boolean; ekycPassed: boolean; activatedVia?: string }[] }
    expect(state.users.find((user) => user.email === registration.email)).toMatchObject({ activated: true, ekycPassed: true, activatedVia: 'webview' })
  })

  it('signs an order on the signing web view with the OTP the sandbox sends; the flow then goes on to download and verify', async () => {
    const { docId } = await value<{ docId: string }>('openDocumentBytes', { fileName: 'surat.pdf', base64: (await readFile(join(CORPUS_DIR, 'pdfjs-legal-size.pdf'))).toString('base64') })
    const boxes = [{ pageNumber: 1, rect: [54, 45, 229, 116], visible: true, reason: '', location: '', certificationLevel: 'NOT_CERTIFIED' }]
    const { orderId } = await value<{ orderId: string }>('peruriSendDocument', { env: 'sandbox', docId, email: budi, boxes })
    const view = await value<{ url: string; origin: string }>('peruriWebView', { env: 'sandbox', kind: 'signing', orderId, parentOrigin: 'http://127.0.0.1:4321' })
    expect(new URL(view.url).pathname).toBe('/webview/signing.php')
    expect(new URL(view.url).searchParams.get('orderId')).toBe(orderId)
    const html = await (await fetch(view.url)).text()
    expect(html).toContain('surat.pdf')
    expect(html).toContain(`data-order-id="${orderId}"`)

    // A page (or a forged message) claiming success is not taken on its word: Peruri has no signature yet.
    expect(await call('peruriWebViewSigned', { env: 'sandbox', orderId })).toMatchObject({ ok: false, error: { code: 'PERURI_ERROR' } })

    const { sandbox } = await testCore.core.services.sandboxHost.peruri()
    expect(await pageCall(view.origin, 'sign', { orderId, otp: '123456' })).toMatchObject({ resultCode: '43' })
    expect(await pageCall(view.origin, 'otp', { orderId })).toEqual({ resultCode: '0', resultDesc: `Kode OTP dikirim ke ${SANDBOX_DEMO_SIGNERS[0].phone}` })
    const code = sandbox.otps(budi).at(-1)!.otp
    expect(await pageCall(view.origin, 'sign', { orderId, otp: code === '000000' ? '111111' : '000000' })).toMatchObject({ resultCode: '40', resultDesc: expect.stringContaining('Kode OTP salah') })
    expect(sandbox.order(orderId)).toMatchObject({ status: 'WAITING', signCount: 0 })
    expect(await pageCall(view.origin, 'sign', { orderId, otp: code })).toEqual({ resultCode: '0', resultDesc: 'Success' })
    expect(sandbox.order(orderId)).toMatchObject({ status: 'SIGNED', signCount: 1, signedBy: [budi], signedVia: 'webview' })

    // A second visit to the page says the order is signed, as a failure the parent can show.
    expect(await (await fetch(view.url)).text()).toContain('data-failure-code="31"')

    expect(await value('peruriWebViewSigned', { env: 'sandbox', orderId })).toMatchObject({ orderId, complete: true, status: 'SIGNED' })
    const downloaded = await value<{ verification: { allValid: boolean; signatures: unknown[] } }>('peruriDownload', { env: 'sandbox', orderId })
    expect(downloaded.verification).toMatchObject({ allValid: true, signatures: [expect.anything()] })
  })

  it('reports failures on the page, and refuses what is not a Teken parent or a web view Teken knows', async () => {
    const view = await value<{ url: string; origin: string }>('peruriWebView', { env: 'sandbox', kind: 'activation', email: 'nobody@contoh.co.id', parentOrigin })
    const html = await (await fetch(view.url)).text()
    expect(html).toContain('data-failure-code="21"')
    expect(html).toContain('Pengguna nobody@contoh.co.id belum terdaftar')
    expect(await pageCall(view.origin, 'activate', { email: 'nobody@contoh.co.id', systemId: 'TEKEN-SANDBOX' })).toMatchObject({ resultCode: '21' })

    const withoutParent = new URL(view.url)
    withoutParent.searchParams.delete('parentOrigin')
    expect((await fetch(withoutParent)).status).toBe(400)
    withoutParent.searchParams.set('parentOrigin', 'https://evil.test')
    expect((await fetch(withoutParent)).status).toBe(400)

    expect(await call('peruriWebView', { env: 'sandbox', kind: 'activation', email: budi, parentOrigin: 'https://evil.test' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    expect(await call('peruriWebViewSigned', { env: 'sandbox', orderId: '999999' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })

    await testCore.core.services.peruri.setEnvironment({ name: 'development', baseUrl: 'https://apgdev.peruri.co.id:9044/gateway/', systemId: 'PARTNER', apiKey: 'key' })
    expect(await call('peruriWebView', { env: 'development', kind: 'activation', email: budi, parentOrigin })).toMatchObject({ ok: false, error: { code: 'PROFILE_INVALID', message: expect.stringContaining('--web-view-url') } })
    expect(await testCore.core.services.peruri.configuredWebViewOrigins()).toEqual([])
    await testCore.core.services.peruri.setEnvironment({ name: 'development', baseUrl: 'https://apgdev.peruri.co.id:9044/gateway/', systemId: 'PARTNER', apiKey: 'key', webViewBaseUrl: 'https://webview.peruri.example/ds' })
    const configured = await value<{ url: string; origin: string }>('peruriWebView', { env: 'development', kind: 'activation', email: budi, parentOrigin })
    expect(configured).toEqual({ url: `https://webview.peruri.example/ds/index.php?email=${encodeURIComponent(budi)}&systemId=PARTNER&parentOrigin=app%3A%2F%2Fteken`, origin: 'https://webview.peruri.example' })
    expect(await testCore.core.services.peruri.configuredWebViewOrigins()).toEqual(['https://webview.peruri.example'])
  })
})
