import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_DEMO_SIGNERS } from '../../src/main/sandbox/peruri/sandbox-state'
import { specimenPng } from '../unit/pdf/sign/support'
import { pdfsig } from '../unit/pdf/verify/reference-tools'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'
import type { TestCore } from '../support/core'

const corpus = (name: string) => resolve('../shared/corpus/pdf', name)
const budi = SANDBOX_DEMO_SIGNERS[0].email
// The smallest MP4 a camera could hand over: the sandbox looks for the ftyp box at offset 4.
const tinyMp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(12)])

async function coordinates(page: Page): Promise<number[]> {
  return Promise.all(['llx', 'lly', 'urx', 'ury'].map(async (corner) => Number(await page.getByTestId(`coord-${corner}`).inputValue())))
}

/** The rectangles of the signature widgets on page 1, as pdf.js reads them. */
async function signatureRects(path: string): Promise<number[][]> {
  // verbosity 0: the annotations need no fonts, so pdf.js's font warnings are noise here.
  const pdf = await getDocument({ data: new Uint8Array(await readFile(path)), verbosity: 0 }).promise
  const annotations = (await (await pdf.getPage(1)).getAnnotations()) as { fieldType?: string; rect: number[] }[]
  return annotations.filter((annotation) => annotation.fieldType === 'Sig').map((annotation) => annotation.rect)
}

