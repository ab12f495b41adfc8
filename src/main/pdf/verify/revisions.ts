import type { PdfFileReader } from '../core/file-reader'
import { asInteger, PdfDict, PdfParser } from '../core/pdf-syntax'

/**
 * Where each revision of the file ends: after every `%%EOF` marker, except a linearized file's
 * first-page marker (which sits before the main cross-reference table, /T in the linearization
 * dictionary). An update cut short after its `startxref` still counts, ending at the end of the
 * file; junk after the last marker does not.
 */
export async function findRevisionEnds(file: PdfFileReader, headerOffset: number): Promise<number[]> {
  const found = await file.findAll(/%%EOF|startxref/)
  const mainXref = await linearizedMainXrefOffset(file, headerOffset)
  const ends = found
    .filter(({ offset, match }) => match[0] === '%%EOF' && (mainXref === undefined || offset > mainXref))
    .map(({ offset }) => offset + '%%EOF'.length)
  const lastEnd = ends.at(-1) ?? 0
  const unterminated = found.some(({ offset, match }) => match[0] === 'startxref' && offset >= lastEnd)
  if (ends.length === 0 || unterminated) ends.push(file.size)
  return ends
}

/** The /T of a linearization dictionary at the start of the file. */
async function linearizedMainXrefOffset(file: PdfFileReader, headerOffset: number): Promise<number | undefined> {
  const head = await file.read(headerOffset, 2048)
  const objectStart = head.toString('latin1').search(/\d+[\0\t\n\f\r ]+\d+[\0\t\n\f\r ]+obj/)
  if (objectStart < 0) return undefined
  try {
    const { value } = new PdfParser(head, headerOffset, head.length < 2048, objectStart).parseIndirectObject()
    return value instanceof PdfDict && value.has('Linearized') ? asInteger(value.get('T')) : undefined
  } catch {
    return undefined
  }
}
