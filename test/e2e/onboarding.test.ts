import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createFetchHttpClient } from '../../src/main/ports/http-client'
import { basicCredentialsFromVault } from '../../src/main/providers/simas/basic-auth'
import { createSimasKycClient } from '../../src/main/providers/simas/kyc-client'
import { SANDBOX_KYC_PHONE, SANDBOX_SIMAS_KYC_ITEM } from '../../src/main/sandbox/sandbox-host'
import { SANDBOX_DEMO_SIGNERS } from '../../src/main/sandbox/peruri/sandbox-state'
import { startSimasSandbox } from '../../src/main/sandbox/simas/simas-sandbox'
import { specimenPng } from '../unit/pdf/sign/support'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'
import type { TestCore } from '../support/core'

const corpus = (name: string) => resolve('../shared/corpus/pdf', name)
const budi = SANDBOX_DEMO_SIGNERS[0]
/** Today in WIB, as main dates a step. */
const wibToday = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10)

describe('Onboarding, the OTP webhook and KYC pre-fill in Chromium', () => {
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

  const nav = (label: string) => page.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('button', { name: new RegExp(`^${label}`) })

  async function openOvoOnboarding() {
    await nav('API mitra').click()
    await page.getByRole('tab', { name: 'Onboarding OVO' }).click()
    return page.getByTestId('ovo-onboarding')
  }

  it('keeps an OVO checklist: add a partner, advance a step, link a vault key, and it is all there after a reload', async () => {
    await testCore.core.router.dispatch('generateKey', { name: 'ovo-staging-key', bits: 2048, tags: ['ovo'] })
    let onboarding = await openOvoOnboarding()
    await onboarding.getByText('Belum ada mitra OVO.', { exact: false }).waitFor()
    await onboarding.getByLabel('Mitra baru').fill('Toko Maju')
    await onboarding.getByRole('button', { name: 'Tambah mitra' }).click()
    await expect(onboarding.getByRole('combobox', { name: /^Mitra/ }).locator('option:checked').textContent()).resolves.toBe('Toko Maju')

    // Seed 000's five steps, in its own words.
    await expect(onboarding.locator('.ovo-step h3').allTextContents()).resolves.toEqual([
      'Registration Credential in Staging Requirement',
      'BI Submission Testing',
      'UAT Testing',
      'Review UAT',
      'Registration Credential in Production Requirement',
    ])
    let staging = onboarding.getByTestId('ovo-step-staging-registration')
    await staging.getByText('Mendaftarkan mitra di lingkungan staging BE OVO.').waitFor()
    await staging.getByLabel('Status').selectOption('in-progress')
    await expect.poll(() => staging.getByRole('textbox', { name: 'Mulai', exact: true }).inputValue()).toBe(wibToday())
    await staging.getByLabel('Catatan').fill('id_rsa.pub.pem dikirim ke tim PIS')
    await staging.getByLabel('Catatan').blur()
    await staging.getByLabel('Tautkan item vault').selectOption({ label: 'ovo-staging-key (private-key)' })
    await staging.getByRole('button', { name: 'Tautkan', exact: true }).click()
    await staging.getByRole('button', { name: 'ovo-staging-key', exact: true }).waitFor()
    await onboarding.getByLabel('Nama mitra').fill('Toko Maju Jaya')
    await onboarding.getByRole('button', { name: 'Ganti nama' }).click()
    await expect.poll(() => onboarding.getByRole('combobox', { name: /^Mitra/ }).locator('option:checked').textContent()).toBe('Toko Maju Jaya')

    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Dokumen' }).waitFor()
    onboarding = await openOvoOnboarding()
    staging = onboarding.getByTestId('ovo-step-staging-registration')
    await expect.poll(() => staging.getByLabel('Status').inputValue()).toBe('in-progress')
    await expect(onboarding.getByRole('combobox', { name: /^Mitra/ }).locator('option:checked').textContent()).resolves.toBe('Toko Maju Jaya')
    await expect(staging.getByLabel('Catatan').inputValue()).resolves.toBe('id_rsa.pub.pem dikirim ke tim PIS')
    await expect(staging.getByRole('textbox', { name: 'Mulai', exact: true }).inputValue()).resolves.toBe(wibToday())
    await expect(onboarding.getByTestId('ovo-step-uat-testing').getByLabel('Status').inputValue()).resolves.toBe('not-started')
    const saved = JSON.parse(await readFile(join(testCore.dataDir, 'ovo-onboarding.json'), 'utf8')) as { partners: { name: string; steps: Record<string, { links: { name: string }[] }> }[] }
    expect(saved.partners[0]).toMatchObject({ name: 'Toko Maju Jaya', steps: { 'staging-registration': { status: 'in-progress', links: [{ name: 'ovo-staging-key', kind: 'key' }] } } })

    // The link leads to the key.
    await staging.getByRole('button', { name: 'ovo-staging-key', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Kunci & kredensial' }).waitFor()
    await page.getByTestId('vault-items').getByText('ovo-staging-key').waitFor()
    expect(consoleProblems).toEqual([])
  })

  it("signs with Peruri when the OTP arrives through the app's webhook: the prompt offers the code", async () => {
    await nav('Pengaturan').click()
    const card = page.getByTestId('otp-webhook')
    await card.getByText('Berhenti', { exact: true }).waitFor()
    await card.getByLabel('Port').fill('0')
    await card.getByRole('button', { name: 'Jalankan webhook' }).click()
    const url = card.getByTestId('otp-webhook-url')
    await url.waitFor()
    expect(await url.textContent()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/otp$/)
    await card.getByText('item vault "otp-webhook"', { exact: false }).waitFor()
    const { password } = await basicCredentialsFromVault(testCore.core.services.vault, 'otp-webhook')

    await nav('Dokumen').click()
    await page.getByTestId('pdf-drop').locator('input[type=file]').setInputFiles(corpus('pdfjs-legal-size.pdf'))
    await page.getByTestId('placement-layer-1').waitFor()
    await page.getByRole('button', { name: 'Tambah kotak di halaman 1' }).click()
    const panel = page.getByTestId('peruri-sign')
    await panel.getByLabel('Email penanda tangan').fill(budi.email)
    await panel.getByRole('button', { name: 'Kirim 1 kotak ke Peruri' }).click()
    await panel.getByText(`Kode OTP dikirim ke ${budi.phone} (${budi.email}).`).waitFor()

    // The sandbox, playing SIMAS-ID, posted the code to the webhook; the open prompt found it by itself.
    const offer = panel.getByTestId('otp-webhook-offer')
    await offer.waitFor()
    const { sandbox } = await testCore.core.services.sandboxHost.peruri()
    const sent = sandbox.otps(budi.email).at(-1)!.otp
    await expect(offer.textContent()).resolves.toBe(`Kode diterima lewat webhook: ${sent}Pakai`)
    await offer.getByRole('button', { name: 'Pakai' }).click()
    await expect(panel.getByLabel('Kode OTP').inputValue()).resolves.toBe(sent)
    await panel.getByRole('button', { name: 'Tanda tangani', exact: true }).click()
    await panel.getByTestId('peruri-status').getByText('Dokumen sudah ditandatangani').waitFor()
    await panel.getByRole('button', { name: 'Unduh dokumen bertanda tangan' }).click()
    await panel.getByTestId('peruri-verification-report').getByText('Semua 1 tanda tangan utuh.').waitFor()

    // The webhook's password never reached the page, only its vault item's name.
    expect(framesToPage.some((frame) => frame.includes(password))).toBe(false)
    await testCore.core.router.dispatch('stopOtpWebhook', undefined)
    expect(consoleProblems).toEqual([])
  })

  it("pre-fills the Peruri registration from SIMAS-ID's KYC record, leaves what it lacks empty, and registers", async () => {
    const kycLogin = { username: 'teken-kyc-client', password: 'kyc-Secret-4-e2e' }
    const simas = await startSimasSandbox({ kycCredentials: [kycLogin] })
    try {
      await createSimasKycClient({ http: createFetchHttpClient(5000), apiBaseUrl: simas.baseUrl, clientId: 'nanovest', credentials: kycLogin }).store({
        phoneNumber: '6281234567890',
        fullName: 'Ayu Lestari',
        nik: '3174054506900003',
        dateOfBirth: '1990-06-05',
        email: 'ayu.lestari@example.co.id',
      })
      await testCore.core.router.dispatch('addSecret', { type: 'basic-auth', name: 'simas-kyc', tags: ['simas'], ...kycLogin })
      await testCore.core.services.simas.saveProfile('nanovest-e2e', { baseUrl: simas.baseUrl, clientId: 'nanovest', apiBaseUrl: simas.baseUrl, kycCredentialsRef: 'simas-kyc' })

      await page.keyboard.press('Alt+4')
      await page.getByRole('heading', { level: 1, name: 'Penyedia' }).waitFor()
      const kyc = page.getByTestId('kyc-prefill')
      // The built-in sandbox profile is listed first; this test fills through the profile it set up.
      await kyc.getByLabel('Profil SIMAS-ID').locator('option', { hasText: 'nanovest-e2e (nanovest)' }).waitFor({ state: 'attached' })
      await kyc.getByLabel('Profil SIMAS-ID').selectOption({ label: 'nanovest-e2e (nanovest)' })
      await expect.poll(() => kyc.getByLabel('Profil SIMAS-ID').locator('option:checked').textContent()).toBe('nanovest-e2e (nanovest)')
      // The sandbox hint belongs to the built-in profile only.
      await expect(kyc.getByTestId('kyc-sandbox-hint').count()).resolves.toBe(0)
      await kyc.getByLabel('Nomor telepon').fill('081234567890')
      await kyc.getByRole('button', { name: 'Isi formulir dari KYC' }).click()
      await kyc.getByTestId('kyc-result').getByText('Tidak ada di data KYC, isi sendiri: Tempat lahir, Jenis kelamin, Alamat, Kota/kabupaten, Provinsi.').waitFor()
      await kyc.getByText('Diisi dari data KYC: Nama lengkap (sesuai KTP), Email, Nomor HP, NIK (16 digit), Tanggal lahir.', { exact: false }).waitFor()

      const form = page.getByTestId('peruri-registration')
      const valueOf = (label: string, exact = false) => form.getByLabel(label, { exact }).inputValue()
      await expect(valueOf('Nama lengkap (sesuai KTP)')).resolves.toBe('Ayu Lestari')
      await expect(valueOf('Email', true)).resolves.toBe('ayu.lestari@example.co.id')
      await expect(valueOf('Nomor HP')).resolves.toBe('6281234567890')
      await expect(valueOf('NIK (16 digit)')).resolves.toBe('3174054506900003')
      await expect(valueOf('Tanggal lahir')).resolves.toBe('1990-06-05')
      for (const lacking of ['Tempat lahir', 'Alamat', 'Kota/kabupaten', 'Provinsi']) await expect(valueOf(lacking), lacking).resolves.toBe('')

      await form.getByLabel('Jenis kelamin').selectOption('F')
      await form.getByLabel('Tempat lahir').fill('Surabaya')
      await form.getByLabel('Alamat').fill('Jl. Thamrin 10')
      await form.getByLabel('Kota/kabupaten').fill('Jakarta Pusat')
      await form.getByLabel('Provinsi').fill('DKI Jakarta')
      await form.getByTestId('ktp-photo').locator('input[type=file]').setInputFiles({ name: 'ktp.png', mimeType: 'image/png', buffer: specimenPng() })
      await form.getByRole('button', { name: 'Daftarkan' }).click()
      await page.getByRole('heading', { name: /Pendaftaran penanda tangan ✓ Selesai/ }).waitFor()
      const state = JSON.parse(await readFile(join(testCore.dataDir, 'sandbox', 'peruri', 'state.json'), 'utf8')) as { users: { email: string; name: string; phone: string; nik?: string }[] }
      expect(state.users.find((user) => user.email === 'ayu.lestari@example.co.id')).toMatchObject({ name: 'Ayu Lestari', phone: '6281234567890' })
      // The KYC client secret stayed in main.
      expect(framesToPage.some((frame) => frame.includes(kycLogin.password))).toBe(false)
      expect(consoleProblems).toEqual([])
    } finally {
      await simas.close()
    }
  })
})

describe('KYC pre-fill from the first start, in Chromium', () => {
  let app: BrowserApp

  beforeAll(async () => {
    app = await startBrowserApp()
  })
  afterAll(() => app?.close())

  it('fills the Peruri registration from a fresh data folder with the built-in SIMAS-ID sandbox profile, registers the applicant, and its KYC login never reaches the page', async () => {
    const { testCore } = app
    // Nothing set up: no SIMAS-ID profile, no KYC vault item.
    expect(await testCore.core.services.profiles.list('simas')).toEqual([])
    expect((await testCore.core.services.vault.list()).map((item) => item.name)).not.toContain(SANDBOX_SIMAS_KYC_ITEM)
    const { page, consoleProblems, framesToPage } = await app.openPage({ viewport: { width: 1400, height: 900 } })
    await page.getByRole('heading', { level: 1, name: 'Dokumen' }).waitFor()

    await page.keyboard.press('Alt+4')
    await page.getByRole('heading', { level: 1, name: 'Penyedia' }).waitFor()
    const kyc = page.getByTestId('kyc-prefill')
    const profiles = kyc.getByLabel('Profil SIMAS-ID')
    await expect.poll(() => profiles.locator('option:checked').textContent()).toBe('SIMAS-ID sandbox (nanovest)')
    await expect(profiles.locator('option').allTextContents()).resolves.toEqual(['SIMAS-ID sandbox (nanovest)'])
    // The hint says what to type.
    await expect(kyc.getByTestId('kyc-sandbox-hint').textContent()).resolves.toBe('Di sandbox, coba 081200000003: SIMAS-ID sandbox punya data KYC orang contoh ini.')
    expect(SANDBOX_KYC_PHONE).toBe('081200000003')

    await kyc.getByLabel('Nomor telepon').fill(SANDBOX_KYC_PHONE)
    await kyc.getByRole('button', { name: 'Isi formulir dari KYC' }).click()
    await kyc.getByTestId('kyc-result').getByText('Diisi dari data KYC: Nama lengkap (sesuai KTP), Email, Nomor HP, NIK (16 digit), Tanggal lahir.', { exact: false }).waitFor()
    await kyc.getByTestId('kyc-result').getByText('Tidak ada di data KYC, isi sendiri: Tempat lahir, Jenis kelamin, Alamat, Kota/kabupaten, Provinsi.').waitFor()

    const form = page.getByTestId('peruri-registration')
    const valueOf = (label: string, exact = false) => form.getByLabel(label, { exact }).inputValue()
    await expect(valueOf('Nama lengkap (sesuai KTP)')).resolves.toBe('Rina Wulandari')
    await expect(valueOf('Email', true)).resolves.toBe('rina.wulandari@sandbox.teken.id')
    await expect(valueOf('Nomor HP')).resolves.toBe('6281200000003')
    await expect(valueOf('NIK (16 digit)')).resolves.toBe('3171015708930003')
    await expect(valueOf('Tanggal lahir')).resolves.toBe('1993-08-17')
    for (const lacking of ['Tempat lahir', 'Alamat', 'Kota/kabupaten', 'Provinsi']) await expect(valueOf(lacking), lacking).resolves.toBe('')

    // The person fills in what the record lacks, and the Peruri sandbox registers her.
    await form.getByLabel('Jenis kelamin').selectOption('F')
    await form.getByLabel('Tempat lahir').fill('Semarang')
    await form.getByLabel('Alamat').fill('Jl. Pemuda 12')
    await form.getByLabel('Kota/kabupaten').fill('Semarang')
    await form.getByLabel('Provinsi').fill('Jawa Tengah')
    await form.getByTestId('ktp-photo').locator('input[type=file]').setInputFiles({ name: 'ktp.png', mimeType: 'image/png', buffer: specimenPng() })
    await form.getByRole('button', { name: 'Daftarkan' }).click()
    await page.getByRole('heading', { name: /Pendaftaran penanda tangan ✓ Selesai/ }).waitFor()

    // The KYC login was generated into the vault on first use, and no frame to the page carried its password.
    const { password } = await basicCredentialsFromVault(testCore.core.services.vault, SANDBOX_SIMAS_KYC_ITEM)
    expect(password.length).toBeGreaterThanOrEqual(32)
    // The scan is not vacuous: the page got the profile list and the filled record.
    expect(framesToPage.some((frame) => frame.includes('SIMAS-ID sandbox') && frame.includes('081200000003'))).toBe(true)
    expect(framesToPage.some((frame) => frame.includes('3171015708930003'))).toBe(true)
    expect(framesToPage.some((frame) => frame.includes(password))).toBe(false)
    expect(consoleProblems).toEqual([])
  })
})
