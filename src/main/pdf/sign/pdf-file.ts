import { basename } from 'node:path'
import { PDFArray, PDFContext, PDFDict, PDFName, PDFNumber, PDFRawStream, PDFRef, type PDFObject } from 'pdf-lib'
import { TekenError } from '../../../shared/errors'
import { PdfFileReader } from '../core/file-reader'
import { findHeader, findStartxref, parseAt, parseXrefTable, readStreamData, xrefStreamRows } from '../core/file-structure'
import { PdfParser, PdfSyntaxError, type Token } from '../core/pdf-syntax'
import { notAPdf, pdfDamaged, pdfEncrypted } from './pdf-errors'
import { toPdfLib } from './pdf-lib-objects'
import { decodeStream } from './stream-decode'

/** The kind of the newest cross-reference section: what an incremental update must append. */
export type XrefKind = 'table' | 'stream' | 'hybrid'

type XrefEntry =
  | { kind: 'free' }
  | { kind: 'offset'; offset: number; generation: number }
  | { kind: 'compressed'; streamNumber: number; index: number }

interface XrefSection {
  kind: XrefKind
  trailer: PDFDict
  entries: Map<number, XrefEntry>
}

interface IndirectObject {
  objectNumber: number
  generation: number
  value: PDFObject
}

interface ObjectStream {
  data: Buffer
  /** Per index: the object number and where it starts in `data`. */
  members: { objectNumber: number; offset: number }[]
}

/** Reference chains and page trees deeper than this are loops or attacks. */
const MAX_REFERENCE_DEPTH = 32

/**
 * A PDF file opened for reading by its cross-reference sections, the way a viewer reads it: the
 * trailer, the /Prev chain, then only the objects asked for. Anything the chain does not explain
 * is reported as damage instead of being reconstructed, because a signature appended to a file
 * that viewers must repair could not be verified reliably.
 */
export class PdfFile {
  private readonly objects = new Map<number, PDFObject | undefined>()
  private readonly objectStreams = new Map<number, ObjectStream>()

  private constructor(
    private readonly context: PDFContext,
    readonly fileName: string,
    readonly reader: PdfFileReader,
    readonly headerVersion: string,
    /** What xref offsets count from: 0, or where "%PDF-" starts for files with junk before it whose offsets start at the header. */
    readonly offsetBase: number,
    /** The startxref value as written, which a new section's /Prev repeats. */
    readonly startxref: number,
    readonly xrefKind: XrefKind,
    /** The newest value of each trailer key over all sections. */
    readonly trailer: PDFDict,
    private readonly entries: Map<number, XrefEntry>,
    /** One more than the highest object number in use: where new objects start. */
    readonly nextObjectNumber: number,
  ) {}

  get size(): number {
    return this.reader.size
  }

  get encrypted(): boolean {
    return this.trailer.get(PDFName.of('Encrypt')) !== undefined
  }

  static async open(path: string): Promise<PdfFile> {
    const fileName = basename(path)
    const reader = await PdfFileReader.open(path)
    try {
      return await PdfFile.read(fileName, reader)
    } catch (error) {
      await reader.close()
      throw error
    }
  }

