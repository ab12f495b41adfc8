import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PdfFileReader } from '../../../../src/main/pdf/core/file-reader'
import { PdfObjectReader, type PdfReaderOptions } from '../../../../src/main/pdf/core/pdf-reader'
import { PdfDict, PdfRef } from '../../../../src/main/pdf/core/pdf-syntax'

const STRICT: PdfReaderOptions = { strict: true, mergeTrailers: true, repair: false, damaged: (problem) => new Error(`damaged: ${problem}`) }
const LENIENT: PdfReaderOptions = { strict: false, mergeTrailers: false, repair: true }

/** A two-revision PDF; the first trailer has /Info, the second not. `misplace` points object 2's entry into the header. */
function twoRevisions(misplace: boolean): Buffer {
  let text = '%PDF-1.4\n'
  const catalog = text.length
  text += '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n'
  const pages = text.length
  text += '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n'
  const info = text.length
  text += '3 0 obj\n<< /Title (First) >>\nendobj\n'
  const entry = (offset: number) => `${String(offset).padStart(10, '0')} 00000 n \n`
  const firstXref = text.length
  text += `xref\n0 4\n0000000000 65535 f \n${entry(catalog)}${entry(misplace ? 3 : pages)}${entry(info)}trailer\n<< /Size 4 /Root 1 0 R /Info 3 0 R >>\nstartxref\n${firstXref}\n%%EOF\n`
  const secondXref = text.length
  text += `xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 4 /Root 1 0 R /Prev ${firstXref} >>\nstartxref\n${secondXref}\n%%EOF\n`
  return Buffer.from(text, 'latin1')
}

describe('the shared cross-reference reader', () => {
  let directory: string
  const open = async (name: string, misplace: boolean, options: PdfReaderOptions) => {
    const path = join(directory, name)
    await writeFile(path, twoRevisions(misplace))
    return PdfObjectReader.read(await PdfFileReader.open(path), 0, options)
  }

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pdf-reader-'))
  })
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('merges trailers over the chain when asked, else keeps the newest', async () => {
    const strict = await open('merge-strict.pdf', false, STRICT)
    const lenient = await open('merge-lenient.pdf', false, LENIENT)
    expect(strict.trailer.get('Info')).toEqual(new PdfRef(3, 0))
    expect(lenient.trailer.get('Info')).toBeUndefined()
    for (const reader of [strict, lenient]) {
      expect(reader.nextObjectNumber).toBe(4)
      expect(await reader.dict(new PdfRef(2, 0))).toBeInstanceOf(PdfDict)
      await reader.close()
    }
  })

  it('strictly reports a misplaced object as damage; with repair, finds it by scanning', async () => {
    const strict = await open('damaged-strict.pdf', true, STRICT)
    await expect(strict.object(new PdfRef(2, 0))).rejects.toThrow(/^damaged: /)
    await strict.close()
    const lenient = await open('damaged-lenient.pdf', true, LENIENT)
    // The repair happens when the misplaced object is first asked for.
    expect(lenient.repaired).toBe(false)
    expect((await lenient.dict(new PdfRef(2, 0)))?.get('Count')).toBe(0)
    expect(lenient.repaired).toBe(true)
    await lenient.close()
  })

  it('strictly checks generations; leniently ignores them', async () => {
    const strict = await open('generation-strict.pdf', false, STRICT)
    const lenient = await open('generation-lenient.pdf', false, LENIENT)
    expect(await strict.object(new PdfRef(2, 1))).toBeUndefined()
    expect(await lenient.object(new PdfRef(2, 1))).toBeInstanceOf(PdfDict)
    await strict.close()
    await lenient.close()
  })
})
