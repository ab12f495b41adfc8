import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headlessDesktopPorts } from '../../src/main/ports/desktop'
import { createKeytarSecretStore } from '../../src/main/ports/keytar-secret-store'
import { basicCredentialsFromVault } from '../../src/main/providers/simas/basic-auth'
import { sendSimasOtp } from '../../src/main/sandbox/simas/simas-sandbox'
import { VAULT_KEY_ACCOUNT } from '../../src/main/vault/vault'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'
import type { TestCore } from '../support/core'
import { openssl } from '../support/openssl'

const CLIENT_SECRET = 'ovo-uat-Sup3r$ecret-7f3a9c'
const CLIENT_ID = 'TEKEN-PARTNER-0042'
const API_KEY = 'peruri-gateway-apikey-5e6f7a8b'

describe('Keys & credentials in Chromium: generate → export public → decrypt an OVO credential pair', () => {
  let app: BrowserApp
  let testCore: TestCore
  let page: Page
  let framesToPage: string[]
  let consoleProblems: string[]

  beforeAll(async () => {
    app = await startBrowserApp()
    testCore = app.testCore
    ;({ page, framesToPage, consoleProblems } = await app.openPage())
    await page.keyboard.press('Alt+3')
    await page.getByRole('heading', { level: 1, name: 'Kunci & kredensial' }).waitFor()
  })
  afterAll(() => app?.close())

  it('generates a key, shows its fingerprint, and exports the public key byte-exact with openssl', async () => {
    await page.getByLabel('Nama di brankas').first().fill('ovo-e2e')
    await page.getByLabel('Tag').first().fill('ovo, snap')
    await page.getByRole('button', { name: 'Buat kunci' }).click()
    const row = page.getByTestId('vault-items').getByRole('row', { name: /ovo-e2e/ })
    await row.waitFor()
    await expect(row.textContent()).resolves.toMatch(/RSA-2048/)
    await expect(row.textContent()).resolves.toMatch(/SHA-256 ([0-9a-f]{2}:){31}[0-9a-f]{2}/)

    await page.getByRole('button', { name: 'Kunci publik: ovo-e2e' }).click()
    const pem = await page.getByTestId('public-key-pem').inputValue()
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)

    // The same key, exported by main for openssl to check: openssl's own -pubout must match the UI text.
    const { key } = await testCore.core.services.vault.privateKey('ovo-e2e')
    const privatePem = key.export({ type: 'pkcs8', format: 'pem' }).toString()
    expect(openssl(['pkey', '-pubout'], { input: privatePem }).toString()).toBe(pem)

    await page.getByRole('radio', { name: /PKCS#1 PEM/ }).check()
    await expect.poll(() => page.getByTestId('public-key-pem').inputValue()).toBe(openssl(['rsa', '-RSAPublicKey_out'], { input: privatePem }).toString())

    await page.getByRole('button', { name: /Simpan sebagai ovo-e2e\.pkcs1\.pub\.pem/ }).click()
    const savedPath = join(testCore.dataDir, 'exports', 'ovo-e2e.pkcs1.pub.pem')
    await expect.poll(() => readFile(savedPath, 'utf8').catch(() => '')).toMatch(/BEGIN RSA PUBLIC KEY/)
    await page.getByRole('button', { name: 'Tutup' }).first().click()
  })

  it('decrypts key.bin.enc + cred_file.enc made by openssl, shows fields masked, and saves a partner profile', async () => {
    const work = testCore.dataDir
    const publicPem = openssl(['pkey', '-pubout'], { input: (await testCore.core.services.vault.privateKey('ovo-e2e')).key.export({ type: 'pkcs8', format: 'pem' }) })
    await writeFile(join(work, 'pub.pem'), publicPem)
    // OVO's side of the SOP, with the real openssl.
    await writeFile(join(work, 'key.bin'), openssl(['rand', '-base64', '32']))
    openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', 'pub.pem', '-in', 'key.bin', '-out', 'key.bin.enc'], { cwd: work })
    await writeFile(join(work, 'cred.json'), JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, null, 2))
    openssl(['enc', '-aes-256-cbc', '-salt', '-in', 'cred.json', '-out', 'cred_file.enc', '-pass', 'file:./key.bin', '-md', 'md5'], { cwd: work })

    await page.getByTestId('key-file-drop').locator('input[type=file]').setInputFiles(join(work, 'key.bin.enc'))
    await page.getByTestId('cred-file-drop').locator('input[type=file]').setInputFiles(join(work, 'cred_file.enc'))
    await page.getByRole('button', { name: 'Dekripsi' }).click()

    const result = page.getByTestId('credential-result')
    await result.waitFor()
    // The digest was not given: Teken tried SHA-256, then MD5, and says which worked.
    await expect(result.textContent()).resolves.toMatch(/MD5 \(EVP_BytesToKey\)/)
    await expect(result.textContent()).resolves.toMatch(/sha256 → md5/)
    await expect(result.getByRole('row', { name: /client_secret/ }).count()).resolves.toBe(1)
    await expect(result.textContent()).resolves.not.toContain(CLIENT_SECRET)
    await expect(result.textContent()).resolves.not.toContain(CLIENT_ID)

    // Copy goes from main to the OS clipboard; the browser harness has none and says so plainly.
    await page.getByRole('button', { name: 'Salin: client_secret' }).click()
    await page.getByRole('alert').filter({ hasText: 'memerlukan aplikasi desktop' }).waitFor()

    await result.getByLabel('Nama profil mitra').fill('OVO UAT')
    await result.getByRole('button', { name: 'Simpan ke brankas' }).click()
    const profileRow = page.getByTestId('vault-items').getByRole('row', { name: /OVO UAT/ })
    await profileRow.waitFor()
    await expect(profileRow.textContent()).resolves.toMatch(/client_id, client_secret/)
    await expect(testCore.core.services.vault.secret('OVO UAT')).resolves.toMatchObject({
      secret: { kind: 'fields', fields: [{ name: 'client_id', value: CLIENT_ID }, { name: 'client_secret', value: CLIENT_SECRET }] },
    })
  })

  it('keeps an API key typed into the form, showing only a masked preview', async () => {
    const form = page.getByRole('form', { name: 'Simpan API key, secret, atau Basic auth' })
    await form.getByLabel('Nama di brankas').fill('Peruri gateway')
    await form.getByLabel('Nilai').fill(API_KEY)
    await form.getByLabel('Tag').fill('peruri')
    await form.getByRole('button', { name: 'Simpan rahasia' }).click()
    const row = page.getByTestId('vault-items').getByRole('row', { name: /Peruri gateway/ })
    await row.waitFor()
    await expect(row.textContent()).resolves.toMatch(/pe•+8b/)
    await expect(form.getByLabel('Nilai').inputValue()).resolves.toBe('')
    await expect(testCore.core.services.vault.secret('Peruri gateway')).resolves.toMatchObject({ secret: { kind: 'value', value: API_KEY } })
  })

  it('never sent the renderer a private key, a decrypted secret or the vault key', async () => {
    const { key } = await testCore.core.services.vault.privateKey('ovo-e2e')
    const pkcs8 = key.export({ type: 'pkcs8', format: 'der' }).toString('base64')
    const privateExponent = key.export({ format: 'jwk' }).d!
    const keyBin = (await readFile(join(testCore.dataDir, 'key.bin'), 'utf8')).trim()
    const vaultKeyValue = await createKeytarSecretStore(testCore.keychainService).get(VAULT_KEY_ACCOUNT)
    expect(framesToPage.length).toBeGreaterThan(10)
    const traffic = framesToPage.join('\n')
    for (const secret of [CLIENT_SECRET, CLIENT_ID, API_KEY, keyBin, privateExponent, pkcs8.slice(40, 120), vaultKeyValue!]) {
      expect(traffic.includes(secret), `a secret reached the renderer: ${secret.slice(0, 6)}…`).toBe(false)
    }
    expect(traffic).not.toMatch(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/)
    expect(consoleProblems).toEqual([])
  })
})