  private static async read(fileName: string, reader: PdfFileReader): Promise<PdfFile> {
    const header = await findHeader(reader)
    if (!header) throw notAPdf(fileName)
    const { offset: headerOffset, version: headerVersion } = header
    const startxref = await findStartxref(reader)
    if (startxref === undefined) throw pdfDamaged(fileName, 'there is no startxref at the end of the file; it may be truncated')

    const context = PDFContext.create()
    const sectionReader = new SectionReader(reader, context)
    // Offsets count from the start of the file; a few writers count from the header instead.
    let offsetBase: number | undefined
    let newest: XrefSection | undefined
    let fault: string | undefined
    for (const base of headerOffset > 0 ? [headerOffset, 0] : [0]) {
      newest = await sectionReader.sectionAt(base, startxref).catch((error: unknown) => {
        if (error instanceof TekenError) throw error
        fault ??= (error as Error).message
        return undefined
      })
      if (newest) {
        offsetBase = base
        break
      }
    }
    if (!newest || offsetBase === undefined) throw pdfDamaged(fileName, `startxref does not lead to a readable cross-reference section: ${fault}`)

    const sections = [newest]
    const visited = new Set([startxref])
    for (let prev = previousOffset(newest); prev !== undefined; prev = previousOffset(sections[sections.length - 1] as XrefSection)) {
      if (visited.has(prev)) throw pdfDamaged(fileName, 'the cross-reference sections form a loop')
      visited.add(prev)
      const section = await sectionReader.sectionAt(offsetBase, prev).catch((error: unknown) => {
        if (error instanceof TekenError) throw error
        throw pdfDamaged(fileName, 'an earlier cross-reference section (/Prev) is missing or unreadable')
      })
      sections.push(section)
    }

    const entries = new Map<number, XrefEntry>()
    const trailer = PDFDict.withContext(context)
    let declaredSize = 0
    for (const section of sections) {
      for (const [objectNumber, entry] of section.entries) if (!entries.has(objectNumber)) entries.set(objectNumber, entry)
      for (const [key, value] of section.trailer.entries()) if (!trailer.has(key)) trailer.set(key, value)
      const size = section.trailer.get(PDFName.of('Size'))
      if (size instanceof PDFNumber) declaredSize = Math.max(declaredSize, size.asNumber())
    }
    let highest = 0
    for (const objectNumber of entries.keys()) highest = Math.max(highest, objectNumber)
    if (!(trailer.get(PDFName.of('Root')) instanceof PDFRef) && trailer.get(PDFName.of('Encrypt')) === undefined) {
      throw pdfDamaged(fileName, 'the trailer names no document catalog (/Root)')
    }
    return new PdfFile(context, fileName, reader, headerVersion, offsetBase, startxref, newest.kind, trailer, entries, Math.max(declaredSize, highest + 1))
  }

  /** Follows references until a direct object; `undefined` for null, missing or free objects. */
  async resolve(value: PDFObject | undefined): Promise<PDFObject | undefined> {
    for (let depth = 0; value instanceof PDFRef; depth += 1) {
      if (depth > MAX_REFERENCE_DEPTH) throw pdfDamaged(this.fileName, 'references point to each other in a loop')
      value = await this.object(value)
    }
    return value
  }

  async dict(value: PDFObject | undefined): Promise<PDFDict | undefined> {
    const resolved = await this.resolve(value)
    return resolved instanceof PDFDict ? resolved : undefined
  }

  async array(value: PDFObject | undefined): Promise<PDFArray | undefined> {
    const resolved = await this.resolve(value)
    return resolved instanceof PDFArray ? resolved : undefined
  }

  async number(value: PDFObject | undefined): Promise<number | undefined> {
    const resolved = await this.resolve(value)
    return resolved instanceof PDFNumber ? resolved.asNumber() : undefined
  }

  async object(ref: PDFRef): Promise<PDFObject | undefined> {
    const objectNumber = ref.objectNumber
    if (this.objects.has(objectNumber)) return this.objects.get(objectNumber)
    const entry = this.entries.get(objectNumber)
    let value: PDFObject | undefined
    if (entry?.kind === 'offset' && entry.generation === ref.generationNumber) {
      const found = await this.readIndirect(this.offsetBase + entry.offset, (length) => this.number(length))
      if (found.objectNumber !== objectNumber) throw pdfDamaged(this.fileName, `object ${objectNumber} is not where the cross-reference table says`)
      value = found.value
    } else if (entry?.kind === 'compressed' && ref.generationNumber === 0) {
      value = await this.compressedObject(objectNumber, entry.streamNumber, entry.index)
    }
    this.objects.set(objectNumber, value)
    return value
  }

  close(): Promise<void> {
    return this.reader.close()
  }

