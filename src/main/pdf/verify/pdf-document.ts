import type { PdfFileReader } from '../core/file-reader'
import { PdfObjectReader } from '../core/pdf-reader'
import { openStandardSecurity } from './standard-security'

/** The verifier's view of a PDF: read leniently, repaired by scanning when its chain is broken, strings of empty-password files decrypted. */
export type PdfDocument = PdfObjectReader

export function openPdfDocument(file: PdfFileReader, headerOffset: number): Promise<PdfDocument> {
  return PdfObjectReader.read(file, headerOffset, { strict: false, mergeTrailers: false, repair: true, decryption: openStandardSecurity })
}
