import { resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_DEMO_SIGNERS } from '../../src/main/sandbox/peruri/sandbox-state'
import { specimenPng } from '../unit/pdf/sign/support'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'

const corpus = (name: string) => resolve('../shared/corpus/pdf', name)
const budi = SANDBOX_DEMO_SIGNERS[0].email
const forged = { func: 'signing', message: { resultCode: '0', resultDesc: 'Success' } }

describe("Peruri's web views in Chromium, framed from the embedded sandbox", () => {
  let app: BrowserApp
  let page: Page
  let consoleProblems: string[]

  beforeAll(async () => {
    app = await startBrowserApp()
  })
  afterAll(() => app?.close())
  beforeEach(async () => {
    ;({ page, consoleProblems } = await app.openPage({ viewport: { width: 1400, height: 1000 } }))
    await page.getByRole('heading', { level: 1, name: 'Dokumen' }).waitFor()
  })

  it('signs a document on the signing web view, ignores forged messages, and ends with the same verified result', async () => {
    await page.getByTestId('pdf-drop').locator('input[type=file]').setInputFiles(corpus('pdfjs-legal-size.pdf'))
    await page.getByTestId('placement-layer-1').waitFor()
    await page.getByRole('button', { name: 'Tambah kotak di halaman 1' }).click()
    const panel = page.getByTestId('peruri-sign')
    await panel.getByLabel('Email penanda tangan').fill(budi)
    await panel.getByRole('button', { name: 'Kirim 1 kotak ke Peruri' }).click()
    await panel.getByText(`Kode OTP dikirim ke ${SANDBOX_DEMO_SIGNERS[0].phone} (${budi}).`).waitFor()
    const orderId = /Order (\d+)/.exec((await panel.getByTestId('peruri-flow').textContent()) ?? '')?.[1]

    await panel.getByRole('button', { name: 'Tanda tangani lewat web view Peruri' }).click()
    const webView = panel.getByTestId('peruri-webview-signing')
    const frameElement = webView.locator('iframe')
    await frameElement.waitFor()
    expect(await frameElement.getAttribute('sandbox')).toBe('allow-scripts allow-same-origin allow-forms')
    const src = new URL((await frameElement.getAttribute('src'))!)
    const { sandbox } = await app.testCore.core.services.sandboxHost.peruri()
    expect(src.origin).toBe(sandbox.server.url)
    expect(src.searchParams.get('parentOrigin')).toBe(app.harness.origin)
    const frame = webView.frameLocator('iframe')
    await frame.getByRole('heading', { name: 'Tanda tangan dokumen' }).waitFor()
    await frame.getByText('pdfjs-legal-size.pdf').waitFor()

    // Forged successes: one from the app's own page, one from another frame of the web view's very origin.
    await page.evaluate((message) => window.postMessage(message, '*'), forged)
    await page.evaluate((url) => {
      const other = document.createElement('iframe')
      other.id = 'forger'
      other.src = url
      document.body.append(other)
    }, `${sandbox.server.url}/webview/webview.js`)
    await expect.poll(() => page.frames().some((candidate) => candidate.url().endsWith('/webview/webview.js'))).toBe(true)
    const forger = page.frames().find((candidate) => candidate.url().endsWith('/webview/webview.js'))!
    await forger.waitForLoadState()
    await forger.evaluate((message) => window.parent.postMessage(message, '*'), forged)
    await expect.poll(() => webView.getAttribute('data-ignored-messages')).toBe('2')
    await page.evaluate(() => document.getElementById('forger')?.remove())
    // Nothing moved: the order is unsigned, the frame still open.
    expect(sandbox.order(orderId!)).toMatchObject({ status: 'WAITING', signCount: 0 })
    await expect(panel.getByTestId('peruri-status').textContent()).resolves.not.toContain('Dokumen sudah ditandatangani')
    await expect(frameElement.isVisible()).resolves.toBe(true)

    // The page asks the sandbox for its own OTP; the in-app sandbox inbox shows it.
    await frame.getByRole('button', { name: 'Kirim OTP' }).click()
    await frame.getByText(`Kode OTP dikirim ke ${SANDBOX_DEMO_SIGNERS[0].phone}`).waitFor()
    const inbox = panel.getByTestId('sandbox-otp-inbox')
    await inbox.getByRole('button', { name: 'Muat ulang kotak masuk' }).click()
    const code = sandbox.otps(budi).at(-1)!.otp
    await inbox.getByTestId('sandbox-otp').first().getByText(code).waitFor()
    await frame.getByLabel('Kode OTP').fill(code)
    await frame.getByRole('button', { name: 'Tanda tangani' }).click()

    // The page's answer counts as the Signing API's: status, then download and verify as usual.
    await panel.getByTestId('peruri-status').getByText('Dokumen sudah ditandatangani').waitFor()
    await expect(frameElement.count()).resolves.toBe(0)
    expect(sandbox.order(orderId!)).toMatchObject({ status: 'SIGNED', signCount: 1, signedVia: 'webview' })
    await panel.getByRole('button', { name: 'Unduh dokumen bertanda tangan' }).click()
    const report = panel.getByTestId('peruri-verification-report')
    await report.getByText('Semua 1 tanda tangan utuh.').waitFor()
    await expect(report.textContent()).resolves.toMatch(/Budi Santoso — utuh/)
    expect(consoleProblems).toEqual([])
  })

  it("shows the activation web view's failure in Peruri's words", async () => {
    await page.keyboard.press('Alt+4')
    await page.getByRole('heading', { level: 1, name: 'Penyedia' }).waitFor()
    const steps = page.getByTestId('peruri-onboarding')
    await steps.getByLabel('Email penanda tangan').fill('belum.terdaftar@contoh.co.id')
    await steps.getByRole('button', { name: 'Aktivasi lewat web view Peruri' }).click()
    await steps.getByTestId('peruri-webview-activation').frameLocator('iframe').getByRole('heading', { name: 'Aktivasi akun Peruri' }).waitFor()
    const toast = page.getByRole('alert').filter({ hasText: 'Peruri menolak permintaan ini.' })
    await toast.waitFor()
    await expect(toast.textContent()).resolves.toContain('Pengguna belum.terdaftar@contoh.co.id belum terdaftar (resultCode 21)')
    expect(consoleProblems).toEqual([])
  })

  it('activates a registered signer on the activation web view, then shows the certificate as issued', async () => {
    const email = 'dewi.lestari@contoh.co.id'
    const registration = {
      name: 'Dewi Lestari', phone: '081298765432', email, ktp: '3171016505910003', ktpPhoto: specimenPng().toString('base64'), address: 'Jl. Sudirman 1',
      city: 'Jakarta Pusat', province: 'DKI Jakarta', gender: 'F', placeOfBirth: 'Bandung', dateOfBirth: '25/05/1991',
    }
    expect(await app.testCore.core.router.dispatch('peruriRegister', { env: 'sandbox', registration })).toMatchObject({ ok: true })
    await page.keyboard.press('Alt+4')
    await page.getByRole('heading', { level: 1, name: 'Penyedia' }).waitFor()
    const steps = page.getByTestId('peruri-onboarding')
    await steps.getByLabel('Email penanda tangan').fill(email)
    await steps.getByRole('button', { name: 'Aktivasi lewat web view Peruri' }).click()
    const frame = steps.getByTestId('peruri-webview-activation').frameLocator('iframe')
    await frame.getByText('Sertifikat belum terbit.').waitFor()
    await frame.getByRole('button', { name: 'Aktivasi', exact: true }).click()
    await steps.getByRole('heading', { name: /Aktivasi ✓ Selesai/ }).waitFor()
    await steps.getByTestId('peruri-certificate').getByText('Sertifikat sudah terbit', { exact: false }).waitFor()
    await expect(steps.getByTestId('peruri-webview-activation').locator('iframe').count()).resolves.toBe(0)
    expect(consoleProblems).toEqual([])
  })
})