  private async readIndirect(position: number, lengthOf: (length: PDFObject | undefined) => Promise<number | undefined>): Promise<IndirectObject> {
    try {
      return await new SectionReader(this.reader, this.context).indirectAt(position, lengthOf)
    } catch (error) {
      if (error instanceof PdfSyntaxError) throw pdfDamaged(this.fileName, `an object at byte ${position} cannot be read: ${error.message}`)
      throw error
    }
  }

  private async compressedObject(objectNumber: number, streamNumber: number, index: number): Promise<PDFObject | undefined> {
    // Object streams are encrypted with the document; without the key their contents are noise.
    if (this.encrypted) throw pdfEncrypted(this.fileName)
    const stream = await this.objectStream(streamNumber)
    const member = stream.members[index]
    if (!member || member.objectNumber !== objectNumber) throw pdfDamaged(this.fileName, `object ${objectNumber} is not in object stream ${streamNumber} where the cross-reference stream says`)
    try {
      return toPdfLib(new PdfParser(stream.data, -1, true, member.offset).parseValue(), this.context)
    } catch (error) {
      if (error instanceof PdfSyntaxError) throw pdfDamaged(this.fileName, `object ${objectNumber} in object stream ${streamNumber} cannot be read: ${error.message}`)
      throw error
    }
  }

  private async objectStream(streamNumber: number): Promise<ObjectStream> {
    const cached = this.objectStreams.get(streamNumber)
    if (cached) return cached
    const container = await this.resolve(PDFRef.of(streamNumber))
    if (!(container instanceof PDFRawStream)) throw pdfDamaged(this.fileName, `object stream ${streamNumber} is missing`)
    try {
      const data = decodeStream(container)
      const count = await this.number(container.dict.get(PDFName.of('N')))
      const first = await this.number(container.dict.get(PDFName.of('First')))
      if (count === undefined || first === undefined) throw new Error('no /N or /First')
      const header = new PdfParser(data, -1, true)
      const members: ObjectStream['members'] = []
      for (let index = 0; index < count; index += 1) members.push({ objectNumber: integerOf(header.nextToken()), offset: first + integerOf(header.nextToken()) })
      const stream = { data, members }
      this.objectStreams.set(streamNumber, stream)
      return stream
    } catch (error) {
      if (error instanceof TekenError) throw error
      throw pdfDamaged(this.fileName, `object stream ${streamNumber} cannot be decoded: ${(error as Error).message}`)
    }
  }
}

function previousOffset(section: XrefSection): number | undefined {
  const prev = section.trailer.get(PDFName.of('Prev'))
  return prev instanceof PDFNumber ? prev.asNumber() : undefined
}

/** Reads cross-reference sections and indirect objects at byte positions, growing its window as needed. */
class SectionReader {
  constructor(
    private readonly reader: PdfFileReader,
    private readonly context: PDFContext,
  ) {}

  /** The section at `offset` as written in the file; `base` is what the file's offsets count from. */
  async sectionAt(base: number, offset: number): Promise<XrefSection> {
    const position = base + offset
    if (position < 0 || position >= this.reader.size) throw new PdfSyntaxError('section offset outside the file')
    const table = await parseAt(this.reader, position, (parser) => {
      parser.skipWhitespace()
      return parser.startsWith('xref') ? xrefTableAt(parser, this.context) : undefined
    })
    if (table) {
      const streamOffset = table.trailer.get(PDFName.of('XRefStm'))
      if (!(streamOffset instanceof PDFNumber)) return { kind: 'table', trailer: table.trailer, entries: table.entries }
      // Hybrid file: the table's in-use entries win; the stream adds the compressed objects.
      const stream = await this.xrefStreamAt(base + streamOffset.asNumber())
      const entries = new Map(stream.entries)
      for (const [objectNumber, entry] of table.entries) if (entry.kind !== 'free' || !entries.has(objectNumber)) entries.set(objectNumber, entry)
      return { kind: 'hybrid', trailer: table.trailer, entries }
    }
    return this.xrefStreamAt(position)
  }