describe('Peruri in Chromium, on the embedded sandbox', () => {
  let app: BrowserApp
  let testCore: TestCore
  let page: Page
  let consoleProblems: string[]
  let framesToPage: string[]

  beforeAll(async () => {
    app = await startBrowserApp()
    testCore = app.testCore
  })
  afterAll(() => app?.close())
  beforeEach(async () => {
    ;({ page, consoleProblems, framesToPage } = await app.openPage({ viewport: { width: 1400, height: 900 } }))
    await page.getByRole('heading', { level: 1, name: 'Dokumen' }).waitFor()
  })

  /** Opens a corpus PDF, adds the keyboard's default box on page 1 and sends it for Budi; resolves with the box. */
  async function sendForBudi(file: string): Promise<number[]> {
    await page.getByTestId('pdf-drop').locator('input[type=file]').setInputFiles(corpus(file))
    await page.getByTestId('placement-layer-1').waitFor()
    await page.getByRole('button', { name: 'Tambah kotak di halaman 1' }).click()
    const box = await coordinates(page)
    const panel = page.getByTestId('peruri-sign')
    // The app's environment switch says Sandbox, so the embedded sandbox is chosen.
    await expect(panel.getByLabel('Lingkungan Peruri').locator('option:checked').textContent()).resolves.toBe('Sandbox bawaan')
    await panel.getByLabel('Email penanda tangan').fill(budi)
    await panel.getByRole('button', { name: 'Kirim 1 kotak ke Peruri' }).click()
    await panel.getByText(`Kode OTP dikirim ke ${SANDBOX_DEMO_SIGNERS[0].phone} (${budi}).`).waitFor()
    await expect(panel.getByRole('button', { name: /^Kirim ulang dalam \d+ dtk$/ }).isDisabled()).resolves.toBe(true)
    return box
  }

  const latestCode = async () => (await page.getByTestId('sandbox-otp-inbox').getByTestId('sandbox-otp').first().textContent())!

  it('signs a real PDF as Budi: OTP from the in-app sandbox inbox, download, verify report, save; pdfsig agrees', async () => {
    const file = 'pdfjs-tracemonkey-14pages-annotations.pdf'
    const box = await sendForBudi(file)
    const panel = page.getByTestId('peruri-sign')
    const code = await latestCode()
    expect(code).toMatch(/^\d{6}$/)
    await panel.getByLabel('Kode OTP').fill(code)
    await panel.getByRole('button', { name: 'Tanda tangani', exact: true }).click()
    await panel.getByTestId('peruri-status').getByText('Dokumen sudah ditandatangani').waitFor()

    await panel.getByRole('button', { name: 'Unduh dokumen bertanda tangan' }).click()
    const report = panel.getByTestId('peruri-verification-report')
    await report.getByText('Semua 1 tanda tangan utuh.').waitFor()
    await expect(report.textContent()).resolves.toMatch(/Budi Santoso — utuh/)
    await panel.getByRole('button', { name: 'Simpan dokumen bertanda tangan…' }).click()
    const saved = join(testCore.dataDir, 'exports', 'pdfjs-tracemonkey-14pages-annotations-signed.pdf')
    await page.getByRole('status').filter({ hasText: `Disimpan: ${saved}` }).waitFor()

    const signatures = pdfsig(saved)
    expect(signatures.map((signature) => [signature.commonName, signature.validation])).toEqual([['Budi Santoso', 'Signature is Valid.']])
    // Peruri takes whole points, so each edge may move by half a point at most.
    const [rect] = await signatureRects(saved)
    rect!.forEach((value, index) => expect(Math.abs(value - box[index]!)).toBeLessThanOrEqual(0.5))
    const original = await readFile(corpus(file))
    expect((await readFile(saved)).subarray(0, original.length).equals(original)).toBe(true)
    expect((await testCore.core.services.audit.list(1))[0]).toMatchObject({ action: 'peruri.document-signed', subject: file, details: { environment: 'sandbox', signers: budi } })

    // The signed copy opens in the viewer, and the local report agrees.
    await panel.getByRole('button', { name: 'Tampilkan dokumen bertanda tangan' }).click()
    await page.getByTestId('pdf-drop').getByText('pdfjs-tracemonkey-14pages-annotations-signed.pdf', { exact: false }).waitFor()
    await page.getByRole('button', { name: 'Periksa tanda tangan' }).click()
    await page.getByTestId('verification-report').getByText('Semua 1 tanda tangan utuh.').waitFor()

    // The OTP token stayed in main: no frame sent to the page carries it.
    expect(framesToPage.some((frame) => frame.includes('"token"'))).toBe(false)
    expect(consoleProblems).toEqual([])
  })

  it("shows Peruri's own text for a wrong OTP, keeps the prompt, then signs with the right code", async () => {
    await sendForBudi('pdfjs-legal-size.pdf')
    const panel = page.getByTestId('peruri-sign')
    const code = await latestCode()
    await panel.getByLabel('Kode OTP').fill(code === '000000' ? '111111' : '000000')
    await panel.getByRole('button', { name: 'Tanda tangani', exact: true }).click()
    const toast = page.getByRole('alert').filter({ hasText: 'Kode OTP salah.' })
    await toast.waitFor()
    await expect(toast.textContent()).resolves.toMatch(/Kode OTP salah \(sisa 2 percobaan\)/)

    await panel.getByTestId('sandbox-otp-inbox').getByRole('button', { name: 'Pakai kode ini' }).first().click()
    await expect(panel.getByLabel('Kode OTP').inputValue()).resolves.toBe(code)
    await panel.getByLabel('Kode OTP').press('Enter')
    await panel.getByTestId('peruri-status').getByText('Dokumen sudah ditandatangani').waitFor()
    expect(consoleProblems).toEqual([])
  })

  it('sends a tier to two signers in order, shows whose turn it is, and each signs their own box', async () => {
    const siti = SANDBOX_DEMO_SIGNERS[1].email
    await page.getByTestId('pdf-drop').locator('input[type=file]').setInputFiles(corpus('pdfjs-legal-size.pdf'))
    await page.getByTestId('placement-layer-1').waitFor()
    await page.getByRole('button', { name: 'Tambah kotak di halaman 1' }).click()
    const budiBox = await coordinates(page)
    await page.getByLabel('Nama penanda tangan baru').fill('Siti')
    await page.getByRole('button', { name: 'Tambah', exact: true }).click()
    await page.getByRole('button', { name: 'Tambah kotak di halaman 1' }).click()
    await page.getByTestId('coord-ury').fill('150')
    await page.getByTestId('coord-lly').fill('100')
    const sitiBox = await coordinates(page)

    const panel = page.getByTestId('peruri-sign')
    await panel.getByLabel('Berjenjang').check()
    await panel.getByLabel('Email pengunggah').fill(budi)
    await panel.getByLabel('1. Penanda tangan 1 (1 kotak): email').fill(budi)
    await panel.getByLabel('2. Siti (1 kotak): email').fill(siti)
    await panel.getByRole('button', { name: 'Kirim ke 2 penanda tangan' }).click()
    const status = panel.getByTestId('peruri-status')
    await status.getByText(`${budi} — gilirannya sekarang`).waitFor()
    await status.getByText(`${siti} — menunggu`).waitFor()

    await panel.getByLabel('Kode OTP').fill(await latestCode())
    await panel.getByRole('button', { name: 'Tanda tangani', exact: true }).click()
    await status.getByText(`${budi} — sudah menandatangani`).waitFor()
    await status.getByText(`${siti} — gilirannya sekarang`).waitFor()
    await panel.getByRole('button', { name: `Minta kode OTP untuk ${siti}` }).click()
    await panel.getByText(`Kode OTP dikirim ke ${SANDBOX_DEMO_SIGNERS[1].phone} (${siti}).`).waitFor()
    await panel.getByLabel('Kode OTP').fill(await latestCode())
    await panel.getByRole('button', { name: 'Tanda tangani', exact: true }).click()
    await status.getByText('Dokumen sudah ditandatangani').waitFor()

    await panel.getByRole('button', { name: 'Unduh dokumen bertanda tangan' }).click()
    await panel.getByTestId('peruri-verification-report').getByText('Semua 2 tanda tangan utuh.').waitFor()
    await panel.getByRole('button', { name: 'Simpan dokumen bertanda tangan…' }).click()
    const saved = join(testCore.dataDir, 'exports', 'pdfjs-legal-size-signed.pdf')
    await page.getByRole('status').filter({ hasText: `Disimpan: ${saved}` }).waitFor()
    expect(pdfsig(saved).map((signature) => [signature.commonName, signature.validation])).toEqual([
      ['Budi Santoso', 'Signature is Valid.'],
      ['Siti Rahmawati', 'Signature is Valid.'],
    ])
    const rects = await signatureRects(saved)
    for (const [index, box] of [budiBox, sitiBox].entries()) rects[index]!.forEach((value, corner) => expect(Math.abs(value - box[corner]!)).toBeLessThanOrEqual(0.5))
    expect(consoleProblems).toEqual([])
  })

  it('onboards a new signer from the Providers screen until the certificate is issued', async () => {
    await page.keyboard.press('Alt+4')
    await page.getByRole('heading', { level: 1, name: 'Penyedia' }).waitFor()
    const form = page.getByTestId('peruri-registration')
    const email = 'dewi.lestari@contoh.co.id'
    await form.getByLabel('Nama lengkap (sesuai KTP)').fill('Dewi Lestari')
    await form.getByLabel('Email', { exact: true }).fill(email)
    await form.getByLabel('Nomor HP').fill('081298765432')
    await form.getByLabel('NIK (16 digit)').fill('3171016505910003')
    await form.getByLabel('Jenis kelamin').selectOption('F')
    await form.getByLabel('Tempat lahir').fill('Bandung')
    await form.getByLabel('Tanggal lahir').fill('1991-05-25')
    await form.getByLabel('Alamat').fill('Jl. Sudirman 1')
    await form.getByLabel('Kota/kabupaten').fill('Jakarta Pusat')
    await form.getByLabel('Provinsi').fill('DKI Jakarta')
    await form.getByTestId('ktp-photo').locator('input[type=file]').setInputFiles({ name: 'ktp.png', mimeType: 'image/png', buffer: specimenPng() })
    await form.getByRole('button', { name: 'Daftarkan' }).click()
    await page.getByRole('heading', { name: /Pendaftaran penanda tangan ✓ Selesai/ }).waitFor()

    const steps = page.getByTestId('peruri-onboarding')
    await expect(steps.getByLabel('Email penanda tangan').inputValue()).resolves.toBe(email)
    await steps.getByRole('button', { name: 'Aktivasi akun' }).click()
    await steps.getByRole('heading', { name: /Aktivasi ✓ Selesai/ }).waitFor()
    // Before e-KYC, Peruri says which step is missing, in its own words.
    await steps.getByRole('button', { name: 'Periksa sertifikat' }).click()
    await steps.getByTestId('peruri-certificate').getByText(`Sertifikat belum terbit — E-KYC ${email} belum dilakukan`).waitFor()

    await steps.getByTestId('ekyc-video').locator('input[type=file]').setInputFiles({ name: 'wajah.mp4', mimeType: 'video/mp4', buffer: tinyMp4 })
    await steps.getByRole('button', { name: 'Kirim video' }).click()
    await steps.getByRole('heading', { name: /E-KYC video ✓ Selesai/ }).waitFor()

    // The speciment is drawn on the canvas with the mouse.
    const pad = (await steps.getByRole('img', { name: 'Area gambar tanda tangan' }).boundingBox())!
    await page.mouse.move(pad.x + 40, pad.y + 100)
    await page.mouse.down()
    await page.mouse.move(pad.x + 200, pad.y + 40, { steps: 8 })
    await page.mouse.move(pad.x + 360, pad.y + 110, { steps: 8 })
    await page.mouse.up()
    await steps.getByRole('button', { name: 'Kirim spesimen' }).click()
    await steps.getByRole('heading', { name: /Spesimen tanda tangan ✓ Selesai/ }).waitFor()

    await steps.getByRole('button', { name: 'Periksa sertifikat' }).click()
    await steps.getByTestId('peruri-certificate').getByText('Sertifikat terbit — Sertifikat sudah terbit').waitFor()
    // What the sandbox holds: the drawn speciment as a PNG, and a certificate for Dewi.
    const state = JSON.parse(await readFile(join(testCore.dataDir, 'sandbox', 'peruri', 'state.json'), 'utf8')) as { users: { email: string; speciment?: string; identity?: object }[] }
    const dewi = state.users.find((user) => user.email === email)!
    expect(Buffer.from(dewi.speciment!, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(dewi.identity).toBeDefined()
    expect(consoleProblems).toEqual([])
  })
})
