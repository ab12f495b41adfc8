import { basename } from 'node:path'
import { PdfFileReader } from '../core/file-reader'
import { findHeader } from '../core/file-structure'
import { PdfObjectReader } from '../core/pdf-reader'
import { notAPdf, pdfDamaged, pdfEncrypted } from './pdf-errors'

export type { XrefKind } from '../core/pdf-reader'

/**
 * A PDF file opened for reading by its cross-reference sections, the way a viewer reads it: the
 * trailer, the /Prev chain, then only the objects asked for. Anything the chain does not explain
 * is reported as damage instead of being reconstructed, because a signature appended to a file
 * that viewers must repair could not be verified reliably.
 */
export class PdfFile extends PdfObjectReader {
  private constructor(
    readonly fileName: string,
    reader: PdfFileReader,
    headerOffset: number,
    readonly headerVersion: string,
  ) {
    super(reader, headerOffset, {
      strict: true,
      mergeTrailers: true,
      repair: false,
      damaged: (problem) => pdfDamaged(fileName, problem),
      encrypted: () => pdfEncrypted(fileName),
    })
  }

  static async open(path: string): Promise<PdfFile> {
    const fileName = basename(path)
    const reader = await PdfFileReader.open(path)
    try {
      const header = await findHeader(reader)
      if (!header) throw notAPdf(fileName)
      const file = new PdfFile(fileName, reader, header.offset, header.version)
      await file.load()
      return file
    } catch (error) {
      await reader.close()
      throw error
    }
  }
}