  private async xrefStreamAt(position: number): Promise<XrefSection> {
    // A cross-reference stream's /Length must be direct: there is no table yet to look it up in.
    const found = await this.indirectAt(position, async (length) => (length instanceof PDFNumber ? length.asNumber() : undefined))
    if (!(found.value instanceof PDFRawStream) || found.value.dict.get(PDFName.of('Type')) !== PDFName.of('XRef')) throw new PdfSyntaxError('not a cross-reference stream')
    return { kind: 'stream', trailer: found.value.dict, entries: parseXrefStream(found.value) }
  }

  async indirectAt(position: number, lengthOf: (length: PDFObject | undefined) => Promise<number | undefined>): Promise<IndirectObject> {
    const parsed = await parseAt(this.reader, position, (parser) => parser.parseIndirectObject())
    const value = toPdfLib(parsed.value, this.context)
    if (parsed.streamStart === undefined || !(value instanceof PDFDict)) return { objectNumber: parsed.num, generation: parsed.gen, value }
    const contents = await readStreamData(this.reader, parsed.streamStart, await lengthOf(value.get(PDFName.of('Length'))))
    return { objectNumber: parsed.num, generation: parsed.gen, value: PDFRawStream.of(value, contents) }
  }
}

/** Entries are read strictly: a table viewers would have to repair is damage here. */
function xrefTableAt(parser: PdfParser, context: PDFContext): { trailer: PDFDict; entries: Map<number, XrefEntry> } {
  const table = parseXrefTable(parser, true)
  const entries = new Map<number, XrefEntry>()
  for (const { objectNumber, offset, generation, inUse } of table.entries) {
    // Object 0 heads the free list; offsets of 0 for in-use objects are writer bugs, read as free.
    if (!entries.has(objectNumber)) entries.set(objectNumber, inUse && offset > 0 ? { kind: 'offset', offset, generation } : { kind: 'free' })
  }
  return { trailer: toPdfLib(table.trailer, context) as PDFDict, entries }
}

function integerOf(token: Token): number {
  if (token.kind !== 'number' || !token.integer) throw new PdfSyntaxError('expected an integer')
  return token.value
}

function parseXrefStream(stream: PDFRawStream): Map<number, XrefEntry> {
  const dict = stream.dict
  const widths = dict.get(PDFName.of('W'))
  const size = dict.get(PDFName.of('Size'))
  if (!(widths instanceof PDFArray) || widths.size() !== 3 || !(size instanceof PDFNumber)) throw new PdfSyntaxError('cross-reference stream without /W or /Size')
  const [typeWidth, offsetWidth, generationWidth] = widths.asArray().map((width) => (width instanceof PDFNumber ? width.asNumber() : -1)) as [number, number, number]
  if ([typeWidth, offsetWidth, generationWidth].some((width) => width < 0 || width > 8)) throw new PdfSyntaxError('bad /W in a cross-reference stream')
  const index = dict.get(PDFName.of('Index'))
  const ranges = index instanceof PDFArray ? index.asArray().map((value) => (value instanceof PDFNumber ? value.asNumber() : 0)) : [0, size.asNumber()]
  let data: Buffer
  try {
    data = decodeStream(stream)
  } catch (error) {
    throw new PdfSyntaxError(`cross-reference stream cannot be decoded: ${(error as Error).message}`)
  }
  const entries = new Map<number, XrefEntry>()
  for (const { objectNumber, type, second, third } of xrefStreamRows(data, [typeWidth, offsetWidth, generationWidth], ranges)) {
    if (entries.has(objectNumber)) continue
    if (type === 1 && second > 0) entries.set(objectNumber, { kind: 'offset', offset: second, generation: third })
    else if (type === 2) entries.set(objectNumber, { kind: 'compressed', streamNumber: second, index: third })
    else entries.set(objectNumber, { kind: 'free' })
  }
  return entries
}
