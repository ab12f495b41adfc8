/**
 * The placement mapping against pdf.js itself, on the real corpus: for every page pdf.js opens,
 * the geometry derived from the file's raw entries equals pdf.js's `view`/`rotate`/`userUnit`,
 * and the mapping equals `PageViewport`'s transform in both directions at several scales.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { PDFObject, PDFPageLeaf } from 'pdf-lib'
import { PDFArray, PDFDocument, PDFName, PDFNumber } from 'pdf-lib'
import type { PageViewport, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { describe, expect, it, vi } from 'vitest'
import type { PdfRect } from '../../../src/shared/pdf-types'
import type { PageView } from '../../../src/shared/placement/geometry'
import { normalizePdfRect, pdfPointToViewport, pdfRectToViewport, viewportPointToPdf, viewportRectToPdf, viewportSize } from '../../../src/shared/placement/geometry'
import type { RawPageEntries } from '../../../src/shared/placement/page-geometry'
import { pageViewFromPdfJs, resolvePageGeometry } from '../../../src/shared/placement/page-geometry'

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/pdf/', import.meta.url))

/** The files the brief names for rotations, offsets, CropBoxes and odd /Rotate values: all must be checked. */
const REQUIRED_FILES = [
  'qpdf-boxes-nonzero-origin-all-rotations.pdf',
  'qpdf-noncanonical-rotate-values.pdf',
  'pdfcpu-hl1396-rotate-180-270.pdf',
  'pdfjs-cropbox-smaller.pdf',
  'pdfjs-mediabox-nonzero-origin-mixed-sizes.pdf',
  'pdfjs-irs-form-negative-origin-ur3.pdf',
  'samplefiles-arabic-rotate-90-180-270-360.pdf',
  'qpdf-inherited-rotate-90.pdf',
  'qpdf-rotated-20pages-0-90-180-270.pdf',
  'qpdf-boxes2-cropbox-smaller.pdf',
  'pdfjs-freeculture-352pages.pdf',
  'pyhanko-page-without-mediabox.pdf',
]

/** Viewport scales as the renderer uses them: fit, 100 % in CSS px (96/72), zoom steps. */
const SCALES = [0.37, 1, 96 / 72, 2.5]
/** Fractions of the page: corners, inside, and outside it (the pointer can leave the page while dragging). */
const FRACTIONS = [0, 0.25, 0.5, 1, -0.1, 0.618, 1.07]
const RECT_FRACTIONS: [number, number, number, number][] = [
  [0, 0, 1, 1],
  [0.1, 0.2, 0.3, 0.25],
  [0.9, 0.95, 0.6, 0.7],
  [0.75, 0.05, 0.98, 0.12],
]

interface CorpusFile {
  file: string
  password: string | undefined
}

function corpusFiles(): CorpusFile[] {
  const [, ...rows] = readFileSync(`${CORPUS}MANIFEST.tsv`, 'utf8').trim().split('\n')
  return rows
    .map((row) => row.split('\t'))
    .filter((columns) => !columns[11]?.startsWith('n/a')) // public-key encryption: no password opens it
    .map((columns) => {
      const user = /^user=(\S+)/.exec(columns[11] ?? '')?.[1]
      return { file: columns[0] ?? '', password: user === '(empty)' ? '' : user }
    })
}

/** The raw page entries, after /Parent inheritance, read without any of pdf.js's rules. */
function rawEntries(leaf: PDFPageLeaf, pageNumber: number): RawPageEntries {
  const numberOf = (object: PDFObject | undefined): number | undefined => {
    const value = object && leaf.context.lookup(object)
    return value instanceof PDFNumber ? value.asNumber() : undefined
  }
  const numbersOf = (object: PDFObject | undefined): number[] | undefined => {
    const value = object && leaf.context.lookup(object)
    if (!(value instanceof PDFArray)) return undefined
    const numbers = value.asArray().map(numberOf)
    return numbers.every((entry) => entry !== undefined) ? (numbers as number[]) : undefined
  }
  return {
    pageNumber,
    mediaBox: numbersOf(leaf.getInheritableAttribute(PDFName.of('MediaBox'))),
    cropBox: numbersOf(leaf.getInheritableAttribute(PDFName.of('CropBox'))),
    rotate: numberOf(leaf.getInheritableAttribute(PDFName.of('Rotate'))),
    userUnit: numberOf(leaf.get(PDFName.of('UserUnit'))),
  }
}

