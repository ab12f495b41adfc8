import { randomUUID } from 'node:crypto'
import { MAX_DOCUMENT_BYTES, type DocumentHandle } from '../../shared/contract'
import { TekenError } from '../../shared/errors'

/** A PDF starts with "%PDF-" within its first kilobyte (some writers put junk before the header). */
export function assertLooksLikePdf(fileName: string, bytes: Uint8Array): void {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1')
  if (!head.includes('%PDF-')) throw new TekenError('PDF_NOT_A_PDF', `${fileName} is not a PDF (it does not start with %PDF-).`, { fileName })
}

/**
 * The documents the user has open, held by main: the renderer holds only a handle (`docId`) and asks
 * main for the bytes to preview, so no file path ever reaches it.
 */
export function createOpenDocuments() {
  const documents = new Map<string, { fileName: string; bytes: Buffer }>()

  return {
    open(fileName: string, bytes: Buffer): DocumentHandle {
      if (bytes.length > MAX_DOCUMENT_BYTES) throw new TekenError('INVALID_REQUEST', `${fileName} is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`)
      assertLooksLikePdf(fileName, bytes)
      const docId = randomUUID()
      documents.set(docId, { fileName, bytes })
      return { docId, fileName, size: bytes.length }
    },

    get(docId: string): { fileName: string; bytes: Buffer } {
      const document = documents.get(docId)
      if (!document) throw new TekenError('INVALID_REQUEST', 'That document is no longer open; open it again.')
      return document
    },

    close: (docId: string): boolean => documents.delete(docId),
  }
}

export type OpenDocuments = ReturnType<typeof createOpenDocuments>
