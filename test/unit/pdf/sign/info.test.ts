import { describe, expect, it } from 'vitest'
import { readPdfInfo } from '../../../../src/main/pdf/sign'
import type { PdfRect } from '../../../../src/shared/pdf-types'
import { corpusManifest, isDamaged } from './support'

/*
 * `pdf info` against what the corpus manifest measured with qpdf and pdfinfo: page count, page 1's
 * boxes (inherited, CropBox clipped to the MediaBox, US Letter when there is none), every page's
 * /Rotate normalised, the newest cross-reference section, the version.
 */

const parseBox = (text: string): PdfRect => text.replace(/[[\]]/g, '').trim().split(/\s+/).map(Number) as unknown as PdfRect
const close = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((value, index) => Math.abs(value - (b[index] as number)) < 0.001)
const readable = corpusManifest().filter((entry) => !isDamaged(entry) && entry.pages > 0 && !Number.isNaN(entry.pages))

describe('readPdfInfo on the corpus', () => {
  it.each(readable.map((entry) => [entry.file, entry] as const))('%s matches the manifest', async (_file, entry) => {
    if (entry.encrypted && entry.xref.includes('objstm=yes')) {
      // Its page objects sit in object streams, which are encrypted with the document.
      await expect(readPdfInfo(entry.path)).rejects.toMatchObject({ code: 'PDF_ENCRYPTED' })
      return
    }
    const info = await readPdfInfo(entry.path)
    expect(info.encrypted).toBe(entry.encrypted)
    expect(info.pageCount).toBe(entry.pages)
    expect(info.pages.map((page) => page.pageNumber)).toEqual(Array.from({ length: entry.pages }, (_, index) => index + 1))

    const page1 = info.pages[0]
    const media = entry.mediaBoxPage1 === '(missing)' ? ([0, 0, 612, 792] as PdfRect) : parseBox(entry.mediaBoxPage1)
    expect(close(page1?.mediaBox ?? [], media), `MediaBox ${page1?.mediaBox}`).toBe(true)
    const crop = entry.cropBoxPage1.startsWith('(none') ? media : parseBox(entry.cropBoxPage1)
    const clipped = [Math.max(crop[0], media[0]), Math.max(crop[1], media[1]), Math.min(crop[2], media[2]), Math.min(crop[3], media[3])]
    expect(close(page1?.cropBox ?? [], clipped), `CropBox ${page1?.cropBox}`).toBe(true)

    const expectedRotations = new Set(entry.rotations.split(',').map((value) => (((Number(value) % 360) + 360) % 360) as number))
    expect(new Set(info.pages.map((page) => page.rotate))).toEqual(expectedRotations)

    if (entry.xref === 'no (classic xref table); objstm=no') expect(info.xref).toBe('table')
    if (entry.xref.startsWith('yes (xref stream);')) expect(info.xref).toBe('stream')
    const header = /pdf=(\d\.\d)/.exec(entry.notes)?.[1]
    const catalog = /catalog \/Version (\d\.\d)/.exec(entry.notes)?.[1]
    expect(info.version).toBe(catalog ?? header)
  })

  it('lists signature fields: signed or empty, with page and /Rect', async () => {
    const [twice] = readable.filter((entry) => entry.file === 'pyhanko-two-fields-signed-twice.pdf')
    const info = await readPdfInfo((twice as { path: string }).path)
    expect(info.signatureFields.map((field) => [field.name, field.signed, field.pageNumber])).toEqual([
      ['Sig1', true, 1],
      ['Sig2', true, 1],
    ])
    const [empty] = readable.filter((entry) => entry.file === 'pyhanko-pdf20-tagged-two-empty-sig-fields.pdf')
    const emptyInfo = await readPdfInfo((empty as { path: string }).path)
    expect(emptyInfo.signatureFields.every((field) => !field.signed && field.pageNumber === 1 && field.rect !== undefined)).toBe(true)
    expect(emptyInfo.signatureFields).toHaveLength(2)
  })

  it('normalises /Rotate values outside 0..270, negatives included', async () => {
    const [entry] = readable.filter((candidate) => candidate.file === 'qpdf-noncanonical-rotate-values.pdf')
    const info = await readPdfInfo((entry as { path: string }).path)
    expect(info.pages.every((page) => [0, 90, 180, 270].includes(page.rotate))).toBe(true)
    expect(info.pages.some((page) => page.userUnit !== 1)).toBe(true)
  })

  it('tells a hybrid file (a table with /XRefStm) from tables and streams', async () => {
    const [hybrid] = readable.filter((entry) => entry.file === 'pyhanko-hybrid-xref.pdf')
    expect((await readPdfInfo((hybrid as { path: string }).path)).xref).toBe('hybrid')
  })
})