/** pdf-lib cannot read every damaged file pdf.js repairs; those pages are checked against pdf.js's view only. */
async function rawEntriesOfDocument(bytes: Uint8Array): Promise<RawPageEntries[] | undefined> {
  // pdf-lib warns on the console about each object it skips in a damaged file.
  const quiet = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  try {
    const document = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false })
    return document.getPages().map((page, index) => rawEntries(page.node, index + 1))
  } catch {
    return undefined
  } finally {
    quiet.mockRestore()
  }
}

const coverage = {
  files: new Set<string>(),
  pages: 0,
  pagesWithRawGeometry: 0,
  rawRotations: new Set<number>(),
  rotations: new Set<number>(),
  userUnits: new Set<number>(),
  nonZeroOriginPages: 0,
  cropSmallerPages: 0,
  pointComparisons: 0,
  rectComparisons: 0,
}

/** Equal within 1e-9 (relative for large values). `what` names the comparison, built only on failure: there are ~400k. */
function expectSame(actual: number, expected: number, what: () => string) {
  if (Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected))) return
  expect.fail(`${what()}: ${actual}, pdf.js ${expected}`)
}

/** Two points pdf.js returned, as a rect with ordered corners. */
function cornersToRect([ax = Number.NaN, ay = Number.NaN]: number[], [bx = Number.NaN, by = Number.NaN]: number[]): PdfRect {
  return normalizePdfRect([ax, ay, bx, by])
}

function checkMapping(page: PageView, viewport: PageViewport, scale: number, where: string) {
  const size = viewportSize(page, scale)
  expectSame(size.width, viewport.width, () => `${where} width`)
  expectSame(size.height, viewport.height, () => `${where} height`)
  const [x0, y0, x1, y1] = page.cropBox
  for (const fx of FRACTIONS) {
    for (const fy of FRACTIONS) {
      const onScreen = { x: fx * viewport.width, y: fy * viewport.height }
      const [pdfX = Number.NaN, pdfY = Number.NaN]: number[] = viewport.convertToPdfPoint(onScreen.x, onScreen.y)
      const mine = viewportPointToPdf(page, scale, onScreen)
      expectSame(mine.x, pdfX, () => `${where} convertToPdfPoint(${onScreen.x}, ${onScreen.y}).x`)
      expectSame(mine.y, pdfY, () => `${where} convertToPdfPoint(${onScreen.x}, ${onScreen.y}).y`)

      const inPdf = { x: x0 + fx * (x1 - x0), y: y0 + fy * (y1 - y0) }
      const [viewX = Number.NaN, viewY = Number.NaN]: number[] = viewport.convertToViewportPoint(inPdf.x, inPdf.y)
      const shown = pdfPointToViewport(page, scale, inPdf)
      expectSame(shown.x, viewX, () => `${where} convertToViewportPoint(${inPdf.x}, ${inPdf.y}).x`)
      expectSame(shown.y, viewY, () => `${where} convertToViewportPoint(${inPdf.x}, ${inPdf.y}).y`)
      coverage.pointComparisons += 2
    }
  }
  for (const [a, b, c, d] of RECT_FRACTIONS) {
    // pdf.js's convertToViewportRectangle: both corners through the transform, then normalised.
    const rect: PdfRect = [x0 + a * (x1 - x0), y0 + b * (y1 - y0), x0 + c * (x1 - x0), y0 + d * (y1 - y0)]
    const [left, top, right, bottom] = cornersToRect(viewport.convertToViewportPoint(rect[0], rect[1]), viewport.convertToViewportPoint(rect[2], rect[3]))
    const shown = pdfRectToViewport(page, scale, rect)
    expectSame(shown.x, left, () => `${where} rect x`)
    expectSame(shown.y, top, () => `${where} rect y`)
    expectSame(shown.x + shown.width, right, () => `${where} rect right`)
    expectSame(shown.y + shown.height, bottom, () => `${where} rect bottom`)

    const drawn = { x: a * viewport.width, y: b * viewport.height, width: (c - a) * viewport.width, height: (d - b) * viewport.height }
    const expected = cornersToRect(viewport.convertToPdfPoint(drawn.x, drawn.y), viewport.convertToPdfPoint(drawn.x + drawn.width, drawn.y + drawn.height))
    viewportRectToPdf(page, scale, drawn).forEach((value, index) => expectSame(value, expected[index]!, () => `${where} drawn rect [${index}]`))
    coverage.rectComparisons += 2
  }
}