describe("Copy and Show of vault secrets in Chromium, main's clipboard and reveal window recorded", () => {
  let app: BrowserApp
  let testCore: TestCore
  let page: Page
  let framesToPage: string[]
  let consoleProblems: string[]
  // What main put on the desktop's clipboard and in its reveal window; the page itself has neither.
  const clipboardWrites: string[] = []
  const revealed: { title: string; secret: string }[] = []

  beforeAll(async () => {
    app = await startBrowserApp({
      desktop: {
        ...headlessDesktopPorts(async () => {
          throw new Error('this test saves nothing')
        }),
        clipboard: { writeText: async (text) => void clipboardWrites.push(text), readText: async () => clipboardWrites.at(-1) ?? '', clear: () => undefined },
        secretPresenter: { show: async (title, secret) => void revealed.push({ title, secret }) },
      },
    })
    testCore = app.testCore
    ;({ page, framesToPage, consoleProblems } = await app.openPage({ viewport: { width: 1400, height: 900 } }))
  })
  afterAll(() => app?.close())

  const nav = (label: string) => page.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('button', { name: new RegExp(`^${label}`) })

  it("copies the OTP webhook's password from the Settings card (making its vault item first), and the page never sees it", async () => {
    await nav('Pengaturan').click()
    const card = page.getByTestId('otp-webhook')
    await card.getByText('Berhenti', { exact: true }).waitFor()
    await expect(testCore.core.services.vault.list()).resolves.toEqual([])

    await card.getByRole('button', { name: 'Salin kata sandi' }).click()
    await page.getByTestId('toast').getByText('Kata sandi webhook disalin; papan klip dibersihkan dalam 30 detik.').waitFor()
    const { username, password } = await basicCredentialsFromVault(testCore.core.services.vault, 'otp-webhook')
    expect(clipboardWrites).toEqual([password])
    await card.getByRole('button', { name: 'Tampilkan kata sandi' }).click()
    await expect.poll(() => revealed).toEqual([{ title: 'otp-webhook: password', secret: password }])

    // The copied password is the webhook's login once it runs.
    await card.getByLabel('Port').fill('0')
    await card.getByRole('button', { name: 'Jalankan webhook' }).click()
    const url = (await card.getByTestId('otp-webhook-url').textContent())!
    await expect(sendSimasOtp({ url, username, password: clipboardWrites[0]!, identifier: '081234567890', otp: '246810', channel: 'sms' })).resolves.toMatchObject({ status: 200 })
    await card.getByRole('button', { name: 'Hentikan webhook' }).click()
    await card.getByText('Berhenti', { exact: true }).waitFor()

    // The item made on the first ask is listed on the Keys screen, with its own buttons.
    await nav('Kunci & kredensial').click()
    const row = page.getByTestId('vault-items').getByRole('row', { name: /otp-webhook/ })
    await row.getByRole('button', { name: 'Salin kata sandi: otp-webhook' }).click()
    await page.getByTestId('toast').getByText('otp-webhook (kata sandi) disalin; papan klip dibersihkan dalam 30 detik.').waitFor()
    expect(clipboardWrites).toEqual([password, password])

    expect(framesToPage.length).toBeGreaterThan(5)
    expect(framesToPage.some((frame) => frame.includes(password))).toBe(false)
    expect(consoleProblems).toEqual([])
  })

  it('copies and shows an API key from the Keys screen; a private key has no such buttons', async () => {
    await testCore.core.router.dispatch('addSecret', { type: 'api-key', name: 'Peruri gateway', tags: ['peruri'], value: API_KEY })
    await testCore.core.router.dispatch('generateKey', { name: 'snap-key', bits: 2048, tags: ['snap'] })
    await page.reload()
    await page.getByRole('heading', { level: 1 }).waitFor()
    await nav('Kunci & kredensial').click()
    const items = page.getByTestId('vault-items')
    await items.getByRole('button', { name: 'Salin: Peruri gateway' }).click()
    await page.getByTestId('toast').getByText('Peruri gateway disalin; papan klip dibersihkan dalam 30 detik.').waitFor()
    expect(clipboardWrites.at(-1)).toBe(API_KEY)
    await items.getByRole('button', { name: 'Tampilkan: Peruri gateway' }).click()
    await expect.poll(() => revealed.at(-1)).toEqual({ title: 'Peruri gateway', secret: API_KEY })
    const keyRow = items.getByRole('row', { name: /snap-key/ })
    await keyRow.getByRole('button', { name: 'Kunci publik: snap-key' }).waitFor()
    await expect(keyRow.getByRole('button', { name: /^(Salin|Tampilkan)/ }).count()).resolves.toBe(0)

    expect(framesToPage.some((frame) => frame.includes(API_KEY))).toBe(false)
    expect(consoleProblems).toEqual([])
  })
})
