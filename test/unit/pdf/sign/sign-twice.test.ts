import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPdfInfo, signPdf, type SignaturePlacement, type SignPdfResult } from '../../../../src/main/pdf/sign'
import type { PageGeometry, PdfRect } from '../../../../src/shared/pdf-types'
import { makeGeneratedPdfs, type GeneratedPdf } from './generated'
import { corpusManifest, isDamaged, makeTestIdentity, pdfsig, qpdfCheck, qpdfFields, qpdfObject, specimenPng, type TestIdentity } from './support'

/*
 * Every readable corpus file and every generated input is signed twice, the second signature by
 * incremental update on the first's output, and then judged by tools Teken does not share code
 * with: pdfsig (both signatures valid, earlier ones unchanged), qpdf --check, qpdf's view of the
 * form (field on the right page, widget /Rect exactly as asked), and a byte comparison (each
 * revision is a prefix of the next).
 */

/** Certified "no changes allowed": signing it must be refused (see errors.test.ts), not done. */
const CERTIFIED_NO_CHANGES = 'pyhanko-certified-docmdp.pdf'

const corpus = corpusManifest().filter((entry) => !entry.encrypted && !isDamaged(entry) && entry.file !== CERTIFIED_NO_CHANGES)

/** A box of up to 180 × 60 pt inside the visible area, towards one corner, on a 0.01 pt grid. */
function boxIn(page: PageGeometry, corner: 'lower-left' | 'upper-right'): PdfRect {
  const [x0, y0, x1, y1] = page.cropBox
  const width = Math.min(180, (x1 - x0) * 0.4)
  const height = Math.min(60, (y1 - y0) * 0.25)
  const inward = (value: number, direction: 1 | -1) => (direction === 1 ? Math.ceil(value * 100) : Math.floor(value * 100)) / 100
  if (corner === 'lower-left') {
    const left = inward(x0 + (x1 - x0) * 0.05, 1)
    const bottom = inward(y0 + (y1 - y0) * 0.05, 1)
    return [left, bottom, inward(left + width, -1), inward(bottom + height, -1)]
  }
  const right = inward(x1 - (x1 - x0) * 0.05, -1)
  const top = inward(y1 - (y1 - y0) * 0.05, -1)
  return [inward(right - width, 1), inward(top - height, 1), right, top]
}

