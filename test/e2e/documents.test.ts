import { execFileSync, spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'
import type { TestCore } from '../support/core'

const corpus = (name: string) => resolve('../shared/corpus/pdf', name)

async function coordinates(page: Page): Promise<number[]> {
  return Promise.all(['llx', 'lly', 'urx', 'ury'].map(async (corner) => Number(await page.getByTestId(`coord-${corner}`).inputValue())))
}

describe('Documents in Chromium: preview and placement on real PDFs', () => {
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
    ;({ page, consoleProblems } = await app.openPage({ viewport: { width: 1400, height: 900 } }))
    await page.getByRole('heading', { level: 1, name: 'Dokumen' }).waitFor()
  })

  const open = async (file: string) => {
    await page.getByTestId('pdf-drop').locator('input[type=file]').setInputFiles(file)
  }

  it('draws a box on a /Rotate 90 page with a non-zero CropBox and reports exactly what pdf.js maps it to', async () => {
    const file = corpus('qpdf-boxes-nonzero-origin-all-rotations.pdf')
    await open(file)
    const layer = page.getByTestId('placement-layer-2')
    await layer.waitFor()
    await layer.scrollIntoViewIfNeeded()

    // The reference: pdf.js itself, in Node, on the same page.
    const pdf = await getDocument({ data: new Uint8Array(await readFile(file)) }).promise
    const pdfPage = await pdf.getPage(2)
    expect(pdfPage.rotate).toBe(90)
    const bounds = (await layer.boundingBox())!
    const viewport = pdfPage.getViewport({ scale: bounds.width / pdfPage.getViewport({ scale: 1 }).width })

    await page.getByRole('button', { name: 'Gambar kotak tanda tangan' }).click()
    const [from, to] = [
      { x: 120, y: 90 },
      { x: 300, y: 160 },
    ]
    await page.mouse.move(bounds.x + from.x, bounds.y + from.y)
    await page.mouse.down()
    await page.mouse.move(bounds.x + to.x, bounds.y + to.y, { steps: 6 })
    await page.mouse.up()
    await page.getByTestId('box-editor').waitFor()

    const [x1, y1] = viewport.convertToPdfPoint(from.x, from.y) as [number, number]
    const [x2, y2] = viewport.convertToPdfPoint(to.x, to.y) as [number, number]
    const expected = [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)]
    const reported = await coordinates(page)
    reported.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 1))

    // An arrow key moves the box one point in the direction the user sees, whatever the rotation.
    const box = page.getByRole('button', { name: /Kotak tanda tangan Penanda tangan 1, halaman 2/ })
    const before = (await box.boundingBox())!
    await box.focus()
    await page.keyboard.press('ArrowRight')
    const after = (await box.boundingBox())!
    expect(after.x - before.x).toBeCloseTo(viewport.scale, 0)
    expect(after.y).toBeCloseTo(before.y, 0)
    // On a page turned 90°, "right" on screen is +y in PDF user space.
    const nudged = await coordinates(page)
    expect(nudged[1]! - reported[1]!).toBeCloseTo(1, 1)
    expect(nudged[0]).toBeCloseTo(reported[0]!, 1)

    // Typing a coordinate moves the box; Delete removes it.
    await page.getByTestId('coord-llx').fill(String(reported[0]! + 10))
    await expect.poll(async () => (await coordinates(page))[0]).toBeCloseTo(reported[0]! + 10, 1)
    await box.focus()
    await page.keyboard.press('Delete')
    await expect(page.getByTestId('box-editor').count()).resolves.toBe(0)
    expect(consoleProblems).toEqual([])
  })

  it('places and resizes a box with the keyboard alone', async () => {
    await open(corpus('pyhanko-empty-a4.pdf'))
    await page.getByTestId('placement-layer-1').waitFor()
    const add = page.getByRole('button', { name: 'Tambah kotak di halaman 1' })
    await add.focus()
    await page.keyboard.press('Enter')
    // MediaBox [0 0 595 842]: a 150 × 50 box in the middle.
    expect(await coordinates(page)).toEqual([222.5, 396, 372.5, 446])
    const box = page.getByRole('button', { name: /Kotak tanda tangan Penanda tangan 1, halaman 1/ })
    await box.focus()
    await page.keyboard.press('Control+ArrowRight')
    await page.keyboard.press('Control+Shift+ArrowDown')
    await page.keyboard.press('Shift+ArrowLeft')
    // Wider by 1 and taller by 10 (downwards on screen = lower in PDF space), then moved 10 left.
    const [llx, lly, urx, ury] = await coordinates(page)
    expect(llx).toBeCloseTo(212.5, 1)
    expect(urx).toBeCloseTo(363.5, 1)
    expect(lly).toBeCloseTo(386, 1)
    expect(ury).toBeCloseTo(446, 1)
    await box.focus()
    await page.keyboard.press('Delete')
    await expect(page.getByTestId('box-editor').count()).resolves.toBe(0)
    expect(consoleProblems).toEqual([])
  })

  it('saves boxes as a template and applies it to a document of other page sizes', async () => {
    await open(corpus('pdfjs-three-different-page-sizes.pdf'))
    const layer = page.getByTestId('placement-layer-1')
    await layer.waitFor()
    const bounds = (await layer.boundingBox())!
    await page.getByRole('button', { name: 'Gambar kotak tanda tangan' }).click()
    await page.mouse.move(bounds.x + bounds.width * 0.6, bounds.y + bounds.height * 0.05)
    await page.mouse.down()
    await page.mouse.move(bounds.x + bounds.width * 0.9, bounds.y + bounds.height * 0.12, { steps: 4 })
    await page.mouse.up()
    const editor = page.getByTestId('box-editor')
    await editor.getByLabel('Di template').selectOption('last')
    await editor.getByLabel('Alasan').fill('Disetujui')
    await page.getByLabel('Nama template').fill('Kontrak vendor')
    await page.getByRole('button', { name: 'Simpan template…' }).click()
    const saved = join(testCore.dataDir, 'exports', 'Kontrak_vendor.teken-template.json')
    await expect.poll(() => readFile(saved, 'utf8').catch(() => '')).toMatch(/"page": "last"/)
    const template = JSON.parse(await readFile(saved, 'utf8')) as { boxes: { reason: string; relative: object }[] }
    expect(template.boxes[0]).toMatchObject({ reason: 'Disetujui', relative: expect.any(Object) })

    // Another document: 30 pages. The box lands on its last page, at the same place relative to the page.
    await open(corpus('qpdf-linearized-30pages.pdf'))
    await page.getByText('/ 30').waitFor()
    await page.getByTestId('template-drop').locator('input[type=file]').setInputFiles(saved)
    await page.getByRole('status').filter({ hasText: '1 kotak ditempatkan dari template' }).waitFor()
    await page.getByRole('button', { name: /Hal\. 30:/ }).click()
    const last = page.getByTestId('placement-layer-30')
    const lastBounds = (await last.boundingBox())!
    const placed = (await last.getByRole('button', { name: /Kotak tanda tangan/ }).boundingBox())!
    expect((placed.x - lastBounds.x) / lastBounds.width).toBeCloseTo(0.6, 1)
    expect((placed.y - lastBounds.y) / lastBounds.height).toBeCloseTo(0.05, 1)
    await expect(page.getByTestId('box-editor').getByLabel('Alasan').inputValue()).resolves.toBe('Disetujui')

    // The minimal form batch runs accept works too; a page beyond the document is refused.
    const minimal = join(testCore.dataDir, 'minimal.json')
    await writeFile(minimal, JSON.stringify({ version: 1, boxes: [{ page: 1, rect: [454, 45, 529, 116], visible: true, reason: 'Disetujui', location: 'Jakarta', certificationLevel: 'NOT_CERTIFIED' }] }))
    await page.getByTestId('template-drop').locator('input[type=file]').setInputFiles(minimal)
    await page.getByRole('button', { name: /Hal\. 1: 454\.0, 45\.0, 529\.0, 116\.0/ }).waitFor()
    await writeFile(minimal, JSON.stringify({ version: 1, boxes: [{ page: 31, rect: [10, 10, 50, 50] }] }))
    await page.getByTestId('template-drop').locator('input[type=file]').setInputFiles(minimal)
    await page.getByRole('alert').filter({ hasText: 'Halaman itu tidak ada di dokumen ini' }).waitFor()
    expect(consoleProblems).toEqual([])
  })

  it('signs a rotated real-world PDF with a PKCS#12 identity from the vault, and pdfsig calls it valid', async () => {
    const work = testCore.dataDir
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'signer.key', '-out', 'signer.crt', '-subj', '/CN=Siti Rahma/O=PT Teken Uji', '-days', '30'], { cwd: work, stdio: 'ignore' })
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', 'signer.key', '-in', 'signer.crt', '-out', 'signer.p12', '-passout', 'pass:rahasia'], { cwd: work })
    await testCore.core.services.keys.import({ name: 'Siti (PKCS#12)', tags: ['peruri'], bytes: await readFile(join(work, 'signer.p12')), passphrase: 'rahasia' })
    // As if the user imported it on the Keys screen and came back: the screen reads the vault afresh.
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Dokumen' }).waitFor()

    await open(corpus('pdfjs-rotate-270-real-world.pdf'))
    const layer = page.getByTestId('placement-layer-1')
    await layer.waitFor()
    const bounds = (await layer.boundingBox())!
    await page.getByRole('button', { name: 'Gambar kotak tanda tangan' }).click()
    await page.mouse.move(bounds.x + bounds.width * 0.55, bounds.y + 60)
    await page.mouse.down()
    await page.mouse.move(bounds.x + bounds.width * 0.9, bounds.y + 160, { steps: 4 })
    await page.mouse.up()
    await page.getByTestId('box-editor').getByLabel('Alasan').fill('Disetujui')
    await page.getByTestId('box-editor').getByLabel('Lokasi').fill('Jakarta')
    await expect(page.getByLabel('Identitas PKCS#12').locator('option:checked').textContent()).resolves.toMatch(/^Siti \(PKCS#12\) \(CN=Siti Rahma/)
    // A speciment: any real PNG will do (Teken's own icon).
    await page.getByTestId('speciment-drop').locator('input[type=file]').setInputFiles(resolve('resources/icon.png'))
    await page.getByRole('button', { name: 'Tanda tangani 1 kotak & simpan…' }).click()

    const report = page.getByTestId('verification-report')
    await report.getByText('Semua 1 tanda tangan utuh.').waitFor({ timeout: 30_000 })
    await expect(report.textContent()).resolves.toMatch(/Siti Rahma — utuh/)
    const signed = join(work, 'exports', 'pdfjs-rotate-270-real-world-signed.pdf')
    const pdfsig = spawnSync('pdfsig', [signed], { encoding: 'utf8' })
    expect(pdfsig.stdout).toMatch(/Signature Validation: Signature is Valid\./)
    expect(pdfsig.stdout).toMatch(/Signature Field Name/)
    expect(spawnSync('qpdf', ['--check', signed]).status).toBe(0)
    // The speciment (Teken's 512 × 512 icon) is an image XObject of the signed revision; the input has none that size.
    const imageOf512 = /"\/Subtype":\s*"\/Image"[^}]*"\/Width":\s*512|"\/Width":\s*512[^}]*"\/Subtype":\s*"\/Image"/
    expect(spawnSync('qpdf', ['--json=2', '--json-key=qpdf', corpus('pdfjs-rotate-270-real-world.pdf')], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout).not.toMatch(imageOf512)
    expect(spawnSync('qpdf', ['--json=2', '--json-key=qpdf', signed], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout).toMatch(imageOf512)
    // The original is a byte-for-byte prefix: signing appended, it did not rewrite.
    const original = await readFile(corpus('pdfjs-rotate-270-real-world.pdf'))
    expect((await readFile(signed)).subarray(0, original.length).equals(original)).toBe(true)
    expect((await testCore.core.services.audit.list(1))[0]).toMatchObject({ action: 'pdf.signed', subject: 'pdfjs-rotate-270-real-world.pdf' })

    // The same report for a document signed elsewhere.
    await open(corpus('qpdf-digitally-signed.pdf'))
    await page.getByTestId('placement-layer-1').waitFor()
    await page.getByRole('button', { name: 'Periksa tanda tangan' }).click()
    await page.getByTestId('verification-report').getByText('Semua 1 tanda tangan utuh.').waitFor()
    expect(consoleProblems).toEqual([])
  })

  it('asks for the password of an encrypted PDF, says when it is wrong, then shows it', async () => {
    await open(corpus('pypdf-aes128-user-password.pdf'))
    const form = page.getByTestId('pdf-password')
    await form.waitFor()
    await form.getByLabel('Kata sandi dokumen').fill('not-it')
    await form.getByRole('button', { name: 'Buka' }).click()
    await form.getByRole('alert').filter({ hasText: 'Kata sandi salah' }).waitFor()
    await form.getByLabel('Kata sandi dokumen').fill('asdfzxcv')
    await form.getByRole('button', { name: 'Buka' }).click()
    await page.getByTestId('placement-layer-1').waitFor()
  })

  it('says plainly when a file is damaged or not a PDF at all', async () => {
    const broken = join(testCore.dataDir, 'broken.pdf')
    await writeFile(broken, '%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage with no pages and no trailer')
    await open(broken)
    await page.getByTestId('pdf-damaged').waitFor()
    await expect(page.getByTestId('pdf-damaged').textContent()).resolves.toMatch(/broken\.pdf tidak dapat dibaca sebagai PDF/)

    const text = join(testCore.dataDir, 'notes.pdf')
    await writeFile(text, 'these are meeting notes, not a PDF')
    await open(text)
    await page.getByRole('alert').filter({ hasText: 'Berkas ini bukan PDF' }).waitFor()
  })

  it('opens a 352-page document at once and keeps only pages near the view rendered', async () => {
    const started = Date.now()
    await open(corpus('pdfjs-freeculture-352pages.pdf'))
    await page.getByText('/ 352').waitFor()
    const layoutMs = Date.now() - started
    await page.getByTestId('placement-layer-352').waitFor({ state: 'attached' })
    const rendered = () => page.getByTestId('pdf-pages').locator('canvas').evaluateAll((canvases) => canvases.filter((canvas) => (canvas as HTMLCanvasElement).width > 0).length)
    await expect.poll(rendered, { timeout: 20_000 }).toBeGreaterThan(0)
    // Measured here: every page laid out in ~0.9 s and the first page drawn ~0.1 s later.
    expect(layoutMs).toBeLessThan(5_000)
    expect(await rendered()).toBeLessThan(8)
    await page.getByLabel('Halaman', { exact: true }).fill('300')
    await page.getByLabel('Halaman', { exact: true }).press('Enter')
    await expect.poll(() => page.getByTestId('pdf-pages').locator('[data-page="300"] canvas').evaluate((canvas) => (canvas as HTMLCanvasElement).width)).toBeGreaterThan(0)
    expect(await rendered()).toBeLessThan(8)
    // The thumbnail strip follows the current page.
    await expect.poll(() => page.getByRole('button', { name: 'Ke halaman 300' }).evaluate((button) => button.classList.contains('current'))).toBe(true)
    await expect.poll(() => page.getByRole('button', { name: 'Ke halaman 300' }).isVisible()).toBe(true)
  })
})
