import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createBatch } from '../../src/main/batch/batch-runner'
import { JOURNAL_FILE } from '../../src/main/batch/batch-service'
import { openJournal } from '../../src/main/batch/journal'
import { systemClock } from '../../src/main/ports/clock'
import { parseTemplate } from '../../src/shared/placement/template'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'
import type { TestCore } from '../support/core'
import { BUDI, expectSignedByPdfsig, injectFaults, ISSUE_TEMPLATE, makeLetters, signCounts } from '../unit/batch/support'

describe('Batches in Chromium, on the embedded sandbox', () => {
  let app: BrowserApp
  let testCore: TestCore
  let page: Page
  let consoleProblems: string[]
  let work: string
  const sandboxUrl = async () => (await testCore.core.services.sandboxHost.peruri()).sandbox.server.url

  beforeAll(async () => {
    app = await startBrowserApp()
    testCore = app.testCore
    work = await mkdtemp(join(tmpdir(), 'teken-e2e-batches-'))
  })
  afterAll(async () => {
    await app?.close()
    await rm(work, { recursive: true, force: true })
  })
  beforeEach(async () => {
    ;({ page, consoleProblems } = await app.openPage({ viewport: { width: 1400, height: 1000 } }))
    await page.keyboard.press('Alt+2')
    await page.getByRole('heading', { level: 1, name: 'Batch' }).waitFor()
  })

  it('signs 20 documents in bulk with one OTP, shows progress, retries the one injected failure, and writes the report', async () => {
    const letters = await makeLetters(join(work, 'letters'), 20, { prefix: 'surat' })
    const templatePath = join(work, 'kontrak.teken-template.json')
    await writeFile(templatePath, JSON.stringify({ ...ISSUE_TEMPLATE, name: 'Kontrak' }))

    await page.getByLabel('Pilih PDF…').setInputFiles(letters)
    await page.getByText('20 PDF siap').waitFor()
    await page.getByTestId('batch-template').locator('input[type=file]').setInputFiles(templatePath)
    await page.getByText('Templat "Kontrak": 1 kotak tanda tangan').waitFor()
    // The box on the first document, before anything is sent.
    await page.getByTestId('batch-preview').getByText('surat-001.pdf: 1 kotak, ditampilkan halaman 1 dari 1').waitFor()
    await expect(page.getByTestId('preview-box').count()).resolves.toBe(1)

    await expect(page.getByLabel('Peruri bulk').isChecked()).resolves.toBe(true)
    await expect(page.getByLabel('Lingkungan Peruri').locator('option:checked').textContent()).resolves.toBe('Sandbox bawaan')
    await page.getByLabel('Email penanda tangan').fill(BUDI)
    // Peruri refuses the download of one document once: that document alone fails, and is retried.
    // Each call takes 250 ms, so the run lasts long enough to watch it move.
    await injectFaults(await sandboxUrl(), { refuseDownload: { fileName: 'surat-007.pdf' }, latencyMs: 250 })
    await page.getByRole('button', { name: 'Mulai batch (20 dokumen)' }).click()

    const run = page.getByTestId('batch-run')
    await run.getByText('Peruri mengirim OTP ke', { exact: false }).waitFor()
    await expect(run.getByText('untuk 20 dokumen.', { exact: false }).count()).resolves.toBe(1)
    await run.getByTestId('sandbox-otp-inbox').getByRole('button', { name: 'Pakai kode ini' }).first().click()
    await run.getByRole('button', { name: 'Tanda tangani 20 dokumen' }).click()

    // Progress while it runs: part done, with an estimate of the time left.
    await page.waitForFunction(() => /^([1-9]|1\d) dari 20 selesai: .* · perkiraan sisa \d+/.test(document.querySelector('[data-testid=batch-progress]')?.textContent ?? ''))
    await run.getByText('20 dari 20 selesai: 19 terverifikasi, 1 bermasalah').waitFor({ timeout: 30_000 })
    await injectFaults(await sandboxUrl(), { latencyMs: 0 })
    await expect(run.getByRole('progressbar').getAttribute('value')).resolves.toBe('20')
    const failedRow = run.getByRole('row').filter({ hasText: 'surat-007.pdf' })
    await expect(failedRow.getByRole('cell').nth(1).textContent()).resolves.toBe('gagal')
    await expect(failedRow.getByRole('cell').nth(4).textContent()).resolves.toContain('Unduhan surat-007.pdf ditolak')
    // Thousands of rows are not all in the DOM: only those in view and a few more.
    expect(await run.getByRole('row').count()).toBeLessThan(21)

    await run.getByRole('button', { name: 'Coba lagi yang gagal (1)' }).click()
    await run.getByText('20 dari 20 selesai: 20 terverifikasi, 0 bermasalah').waitFor({ timeout: 30_000 })
    await run.getByTestId('batch-table').locator('[role=rowgroup]').nth(1).evaluate((rows) => rows.scrollTo(0, rows.scrollHeight))
    await expect(run.getByRole('row').filter({ hasText: 'surat-020.pdf' }).getByRole('cell').nth(1).textContent()).resolves.toBe('terverifikasi')

    // The report is in the output folder, and every document was signed exactly once.
    const reportText = (await run.getByTestId('batch-report').textContent())!
    const reportPdf = reportText.replace(/^Laporan: /, '')
    expect((await readFile(reportPdf)).subarray(0, 5).toString()).toBe('%PDF-')
    const csv = await readFile(reportPdf.replace(/\.pdf$/, '.csv'), 'utf8')
    expect(csv.split('\r\n').filter((line) => /^surat-\d{3}\.pdf,verified,/.test(line))).toHaveLength(20)
    const counts = await signCounts(await sandboxUrl())
    for (let index = 1; index <= 20; index += 1) expect(counts.get(`surat-${String(index).padStart(3, '0')}.pdf`)).toBe(1)
    const output = reportPdf.slice(0, reportPdf.lastIndexOf('/'))
    expectSignedByPdfsig(join(output, 'surat-007.signed.pdf'), 1, 'Budi Santoso')

    await page.getByTestId('batch-history').getByRole('button').first().waitFor()
    expect(consoleProblems).toEqual([])
  }, 120_000)

  it('offers a batch interrupted by a crash for resume on the next start, and finishes it', async () => {
    // What a crash right after the batch was recorded leaves behind: a journal saying running, and no run.
    const batchId = randomUUID()
    const folder = join(testCore.dataDir, 'batches', batchId)
    await makeLetters(join(folder, 'input'), 3, { prefix: 'crash' })
    const journal = openJournal(join(folder, JOURNAL_FILE), { create: true, osUser: 'tester', now: () => new Date() })
    const record = await createBatch(journal, { mode: 'peruri-system', env: 'sandbox', signer: BUDI, inputDir: join(folder, 'input'), outputDir: join(folder, 'signed'), template: parseTemplate(ISSUE_TEMPLATE) }, systemClock)
    journal.close()

    await page.reload()
    await page.getByRole('heading', { level: 1 }).waitFor()
    await page.keyboard.press('Alt+2')
    const notice = page.getByTestId('batch-interrupted')
    await notice.getByText(`Batch ${record.id} terhenti sebelum selesai (0 dari 3 terverifikasi).`, { exact: false }).waitFor()
    await notice.getByRole('button', { name: 'Lanjutkan batch' }).click()
    await page.getByTestId('batch-run').getByText('3 dari 3 selesai: 3 terverifikasi, 0 bermasalah').waitFor({ timeout: 30_000 })
    await expect(page.getByTestId('batch-interrupted').count()).resolves.toBe(0)
    expect(consoleProblems).toEqual([])
  }, 60_000)

  it("signs a bulk batch with the code that reached the app's OTP webhook, offered in the batch's OTP prompt", async () => {
    // The embedded sandbox, playing SIMAS-ID, posts every OTP to the running webhook.
    await testCore.core.router.dispatch('startOtpWebhook', { port: 0 })
    try {
      const letters = await makeLetters(join(work, 'webhook'), 3, { prefix: 'webhook' })
      const templatePath = join(work, 'webhook.teken-template.json')
      await writeFile(templatePath, JSON.stringify({ ...ISSUE_TEMPLATE, name: 'Webhook' }))
      await page.getByLabel('Pilih PDF…').setInputFiles(letters)
      await page.getByText('3 PDF siap').waitFor()
      await page.getByTestId('batch-template').locator('input[type=file]').setInputFiles(templatePath)
      await page.getByText('Templat "Webhook": 1 kotak tanda tangan').waitFor()
      await expect(page.getByLabel('Peruri bulk').isChecked()).resolves.toBe(true)
      await page.getByLabel('Email penanda tangan').fill(BUDI)
      await page.getByRole('button', { name: 'Mulai batch (3 dokumen)' }).click()

      // The prompt found the webhook's code by itself; it is the one Peruri sent, taken from the webhook's inbox, not the sandbox's.
      const prompt = page.getByTestId('batch-otp')
      const offer = prompt.getByTestId('otp-webhook-offer')
      await offer.waitFor()
      const sent = (await testCore.core.services.sandboxHost.peruri()).sandbox.otps(BUDI).at(-1)!.otp
      expect(testCore.core.services.otpInbox.list().map((message) => message.otp)).toContain(sent)
      await expect(offer.textContent()).resolves.toBe(`Kode diterima lewat webhook: ${sent}Pakai`)
      await offer.getByRole('button', { name: 'Pakai', exact: true }).click()
      await expect(prompt.getByLabel('Kode OTP').inputValue()).resolves.toBe(sent)
      await prompt.getByRole('button', { name: 'Tanda tangani 3 dokumen' }).click()

      await page.getByTestId('batch-run').getByText('3 dari 3 selesai: 3 terverifikasi, 0 bermasalah').waitFor({ timeout: 30_000 })
      expect(consoleProblems).toEqual([])
    } finally {
      await testCore.core.router.dispatch('stopOtpWebhook', undefined)
    }
  }, 60_000)
})
