import { createHmac } from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_MYVALUE_SECRET_ITEM, sandboxSnapKeyItem, sandboxSnapSecretItem, SANDBOX_SIMAS_SECRET_ITEM } from '../../src/main/sandbox/sandbox-host'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'
import type { TestCore } from '../support/core'

const MASKED = /^.{2}•{8}.{2}$/

describe('Partner APIs in Chromium: the API workbench and the token inspector on the embedded sandboxes', () => {
  let app: BrowserApp
  let testCore: TestCore
  let page: Page
  let consoleProblems: string[]
  /** What main sent each page over the WebSocket, i.e. everything that crossed IPC to the renderer. */
  const framesOfEveryPage: string[][] = []
  /** Every access token the SNAP sandbox issued to main, seen on main's own HTTP: none may reach the page. */
  const issuedTokens: string[] = []
  const realFetch = globalThis.fetch

  beforeAll(async () => {
    globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
      const response = await realFetch(...args)
      if (String(args[0] instanceof Request ? args[0].url : args[0]).endsWith('/access-token/b2b')) {
        const { accessToken } = (await response.clone().json()) as { accessToken?: string }
        if (accessToken) issuedTokens.push(accessToken)
      }
      return response
    }
    app = await startBrowserApp()
    testCore = app.testCore
  })
  afterAll(async () => {
    globalThis.fetch = realFetch
    await app?.close()
  })
  beforeEach(async () => {
    let framesToPage: string[]
    ;({ page, consoleProblems, framesToPage } = await app.openPage({ viewport: { width: 1400, height: 1000 } }))
    framesOfEveryPage.push(framesToPage)
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await page.getByRole('navigation', { name: 'Navigasi utama' }).getByRole('button', { name: /^API mitra/ }).click()
    await page.getByRole('heading', { level: 1, name: 'API mitra' }).waitFor()
  })

  const workbench = () => page.getByTestId('api-workbench')
  async function myValueSecret(): Promise<string> {
    const { secret } = await testCore.core.services.vault.secret(SANDBOX_MYVALUE_SECRET_ITEM)
    if (secret.kind !== 'value') throw new Error('the MyValue sandbox secret is not a value')
    return secret.value
  }
  const response = () => page.getByTestId('workbench-response')
  async function signAndSend(): Promise<void> {
    await workbench().getByRole('button', { name: 'Tanda tangani & pratinjau' }).click()
    await page.getByTestId('workbench-preview').getByRole('button', { name: 'Kirim' }).click()
    await response().waitFor()
  }

  it('composes a SNAP call on the sandbox, shows what is signed before sending, sends it, decodes the answer and copies it as curl', async () => {
    await expect(workbench().getByLabel(/^Profil/).locator('option:checked').textContent()).resolves.toBe('Ifortepay sandbox (bawaan)')
    await expect(workbench().getByLabel('Tujuan').locator('option:checked').textContent()).resolves.toBe('Sandbox bawaan')
    await expect(workbench().getByLabel('Path').inputValue()).resolves.toBe('/v1.0/balance-inquiry')
    await workbench().getByLabel('Body (JSON)').fill('{ "partnerReferenceNo": "INV 001",\n  "accountNo": "7382382957893840" }')
    await workbench().getByRole('button', { name: 'Tanda tangani & pratinjau' }).click()

    const preview = page.getByTestId('workbench-preview')
    const stringToSign = (await preview.getByTestId('workbench-string-to-sign').textContent())!
    const signature = (await preview.getByTestId('workbench-signature').textContent())!
    // METHOD:EndpointUrl:AccessToken (masked):lowerhex(SHA-256(minified body)):X-TIMESTAMP
    expect(stringToSign).toMatch(/^POST:\/v1\.0\/balance-inquiry:.{2}•{8}.{2}:[0-9a-f]{64}:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/)
    expect(Buffer.from(signature, 'base64')).toHaveLength(64)
    const headers = (await preview.getByTestId('workbench-headers').textContent())!
    for (const header of ['X-TIMESTAMP', `X-SIGNATURE${signature}`, 'X-PARTNER-IDIFP-SANDBOX-MERCHANT', 'CHANNEL-ID95221', 'X-EXTERNAL-ID']) expect(headers).toContain(header)
    expect(headers).toMatch(/AuthorizationBearer .{2}•{8}.{2}/)
    // Whitespace between tokens goes, the space inside the string stays.
    await preview.getByText('{"partnerReferenceNo":"INV 001","accountNo":"7382382957893840"}', { exact: true }).waitFor()

    await preview.getByRole('button', { name: 'Salin sebagai curl' }).click()
    await page.getByRole('status').filter({ hasText: 'Perintah curl disalin.' }).waitFor()
    const curl = await page.evaluate(() => navigator.clipboard.readText())
    expect(curl).toMatch(/^curl -X POST 'http:\/\/127\.0\.0\.1:\d+\/v1\.0\/balance-inquiry'/)
    expect(curl).toContain(`-H 'X-SIGNATURE: ${signature}'`)
    expect(curl).toContain('-H "Authorization: Bearer $SNAP_ACCESS_TOKEN"')

    await preview.getByRole('button', { name: 'Kirim' }).click()
    await response().waitFor()
    await expect(response().getByTestId('workbench-response-code').textContent()).resolves.toBe('2001100 — HTTP 200 · layanan 11 (Balance Inquiry) · kasus 00')
    await expect(response().getByTestId('workbench-response-meaning').textContent()).resolves.toBe('Successful.')
    await expect(response().getByTestId('workbench-response-body').textContent()).resolves.toContain('"partnerReferenceNo": "INV 001"')
    // A signed request goes once: sending again needs a new signature.
    await expect(preview.getByRole('button', { name: 'Kirim' }).isDisabled()).resolves.toBe(true)
    expect(consoleProblems).toEqual([])
  })

  it('signs and sends the Access Token B2B request, and shows the issued token masked', async () => {
    await workbench().getByLabel('Permintaan').selectOption({ label: 'Access Token B2B' })
    await workbench().getByRole('button', { name: 'Tanda tangani & pratinjau' }).click()
    const stringToSign = (await page.getByTestId('workbench-string-to-sign').textContent())!
    expect(stringToSign).toMatch(/^IFP-SANDBOX-MERCHANT\|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/)
    await page.getByTestId('workbench-preview').getByRole('button', { name: 'Kirim' }).click()
    await expect(response().getByTestId('workbench-response-code').textContent()).resolves.toBe('2007300 — HTTP 200 · layanan 73 (Access Token B2B) · kasus 00')
    const body = JSON.parse((await response().getByTestId('workbench-response-body').textContent())!) as { accessToken: string; expiresIn: string }
    expect(body.accessToken).toMatch(MASKED)
    expect(body.expiresIn).toBe('900')
    expect(consoleProblems).toEqual([])
  })

  it("shows SNAP's decoded rejection: an asymmetric signature where the provider wants HMAC, and a token it never issued", async () => {
    await workbench().getByLabel(/^Profil/).selectOption({ label: 'OVO sandbox (bawaan)' })
    await workbench().getByLabel('Asimetris (SHA256withRSA dengan kunci privat)').check()
    await signAndSend()
    await expect(response().getByTestId('workbench-response-code').textContent()).resolves.toBe('4011100 — HTTP 401 · layanan 11 (Balance Inquiry) · kasus 00')
    await expect(response().getByTestId('workbench-response-meaning').textContent()).resolves.toMatch(/^Unauthorized: the provider rejected the signature/)
    await response().getByText('Unauthorized. [Signature]', { exact: true }).waitFor()

    await workbench().getByLabel('Simetris (HMAC-SHA512 dengan client secret)').check()
    await workbench().getByLabel('Token akses').fill('a-token-the-sandbox-never-issued')
    await signAndSend()
    await expect(response().getByTestId('workbench-response-code').textContent()).resolves.toBe('4011101 — HTTP 401 · layanan 11 (Balance Inquiry) · kasus 01')
    await expect(response().getByTestId('workbench-response-meaning').textContent()).resolves.toMatch(/^Invalid token \(B2B\)/)
    expect(consoleProblems).toEqual([])
  })

  it('composes a MyValue call, states the assumed signature, shows the exact body signed, and the MyValue sandbox accepts it', async () => {
    await workbench().getByLabel(/^Profil/).selectOption({ label: 'MyValue sandbox (bawaan)' })
    await workbench().getByTestId('workbench-myvalue-assumption').getByText(/Teken mengasumsikan HMAC-SHA256 atas byte body permintaan/).waitFor()
    // SNAP's own fields are not part of a MyValue request.
    await expect(workbench().getByLabel('Permintaan').count()).resolves.toBe(0)
    await expect(workbench().getByLabel('Token akses').count()).resolves.toBe(0)
    await expect(workbench().getByLabel('Path').inputValue()).resolves.toBe('/v1/partner/signature-check')
    const body = '{ "phone_number": "6281234567890",  "note": "spasi  tetap" }'
    await workbench().getByLabel('Path').fill('/v1/points/inquiry')
    await workbench().getByLabel('Body (JSON)').fill(body)
    await workbench().getByRole('button', { name: 'Tanda tangani & pratinjau' }).click()

    const preview = page.getByTestId('workbench-preview')
    // Signed byte for byte as typed: nothing is minified.
    await expect(preview.getByTestId('workbench-string-to-sign').textContent()).resolves.toBe(body)
    const expected = createHmac('sha256', await myValueSecret()).update(body).digest('hex')
    await expect(preview.getByTestId('workbench-signature').textContent()).resolves.toBe(expected)
    await preview.getByRole('heading', { name: 'Tanda tangan (HMAC-SHA256 dengan client secret)' }).waitFor()
    const headers = (await preview.getByTestId('workbench-headers').textContent())!
    expect(headers).toContain('X-Client-IdMYVALUE-SANDBOX-PARTNER')
    expect(headers).toContain(`X-Signature${expected}`)
    await preview.getByRole('button', { name: 'Salin sebagai curl' }).click()
    await page.getByRole('status').getByText('Perintah curl disalin.', { exact: true }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`-H 'X-Signature: ${expected}'`)

    await preview.getByRole('button', { name: 'Kirim' }).click()
    await response().waitFor()
    await response().getByText('MyValue tidak mendokumentasikan kode respons; lihat status HTTP dan body.').waitFor()
    await expect(response().getByTestId('workbench-response-body').textContent()).resolves.toContain('"code": "SUCCESS"')

    // Back to SNAP: its request is as it was left.
    await workbench().getByLabel(/^Profil/).selectOption({ label: 'Ifortepay sandbox (bawaan)' })
    await expect(workbench().getByLabel('Path').inputValue()).resolves.toBe('/v1.0/balance-inquiry')
    expect(consoleProblems).toEqual([])
  })

  describe('token inspector', () => {
    const inspector = () => page.getByTestId('token-inspector')
    const report = () => page.getByTestId('token-report')
    const line = (check: string) => report().getByTestId(`token-check-${check}`)
    async function sandboxToken(kind: string): Promise<void> {
      const field = inspector().getByLabel('Token akses')
      const before = await field.inputValue()
      await inspector().getByLabel('Token sandbox').selectOption({ label: kind })
      await inspector().getByRole('button', { name: 'Ambil token sandbox' }).click()
      // The new token replaces the field and clears the old report in one render; then its own report comes.
      await expect.poll(() => field.inputValue()).not.toBe(before)
      await report().waitFor()
    }

    beforeEach(async () => {
      await page.getByRole('tab', { name: 'Pemeriksa token' }).click()
      await expect(inspector().getByLabel('Profil SIMAS-ID').locator('option:checked').textContent()).resolves.toBe('SIMAS-ID sandbox (bawaan, client nanovest)')
    })

    it('passes every check for a valid sandbox token, shows its claims, and userinfo knows the user', async () => {
      await sandboxToken('Valid')
      await report().getByText('Token valid: semua pemeriksaan lolos.').waitFor()
      const lines = await report().getByRole('listitem').allTextContents()
      expect(lines).toHaveLength(8)
      for (const text of lines) expect(text).toMatch(/^LOLOS /)
      await expect(line('audience').textContent()).resolves.toMatch(/^LOLOS Audiens \(aud\) — aud \["nanovest"\] contains nanovest\.$/)
      await expect(report().getByTestId('token-claims').textContent()).resolves.toContain('"azp": "nanovest"')

      await inspector().getByRole('button', { name: 'Tanya userinfo' }).click()
      await expect(page.getByTestId('token-userinfo').textContent()).resolves.toContain('"given_name": "John"')
      expect(consoleProblems).toEqual([])
    })

    it('shows the failing line and its reason for an expired, a not-yet-valid, a wrong-audience and a tampered token', async () => {
      await sandboxToken('Kedaluwarsa')
      await report().getByText('Token TIDAK valid.', { exact: true }).waitFor()
      await expect(line('expiry').textContent()).resolves.toMatch(/^GAGAL Kedaluwarsa \(exp\) — Expired at /)
      await expect(line('signature').textContent()).resolves.toMatch(/^LOLOS /)

      await sandboxToken('Belum berlaku')
      await expect(line('not-before').textContent()).resolves.toMatch(/^GAGAL Mulai berlaku \(nbf\) — Not valid before /)

      await sandboxToken('Untuk klien lain (siminvest)')
      await expect(line('audience').textContent()).resolves.toMatch(/^GAGAL Audiens \(aud\) — aud \["siminvest"\] does not contain nanovest/)
      await expect(line('authorized-party').textContent()).resolves.toMatch(/^GAGAL Pihak berwenang \(azp\) — azp is "siminvest"/)

      await sandboxToken('Valid')
      const [header, payload, signature] = (await inspector().getByLabel('Token akses').inputValue()).split('.')
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>
      await inspector().getByLabel('Token akses').fill([header, Buffer.from(JSON.stringify({ ...claims, exp: Number(claims.exp) + 86_400 })).toString('base64url'), signature].join('.'))
      await inspector().getByRole('button', { name: 'Periksa token' }).click()
      await expect(line('signature').textContent()).resolves.toMatch(/^GAGAL Tanda tangan — The signature does not match/)
      await report().getByText('Token TIDAK valid.', { exact: true }).waitFor()
      expect(consoleProblems).toEqual([])
    })
  })

  it('never sent any page a client secret, a private key or a SNAP bearer token in full', async () => {
    // One more flow on this page, so that the newest frames are scanned too.
    await signAndSend()
    const { vault } = testCore.core.services
    const secrets: string[] = []
    for (const profile of ['Ifortepay sandbox', 'OVO sandbox']) {
      const { secret } = await vault.secret(sandboxSnapSecretItem(profile))
      if (secret.kind === 'value') secrets.push(secret.value)
      const pem = (await vault.privateKey(sandboxSnapKeyItem(profile))).key.export({ type: 'pkcs8', format: 'pem' }).toString()
      secrets.push(...pem.split('\n').filter((line) => line.length === 64))
    }
    const { secret: simasSecret } = await vault.secret(SANDBOX_SIMAS_SECRET_ITEM)
    if (simasSecret.kind === 'value') secrets.push(simasSecret.value)
    secrets.push(await myValueSecret())
    expect(secrets.length).toBeGreaterThan(20)
    expect(issuedTokens.length).toBeGreaterThan(0)
    const frames = framesOfEveryPage.flat().join('\n')
    // The scan is not vacuous: the pages got signed previews, answers and token reports.
    expect(frames).toContain('X-SIGNATURE')
    expect(frames).toContain('X-Client-Id')
    expect(frames).toContain('2001100')
    expect(frames).toContain('2007300')
    expect(frames).toContain('does not match')
    for (const secret of [...secrets, ...issuedTokens]) expect(frames).not.toContain(secret)
    expect(frames).not.toContain('PRIVATE KEY')
  })
})
