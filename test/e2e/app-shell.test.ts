import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { methodNames } from '../../src/shared/contract'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'
import type { TestCore } from '../support/core'

describe('app shell in Chromium, window.teken bridged to the real main core', () => {
  let app: BrowserApp
  let testCore: TestCore
  let page: Page
  let consoleProblems: string[]

  beforeAll(async () => {
    app = await startBrowserApp()
    testCore = app.testCore
  })
  afterAll(() => app?.close())
  beforeEach(async () => {
    ;({ page, consoleProblems } = await app.openPage())
  })

  it('loads in Indonesian on the Sandbox environment with the clock in WIB', async () => {
    const nav = page.getByRole('navigation', { name: 'Navigasi utama' })
    for (const label of ['Dokumen', 'Batch', 'Kunci & kredensial', 'Penyedia', 'API mitra', 'Audit', 'Pengaturan']) {
      await expect(nav.getByRole('button', { name: new RegExp(`^${label}`) }).count()).resolves.toBe(1)
    }
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Dokumen')
    await expect(page.getByTestId('env-badge').textContent()).resolves.toBe('Sandbox')
    await expect(page.getByTestId('clock').textContent()).resolves.toMatch(/\d{2}\.\d{2} WIB$/)
    await expect(page.getByRole('button', { name: 'Buka PDF…' }).count()).resolves.toBe(1)
    // Every screen works: Alt+6 opens the audit log with its hash chain checked by main.
    await page.keyboard.press('Alt+6')
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor()
    await page.getByTestId('audit-verification').getByText(/^Rantai hash utuh: \d+ entri$/).waitFor()
    await expect(page.getByRole('button', { name: 'Ekspor CSV' }).count()).resolves.toBe(1)
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('id')
    expect(consoleProblems).toEqual([])
  })

  it('exposes exactly the contract methods on window.teken, read-only', async () => {
    const keys = await page.evaluate(() => Object.keys(window.teken).sort())
    expect(keys).toEqual([...methodNames].sort())
    const replaced = await page.evaluate(() => {
      try {
        ;(window as unknown as { teken: unknown }).teken = {}
      } catch {
        // strict-mode assignment to a read-only property throws; sloppy mode ignores it
      }
      return Object.keys(window.teken).length
    })
    expect(replaced).toBe(methodNames.length)
  })

  it('switches language from the keyboard, and main persists it', async () => {
    await page.keyboard.press('Alt+7')
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Pengaturan')
    // Focus moved to the new screen's heading, for keyboard and screen-reader users.
    await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe('H1')

    await page.getByLabel('Bahasa').selectOption('en')
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
    await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('button', { name: /^Documents/ }).count()).resolves.toBe(1)
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en')

    const saved = JSON.parse(await readFile(join(testCore.dataDir, 'settings.json'), 'utf8')) as { language: string }
    expect(saved.language).toBe('en')

    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor()
    await page.getByRole('button', { name: /^Settings/ }).click()
    await page.getByLabel('Language').selectOption('id')
    await page.getByRole('heading', { level: 1, name: 'Pengaturan' }).waitFor()
    expect(consoleProblems).toEqual([])
  })

  it('round-trips to real main services: app info and the real keychain', async () => {
    await page.getByRole('button', { name: /^Pengaturan/ }).click()
    const appInfo = page.getByTestId('app-info')
    await appInfo.getByText('web-harness', { exact: false }).waitFor()
    await expect(appInfo.getByText(testCore.dataDir).count()).resolves.toBe(1)

    const keychain = page.getByTestId('keychain-status')
    await keychain.getByText('Keychain tersedia').waitFor()
    await expect(keychain.getByText(testCore.keychainService).count()).resolves.toBe(1)
    expect(consoleProblems).toEqual([])
  })

  it('asks before switching to Production, and Cancel keeps Sandbox', async () => {
    await page.getByRole('button', { name: /^Pengaturan/ }).click()
    const production = page.getByRole('radio', { name: 'Produksi' })
    await production.click()
    const dialog = page.getByRole('dialog', { name: 'Beralih ke Produksi?' })
    await dialog.waitFor()
    // Nothing changes until the user confirms.
    await expect(production.isChecked()).resolves.toBe(false)
    await expect((await testCore.core.services.settings.get()).environment).toBe('sandbox')
    await dialog.getByRole('button', { name: 'Batal' }).click()
    await expect(page.getByTestId('env-badge').textContent()).resolves.toBe('Sandbox')
    await expect(page.getByRole('radio', { name: 'Sandbox' }).isChecked()).resolves.toBe(true)

    await production.click()
    await dialog.getByRole('button', { name: 'Ya, beralih ke Produksi' }).click()
    await expect.poll(() => page.getByTestId('env-badge').textContent()).toBe('Produksi')
    await expect((await testCore.core.services.settings.get()).environment).toBe('production')

    await page.getByRole('radio', { name: 'Sandbox' }).click()
    await expect.poll(() => page.getByTestId('env-badge').textContent()).toBe('Sandbox')
    await expect(page.getByRole('radio', { name: 'Sandbox' }).isChecked()).resolves.toBe(true)
  })

  it('shows main-side errors as toasts, and opens only allowlisted https links', async () => {
    const refused = await page.evaluate(() => window.teken.openExternalLink({ url: 'https://evil.example/phish' }))
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'EXTERNAL_LINK_REJECTED' }) })
    const invalid = await page.evaluate(() => window.teken.updateSettings({ language: 'fr' } as never))
    expect(invalid).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_REQUEST' }) })

    await page.getByRole('button', { name: /^Pengaturan/ }).click()
    await page.getByRole('button', { name: /Portal pengembang SNAP/ }).click()
    await expect.poll(() => testCore.openedLinks).toEqual(['https://apidevportal.aspi-indonesia.or.id/'])
    expect(consoleProblems).toEqual([])
  })
})
