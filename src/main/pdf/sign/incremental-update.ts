import { randomBytes } from 'node:crypto'
import { PDFDict, PDFHexString, PDFName, PDFNumber, type PDFContext, type PDFObject, type PDFRef } from 'pdf-lib'
import { PdfRef, PdfString } from '../core/pdf-syntax'
import type { PdfFile } from './pdf-file'
import { pdfLibRef, toPdfLib } from './pdf-lib-objects'

/** One object of the update: new, or a changed copy of an existing one under its old number. */
export interface UpdateObject {
  ref: PDFRef
  body: Uint8Array
}

export interface IncrementalUpdate {
  /** Everything appended after the original bytes. */
  bytes: Buffer
  /** Where each object's body starts within `bytes`, by object number. */
  bodyStarts: Map<number, number>
}

export function serializeObject(object: PDFObject): Uint8Array {
  const bytes = new Uint8Array(object.sizeInBytes())
  object.copyBytesInto(bytes, 0)
  return bytes
}

/**
 * The bytes to append: the objects, then a cross-reference section of the same kind as the file's
 * newest one (a table for hybrid files, whose new objects are all uncompressed) chained to it by
 * /Prev, and a trailer carrying /Root, /Info and /ID. Offsets count from the same base as the
 * file's own.
 */
export function buildIncrementalUpdate(file: PdfFile, context: PDFContext, objects: UpdateObject[], endsWithNewline: boolean): IncrementalUpdate {
  const chunks: Buffer[] = []
  let length = 0
  const push = (chunk: Buffer | Uint8Array) => {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    chunks.push(buffer)
    length += buffer.length
  }
  if (!endsWithNewline) push(Buffer.from('\n'))

  const offsets = new Map<number, { offset: number; generation: number }>()
  const bodyStarts = new Map<number, number>()
  for (const { ref, body } of objects) {
    offsets.set(ref.objectNumber, { offset: file.size + length - file.offsetBase, generation: ref.generationNumber })
    push(Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n`, 'latin1'))
    bodyStarts.set(ref.objectNumber, length)
    push(body)
    push(Buffer.from('\nendobj\n', 'latin1'))
  }

  const highestWritten = Math.max(...offsets.keys())
  const trailer = trailerFor(file, context)
  const xrefOffset = file.size + length - file.offsetBase
  if (file.xrefKind === 'stream') {
    const xrefNumber = Math.max(highestWritten + 1, file.nextObjectNumber)
    offsets.set(xrefNumber, { offset: xrefOffset, generation: 0 })
    trailer.set(PDFName.of('Size'), PDFNumber.of(xrefNumber + 1))
    push(Buffer.from(`${xrefNumber} 0 obj\n`, 'latin1'))
    push(xrefStream(trailer, offsets, xrefOffset))
    push(Buffer.from('\nendobj\n', 'latin1'))
  } else {
    trailer.set(PDFName.of('Size'), PDFNumber.of(Math.max(highestWritten + 1, file.nextObjectNumber)))
    push(Buffer.from(`xref\n${xrefTable(offsets)}trailer\n`, 'latin1'))
    push(serializeObject(trailer))
    push(Buffer.from('\n', 'latin1'))
  }
  push(Buffer.from(`startxref\n${xrefOffset}\n%%EOF\n`, 'latin1'))
  return { bytes: Buffer.concat(chunks, length), bodyStarts }
}

function trailerFor(file: PdfFile, context: PDFContext): PDFDict {
  const trailer = PDFDict.withContext(context)
  for (const key of ['Root', 'Info']) {
    const value = file.trailer.get(key)
    if (value instanceof PdfRef) trailer.set(PDFName.of(key), pdfLibRef(value))
  }
  // The first ID names the document for good; the second changes with every revision.
  const previousId = file.trailer.get('ID')
  const first = Array.isArray(previousId) ? previousId[0] : undefined
  const revisionId = PDFHexString.of(randomBytes(16).toString('hex'))
  trailer.set(PDFName.of('ID'), context.obj([first instanceof PdfString ? toPdfLib(first, context) : revisionId, revisionId]))
  trailer.set(PDFName.of('Prev'), PDFNumber.of(file.startxref))
  return trailer
}

function runsOf(numbers: number[]): number[][] {
  const runs: number[][] = []
  for (const number of [...numbers].sort((a, b) => a - b)) {
    const run = runs[runs.length - 1]
    if (run && run[run.length - 1] === number - 1) run.push(number)
    else runs.push([number])
  }
  return runs
}

function xrefTable(offsets: Map<number, { offset: number; generation: number }>): string {
  let text = ''
  for (const run of runsOf([...offsets.keys()])) {
    text += `${run[0]} ${run.length}\n`
    for (const number of run) {
      const entry = offsets.get(number) as { offset: number; generation: number }
      // Each entry is exactly 20 bytes, ending in CR LF.
      text += `${String(entry.offset).padStart(10, '0')} ${String(entry.generation).padStart(5, '0')} n\r\n`
    }
  }
  return text
}

function xrefStream(dict: PDFDict, offsets: Map<number, { offset: number; generation: number }>, largestOffset: number): Buffer {
  const offsetWidth = Math.max(1, Math.ceil(Math.log2(largestOffset + 1) / 8))
  const runs = runsOf([...offsets.keys()])
  const entryWidth = 1 + offsetWidth + 2
  const data = Buffer.alloc(offsets.size * entryWidth)
  let at = 0
  for (const run of runs) {
    for (const number of run) {
      const entry = offsets.get(number) as { offset: number; generation: number }
      data[at] = 1
      data.writeUIntBE(entry.offset, at + 1, offsetWidth)
      data.writeUInt16BE(entry.generation, at + 1 + offsetWidth)
      at += entryWidth
    }
  }
  dict.set(PDFName.of('Type'), PDFName.of('XRef'))
  dict.set(PDFName.of('W'), dict.context.obj([1, offsetWidth, 2]))
  dict.set(PDFName.of('Index'), dict.context.obj(runs.flatMap((run) => [run[0] as number, run.length])))
  dict.set(PDFName.of('Length'), PDFNumber.of(data.length))
  return Buffer.concat([Buffer.from(serializeObject(dict)), Buffer.from('\nstream\n'), data, Buffer.from('\nendstream')])
}