async function checkPage(jsPage: PDFPageProxy, raw: RawPageEntries | undefined, where: string) {
  const page = pageViewFromPdfJs(jsPage)
  coverage.pages++
  coverage.rotations.add(page.rotate)
  coverage.userUnits.add(page.userUnit)
  if (page.cropBox[0] !== 0 || page.cropBox[1] !== 0) coverage.nonZeroOriginPages++

  if (raw) {
    // Main derives the geometry from the file; it must be what pdf.js shows.
    const geometry = resolvePageGeometry(raw)
    geometry.cropBox.forEach((value, index) => expectSame(value, jsPage.view[index] ?? Number.NaN, () => `${where} visible box [${index}]`))
    expect(geometry.rotate, `${where} rotate (raw ${raw.rotate})`).toBe(jsPage.rotate)
    expect(geometry.userUnit, `${where} userUnit`).toBe(jsPage.userUnit)
    coverage.pagesWithRawGeometry++
    coverage.rawRotations.add(raw.rotate ?? 0)
    if (geometry.cropBox.some((value, index) => value !== geometry.mediaBox[index])) coverage.cropSmallerPages++
  }

  for (const scale of SCALES) checkMapping(page, jsPage.getViewport({ scale }), scale, `${where} @${scale}`)
}

describe('placement mapping = pdf.js PageViewport, on every corpus PDF pdf.js opens', () => {
  const files = corpusFiles()

  it.each(files)('$file', async ({ file, password }) => {
    const bytes = new Uint8Array(readFileSync(`${CORPUS}${file}`))
    const raw = await rawEntriesOfDocument(bytes.slice())
    const loading = getDocument({ data: bytes, password, verbosity: 0 })
    try {
      const document = await loading.promise
      if (raw) expect(raw.length, `${file} page count`).toBe(document.numPages)
      for (let pageNumber = 1; pageNumber <= document.numPages; pageNumber++) {
        await checkPage(await document.getPage(pageNumber), raw?.[pageNumber - 1], `${file} p${pageNumber}`)
      }
      coverage.files.add(file)
    } finally {
      await loading.destroy()
    }
  })

  // Runs after the files above (tests in a file run in order): a shrinking corpus or a skipped file fails here.
  it('covered every rotation, odd /Rotate values, UserUnits, offsets and smaller CropBoxes', () => {
    expect(REQUIRED_FILES.filter((file) => !coverage.files.has(file))).toEqual([])
    expect(coverage.files.size).toBeGreaterThanOrEqual(84)
    expect(coverage.pages).toBeGreaterThanOrEqual(967)
    expect(coverage.pagesWithRawGeometry).toBeGreaterThanOrEqual(932)
    // Per page and scale: 49 viewport points and 49 PDF points, 4 rects each way.
    expect(coverage.pointComparisons).toBeGreaterThanOrEqual(379_000)
    expect(coverage.rectComparisons).toBeGreaterThanOrEqual(30_900)
    expect([...coverage.rotations].sort((a, b) => a - b)).toEqual([0, 90, 180, 270])
    expect([...coverage.rawRotations]).toEqual(expect.arrayContaining([-450, -270, -180, -90, 360, 540, 990]))
    expect([...coverage.userUnits]).toEqual(expect.arrayContaining([0.75, 1.25, 1.5, 2]))
    expect(coverage.nonZeroOriginPages).toBeGreaterThan(0)
    expect(coverage.cropSmallerPages).toBeGreaterThan(0)
  })
})