describe('signing every readable corpus file and generated PDF twice', () => {
  let work: string
  let signer: TestIdentity
  let generated: GeneratedPdf[] = []
  const clock = { now: () => new Date() }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-sign-twice-'))
    signer = await makeTestIdentity(work)
    generated = await makeGeneratedPdfs(work)
  }, 60_000)
  afterAll(async () => {
    await rm(work, { recursive: true, force: true })
  })

  /**
   * Signs page 1 (visible, lower left) and then the last page (upper right; invisible when
   * `secondInvisible`), and checks everything the tools can tell. `inputWarns` says qpdf already
   * warned about the input.
   */
  async function signTwiceAndJudge(name: string, inputPath: string, options: { inputWarns: boolean; secondInvisible: boolean; specimen: boolean }) {
    const info = await readPdfInfo(inputPath)
    const firstPage = info.pages[0] as PageGeometry
    const lastPage = info.pages[info.pageCount - 1] as PageGeometry
    const placements: SignaturePlacement[] = [
      { page: 1, rect: boxIn(firstPage, 'lower-left'), visible: true, reason: 'Persetujuan kontrak', location: 'Jakarta', certificationLevel: 'NOT_CERTIFIED' },
      {
        page: info.pageCount,
        rect: boxIn(lastPage, 'upper-right'),
        visible: !options.secondInvisible,
        reason: 'Mengetahui (saksi)',
        certificationLevel: 'NOT_CERTIFIED',
        speciment: options.specimen ? specimenPng() : undefined,
      },
    ]
    const outputs = [join(work, `${name}.signed-1.pdf`), join(work, `${name}.signed-2.pdf`)]
    const before = await pdfsig(inputPath)
    const results: SignPdfResult[] = []
    for (const [index, placement] of placements.entries()) {
      results.push(await signPdf({ inputPath: index === 0 ? inputPath : (outputs[0] as string), outputPath: outputs[index] as string, identity: signer.identity, placement, clock }))
    }

    // Incremental: each revision's bytes are the start of the next, untouched.
    const [original, once, twice] = await Promise.all([readFile(inputPath), readFile(outputs[0] as string), readFile(outputs[1] as string)])
    expect(once.subarray(0, original.length).equals(original), 'input is a prefix of the first output').toBe(true)
    expect(twice.subarray(0, once.length).equals(once), 'first output is a prefix of the second').toBe(true)

    const after = await pdfsig(outputs[1] as string)
    const [first, second] = results as [SignPdfResult, SignPdfResult]
    expect(after.find((signature) => signature.fieldName === first.fieldName)).toMatchObject({ validation: 'Signature is Valid.', totalDocument: false })
    expect(after.find((signature) => signature.fieldName === second.fieldName)).toMatchObject({ validation: 'Signature is Valid.', totalDocument: true })
    for (const earlier of before) expect(after.find((signature) => signature.fieldName === earlier.fieldName)?.validation, `earlier signature ${earlier.fieldName}`).toBe(earlier.validation)

    const check = await qpdfCheck(outputs[1] as string)
    if (options.inputWarns && check.code !== 0) {
      // Only tolerated when every warning is one qpdf already gives for the untouched input bytes.
      const inputWarnings = (await qpdfCheck(inputPath)).warnings
      expect(check.code).toBe(3)
      expect(check.warnings.filter((warning) => !inputWarnings.includes(warning))).toEqual([])
    } else {
      expect(check).toEqual({ code: 0, warnings: [] })
    }

    const fields = await qpdfFields(outputs[1] as string)
    for (const [index, result] of results.entries()) {
      const placement = placements[index] as SignaturePlacement
      const field = fields.find((candidate) => candidate.name === result.fieldName)
      expect(field, result.fieldName).toMatchObject({ type: '/Sig', page: placement.page })
      const widget = await qpdfObject(outputs[1] as string, (field as { annotation: string }).annotation)
      expect(widget['/Rect']).toEqual(placement.visible ? [...placement.rect] : [0, 0, 0, 0])
      expect(widget['/F']).toBe(4)
      expect(result.rect).toEqual(placement.visible ? placement.rect : [0, 0, 0, 0])
    }
  }

  it.concurrent.each(corpus.map((entry, index) => [entry.file, entry, index] as const))(
    'corpus %s: both signatures valid in pdfsig, qpdf clean, earlier bytes untouched, /Rect exact',
    async (_file, entry, index) => {
      // "warnings" inputs here are not damaged: qpdf flags linearization hints or whitespace before an earlier xref.
      await signTwiceAndJudge(entry.file, entry.path, { inputWarns: entry.qpdfCheck === 'warnings', secondInvisible: false, specimen: index % 2 === 0 })
    },
    60_000,
  )

  it('covers the corpus files it should (all but the encrypted, the damaged and the one certified "no changes")', () => {
    expect(corpus.length).toBe(61)
  })

  it.concurrent.each(['classic', 'objstm'].flatMap((kind) => [[kind, false] as const, [kind, true] as const]))('generated PDFs (%s xref kinds), second signature invisible: %s', async (kind, secondInvisible) => {
    for (const pdf of generated.filter((candidate) => (kind === 'objstm') === /objstm|object-stream/.test(candidate.name))) {
      await signTwiceAndJudge(`${pdf.name}-${secondInvisible ? 'invisible' : 'visible'}`, pdf.path, { inputWarns: false, secondInvisible, specimen: true })
    }
  }, 120_000)
})
