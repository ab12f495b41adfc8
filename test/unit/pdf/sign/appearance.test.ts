import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPdfInfo, signPdf } from '../../../../src/main/pdf/sign'
import type { PageGeometry, PdfRect } from '../../../../src/shared/pdf-types'
import { makeGeneratedPdfs, type GeneratedPdf } from './generated'
import { makeTestIdentity, pdfsig, renderPage, type Raster, type TestIdentity } from './support'

/*
 * The visible appearance as poppler draws it (pdftoppm -r 50): the box gets ink where the page was
 * blank, on pages turned by every /Rotate and on boxes away from the origin, and it reads upright:
 * the text block is top-left aligned, so its ink must lean to the top left of the box on screen.
 * An invisible signature changes no pixel.
 */

const SCALE = 50 / 72

/** Where a user-space box lands in pdftoppm's image (which shows the MediaBox, turned by /Rotate). */
function screenBox(page: PageGeometry, rect: PdfRect): { left: number; top: number; right: number; bottom: number } {
  const [mx0, my0, mx1, my1] = page.mediaBox
  const corners = [
    [rect[0], rect[1]],
    [rect[2], rect[3]],
  ].map(([x, y]) => {
    const ux = x as number
    const uy = y as number
    switch (page.rotate) {
      case 90:
        return [uy - my0, ux - mx0]
      case 180:
        return [mx1 - ux, uy - my0]
      case 270:
        return [my1 - uy, mx1 - ux]
      default:
        return [ux - mx0, my1 - uy]
    }
  })
  const xs = corners.map(([x]) => (x as number) * SCALE)
  const ys = corners.map(([, y]) => (y as number) * SCALE)
  return { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) }
}

/** Count and centroid of non-white pixels inside the box, 2 px in from its edges (the frame is excluded). */
function inkIn(raster: Raster, box: { left: number; top: number; right: number; bottom: number }) {
  let count = 0
  let sumX = 0
  let sumY = 0
  for (let y = Math.ceil(box.top) + 2; y < Math.floor(box.bottom) - 2; y += 1) {
    for (let x = Math.ceil(box.left) + 2; x < Math.floor(box.right) - 2; x += 1) {
      const at = (y * raster.width + x) * 3
      if ((raster.rgb[at] as number) < 200 || (raster.rgb[at + 1] as number) < 200 || (raster.rgb[at + 2] as number) < 200) {
        count += 1
        sumX += x
        sumY += y
      }
    }
  }
  return { count, centroidX: sumX / count, centroidY: sumY / count }
}

describe('the visible appearance, rendered by poppler', () => {
  let work: string
  let signer: TestIdentity
  let generated: GeneratedPdf[]
  const clock = { now: () => new Date() }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-sign-appearance-'))
    signer = await makeTestIdentity(work)
    generated = await makeGeneratedPdfs(work)
  }, 60_000)
  afterAll(async () => {
    await rm(work, { recursive: true, force: true })
  })

  const cases = [
    ['generated-rotations-0-90-180-270-classic', 1],
    ['generated-rotations-0-90-180-270-classic', 2],
    ['generated-rotations-0-90-180-270-classic', 3],
    ['generated-rotations-0-90-180-270-classic', 4],
    ['generated-nonzero-origin-smaller-cropbox', 1],
    ['generated-negative-origin-objstm', 1],
    ['generated-negative-origin-objstm', 2],
  ] as const

  it.each(cases)('%s page %i: ink inside the box, leaning top-left on screen (upright)', async (name, pageNumber) => {
    const inputPath = (generated.find((pdf) => pdf.name === name) as GeneratedPdf).path
    const page = (await readPdfInfo(inputPath)).pages[pageNumber - 1] as PageGeometry
    // A box wide on screen: on quarter-turned pages it is tall in user space.
    const [cx0, cy0, cx1, cy1] = page.cropBox
    const sideways = page.rotate === 90 || page.rotate === 270
    const [width, height] = sideways ? [90, 230] : [230, 90]
    const rect: PdfRect = [(cx0 + cx1 - width) / 2, (cy0 + cy1 - height) / 2, (cx0 + cx1 + width) / 2, (cy0 + cy1 + height) / 2]
    const box = screenBox(page, rect)

    const blank = inkIn(await renderPage(inputPath, pageNumber, join(work, `${name}-${pageNumber}-before`)), box)
    expect(blank.count).toBe(0)

    const output = join(work, `${name}-${pageNumber}-signed.pdf`)
    await signPdf({ inputPath, outputPath: output, identity: signer.identity, placement: { page: pageNumber, rect, visible: true, reason: 'Setuju', location: 'Bandung', certificationLevel: 'NOT_CERTIFIED' }, clock })
    expect((await pdfsig(output))[0]?.validation).toBe('Signature is Valid.')
    const raster = await renderPage(output, pageNumber, join(work, `${name}-${pageNumber}-after`))
    const ink = inkIn(raster, box)
    expect(ink.count).toBeGreaterThan(100)
    expect(ink.centroidX).toBeLessThan((box.left + box.right) / 2)
    expect(ink.centroidY).toBeLessThan((box.top + box.bottom) / 2)
  }, 30_000)

  it('an invisible signature leaves the rendered page identical', async () => {
    const inputPath = (generated.find((pdf) => pdf.name === 'generated-rotations-0-90-180-270-classic') as GeneratedPdf).path
    const output = join(work, 'invisible.pdf')
    await signPdf({ inputPath, outputPath: output, identity: signer.identity, placement: { page: 2, rect: [10, 10, 200, 80], visible: false, certificationLevel: 'NOT_CERTIFIED' }, clock })
    expect((await pdfsig(output))[0]?.validation).toBe('Signature is Valid.')
    const before = await renderPage(inputPath, 2, join(work, 'invisible-before'))
    const after = await renderPage(output, 2, join(work, 'invisible-after'))
    expect(after.rgb.equals(before.rgb)).toBe(true)
  })
})
