import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'
import type { TestCore } from '../support/core'

const API_KEY = 'peruri-api-key-e2e-4a7c91'
const HMAC_KEY = 'simas-hmac-e2e-03bd5e'

describe('Audit screen in Chromium: the real hash-chained log, its check and its CSV export', () => {
  let app: BrowserApp
  let testCore: TestCore
  let page: Page
  let consoleProblems: string[]
  const framesOfEveryPage: string[][] = []

  beforeAll(async () => {
    app = await startBrowserApp()
    testCore = app.testCore
    // Audited actions, exactly as the Keys screen asks for them.
    for (const request of [
      { type: 'api-key', name: 'peruri gateway', tags: [], value: API_KEY },
      { type: 'hmac-key', name: 'simas "webhook", staging', tags: [], value: HMAC_KEY },
    ]) {
      const answer = await testCore.core.router.dispatch('addSecret', request)
      if (!answer.ok) throw new Error(answer.error.message)
    }
  })
  afterAll(() => app?.close())
  beforeEach(async () => {
    let framesToPage: string[]
    ;({ page, consoleProblems, framesToPage } = await app.openPage({ viewport: { width: 1400, height: 1000 } }))
    framesOfEveryPage.push(framesToPage)
    await page.keyboard.press('Alt+6')
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor()
  })

  const banner = () => page.getByTestId('audit-verification')
  const rows = () => page.getByTestId('audit-entries').locator('tbody tr')

  it('shows the intact chain and the entries newest first, filters them, and exports the CSV', async () => {
    await banner().getByText('Rantai hash utuh: 2 entri').waitFor()
    await expect.poll(() => rows().count()).toBe(2)
    await expect(rows().nth(0).locator('th').textContent()).resolves.toBe('simas "webhook", staging')
    await expect(rows().nth(1).locator('th').textContent()).resolves.toBe('peruri gateway')
    const first = await rows().nth(1).locator('td').allTextContents()
    expect(first[0]).toBe('1')
    expect(first[1]).toMatch(/\d{2}\.\d{2}\.\d{2} WIB$/)
    expect(first[2]).toBe('vault.secret-added')
    expect(first[3]).toBe('type: api-key')

    await page.getByLabel('Cari (tindakan atau subjek)').fill('SIMAS')
    await expect.poll(() => rows().count()).toBe(1)
    await expect(rows().nth(0).locator('th').textContent()).resolves.toBe('simas "webhook", staging')
    await page.getByLabel('Cari (tindakan atau subjek)').fill('')
    await expect.poll(() => rows().count()).toBe(2)
    await page.getByLabel('Kelompok tindakan').selectOption({ label: 'SNAP' })
    await page.getByText('Tidak ada entri yang cocok dengan filter.').waitFor()
    await page.getByLabel('Kelompok tindakan').selectOption({ label: 'Brankas' })
    await expect.poll(() => rows().count()).toBe(2)
    await page.getByLabel('Kelompok tindakan').selectOption({ label: 'Semua tindakan' })

    await page.getByRole('button', { name: 'Ekspor CSV' }).click()
    const toast = page.getByTestId('toast').getByText(/^Log audit diekspor: teken-audit-\d{8}-\d{6}-WIB\.csv$/)
    await toast.waitFor()
    const fileName = (await toast.textContent())!.replace('Log audit diekspor: ', '')
    const csv = await readFile(join(testCore.dataDir, 'exports', fileName), 'utf8')
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe('seq,at,actor,action,subject,details,hash')
    expect(lines[1]).toMatch(/^1,("[^"]+ WIB"|[^,"]+ WIB),[^,]+,vault\.secret-added,peruri gateway,"{""type"":""api-key""}",[0-9a-f]{64}$/)
    expect(lines[2]).toContain(',vault.secret-added,"simas ""webhook"", staging",')
    expect(lines.slice(3)).toEqual([''])

    // The export is on the record too, and the chain stays intact.
    await banner().getByText('Rantai hash utuh: 3 entri').waitFor()
    await expect.poll(() => rows().nth(0).locator('td').nth(2).textContent()).toBe('audit.exported')
    await expect(rows().nth(0).locator('th').textContent()).resolves.toBe(fileName)
    expect(consoleProblems).toEqual([])
  })

  it('pages with "Muat lebih banyak", and says where the chain is broken after audit.log was edited', async () => {
    for (let index = 1; index <= 120; index++) await testCore.core.services.audit.append({ action: 'snap.signed', subject: `Ifortepay sandbox ${index}`, details: {} })
    await page.getByRole('button', { name: 'Muat ulang' }).click()
    await banner().getByText('Rantai hash utuh: 123 entri').waitFor()
    await expect.poll(() => rows().count()).toBe(100)
    await page.getByRole('button', { name: 'Muat lebih banyak' }).click()
    await expect.poll(() => rows().count()).toBe(123)
    await expect(page.getByRole('button', { name: 'Muat lebih banyak' }).count()).resolves.toBe(0)
    await expect(rows().nth(122).locator('td').first().textContent()).resolves.toBe('1')

    const file = join(testCore.dataDir, 'audit.log')
    const lines = (await readFile(file, 'utf8')).split('\n')
    lines[9] = lines[9]!.replace('Ifortepay sandbox 7', 'Ifortepay sandbox 700')
    await writeFile(file, lines.join('\n'))
    await page.getByRole('button', { name: 'Muat ulang' }).click()
    await banner().getByRole('alert').getByText('Rantai hash putus di entri #10: entry 10 was altered').waitFor()
    expect(consoleProblems).toEqual([])
  })

  it('never sent a secret value to the page', () => {
    const crossed = framesOfEveryPage.flat().join('\n')
    expect(crossed).toContain('vault.secret-added')
    for (const secret of [API_KEY, HMAC_KEY]) expect(crossed).not.toContain(secret)
  })
})
