import { describe, expect, it } from 'vitest'
import { createOpenDocuments } from '../../src/main/documents/open-documents'

describe('open documents', () => {
  it('keeps a PDF under a handle and hands its bytes back', () => {
    const documents = createOpenDocuments()
    const bytes = Buffer.from('%PDF-1.7\n%%EOF\n')
    const handle = documents.open('kontrak.pdf', bytes)
    expect(handle).toEqual({ docId: expect.stringMatching(/^[0-9a-f-]{36}$/), fileName: 'kontrak.pdf', size: bytes.length })
    expect(documents.get(handle.docId).bytes.equals(bytes)).toBe(true)
    expect(documents.close(handle.docId)).toBe(true)
    expect(() => documents.get(handle.docId)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }))
  })

  it('accepts junk before the header, as viewers do, and refuses what is not a PDF', () => {
    const documents = createOpenDocuments()
    expect(documents.open('scan.pdf', Buffer.concat([Buffer.alloc(14, 0x20), Buffer.from('%PDF-1.4\n')])).size).toBe(23)
    expect(() => documents.open('notes.pdf', Buffer.from('meeting notes'))).toThrow(expect.objectContaining({ code: 'PDF_NOT_A_PDF', message: expect.stringMatching(/notes\.pdf is not a PDF/) }))
  })
})
