import { basename } from 'node:path'
import { TekenError } from '../../../shared/errors'
import { PdfFileReader } from '../core/file-reader'
import { findHeader, findStartxref, parseAt, parseObjectStreamIndex, parseXrefTable, readStreamData, xrefStreamLayout, xrefStreamRows } from '../core/file-structure'
import { asName, PdfDict, PdfParser, PdfRef, PdfSyntaxError, type PdfValue } from '../core/pdf-syntax'
import { decodeStream } from '../core/stream-filters'
import { notAPdf, pdfDamaged, pdfEncrypted } from './pdf-errors'

/** The kind of the newest cross-reference section: what an incremental update must append. */
export type XrefKind = 'table' | 'stream' | 'hybrid'

type XrefEntry =
  | { kind: 'free' }
  | { kind: 'offset'; offset: number; generation: number }
  | { kind: 'compressed'; streamNumber: number; index: number }

interface XrefSection {
  kind: XrefKind
  trailer: PdfDict
  entries: Map<number, XrefEntry>
}

interface IndirectObject {
  objectNumber: number
  generation: number
  value: PdfValue
}

/** The raw (still encoded) contents of the stream objects read so far, by their dictionary. */
type StreamContents = WeakMap<PdfDict, Buffer>

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
  private readonly objects = new Map<number, PdfValue | undefined>()
  private readonly objectStreams = new Map<number, ObjectStream>()

  private constructor(
    private readonly streams: StreamContents,
    readonly fileName: string,
    readonly reader: PdfFileReader,
    readonly headerVersion: string,
    /** What xref offsets count from: 0, or where "%PDF-" starts for files with junk before it whose offsets start at the header. */
    readonly offsetBase: number,
    /** The startxref value as written, which a new section's /Prev repeats. */
    readonly startxref: number,
    readonly xrefKind: XrefKind,
    /** The newest value of each trailer key over all sections. */
    readonly trailer: PdfDict,
    private readonly entries: Map<number, XrefEntry>,
    /** One more than the highest object number in use: where new objects start. */
    readonly nextObjectNumber: number,
  ) {}

  get size(): number {
    return this.reader.size
  }

  get encrypted(): boolean {
    return this.trailer.get('Encrypt') !== undefined
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

    const streams: StreamContents = new WeakMap()
    const sectionReader = new SectionReader(reader, streams)
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
    const trailer = new PdfDict(new Map())
    let declaredSize = 0
    for (const section of sections) {
      for (const [objectNumber, entry] of section.entries) if (!entries.has(objectNumber)) entries.set(objectNumber, entry)
      for (const [key, value] of section.trailer.entries) if (!trailer.has(key)) trailer.entries.set(key, value)
      const size = section.trailer.get('Size')
      if (typeof size === 'number') declaredSize = Math.max(declaredSize, size)
    }
    let highest = 0
    for (const objectNumber of entries.keys()) highest = Math.max(highest, objectNumber)
    if (!(trailer.get('Root') instanceof PdfRef) && trailer.get('Encrypt') === undefined) {
      throw pdfDamaged(fileName, 'the trailer names no document catalog (/Root)')
    }
    return new PdfFile(streams, fileName, reader, headerVersion, offsetBase, startxref, newest.kind, trailer, entries, Math.max(declaredSize, highest + 1))
  }

  /** Follows references until a direct object; `undefined` for null, missing or free objects. */
  async resolve(value: PdfValue | undefined): Promise<PdfValue | undefined> {
    for (let depth = 0; value instanceof PdfRef; depth += 1) {
      if (depth > MAX_REFERENCE_DEPTH) throw pdfDamaged(this.fileName, 'references point to each other in a loop')
      value = await this.object(value)
    }
    return value ?? undefined
  }

  async dict(value: PdfValue | undefined): Promise<PdfDict | undefined> {
    const resolved = await this.resolve(value)
    return resolved instanceof PdfDict ? resolved : undefined
  }

  async array(value: PdfValue | undefined): Promise<PdfValue[] | undefined> {
    const resolved = await this.resolve(value)
    return Array.isArray(resolved) ? resolved : undefined
  }

  async number(value: PdfValue | undefined): Promise<number | undefined> {
    const resolved = await this.resolve(value)
    return typeof resolved === 'number' ? resolved : undefined
  }

  async object(ref: PdfRef): Promise<PdfValue | undefined> {
    const objectNumber = ref.num
    if (this.objects.has(objectNumber)) return this.objects.get(objectNumber)
    const entry = this.entries.get(objectNumber)
    let value: PdfValue | undefined
    if (entry?.kind === 'offset' && entry.generation === ref.gen) {
      const found = await this.readIndirect(this.offsetBase + entry.offset, (length) => this.number(length))
      if (found.objectNumber !== objectNumber) throw pdfDamaged(this.fileName, `object ${objectNumber} is not where the cross-reference table says`)
      value = found.value
    } else if (entry?.kind === 'compressed' && ref.gen === 0) {
      value = await this.compressedObject(objectNumber, entry.streamNumber, entry.index)
    }
    this.objects.set(objectNumber, value)
    return value
  }

  close(): Promise<void> {
    return this.reader.close()
  }

  private async readIndirect(position: number, lengthOf: (length: PdfValue | undefined) => Promise<number | undefined>): Promise<IndirectObject> {
    try {
      return await new SectionReader(this.reader, this.streams).indirectAt(position, lengthOf)
    } catch (error) {
      if (error instanceof PdfSyntaxError) throw pdfDamaged(this.fileName, `an object at byte ${position} cannot be read: ${error.message}`)
      throw error
    }
  }

  private async compressedObject(objectNumber: number, streamNumber: number, index: number): Promise<PdfValue | undefined> {
    // Object streams are encrypted with the document; without the key their contents are noise.
    if (this.encrypted) throw pdfEncrypted(this.fileName)
    const stream = await this.objectStream(streamNumber)
    const member = stream.members[index]
    if (!member || member.objectNumber !== objectNumber) throw pdfDamaged(this.fileName, `object ${objectNumber} is not in object stream ${streamNumber} where the cross-reference stream says`)
    try {
      return new PdfParser(stream.data, -1, true, member.offset).parseValue()
    } catch (error) {
      if (error instanceof PdfSyntaxError) throw pdfDamaged(this.fileName, `object ${objectNumber} in object stream ${streamNumber} cannot be read: ${error.message}`)
      throw error
    }
  }

  private async objectStream(streamNumber: number): Promise<ObjectStream> {
    const cached = this.objectStreams.get(streamNumber)
    if (cached) return cached
    const container = await this.resolve(new PdfRef(streamNumber, 0))
    const contents = container instanceof PdfDict ? this.streams.get(container) : undefined
    if (!(container instanceof PdfDict) || !contents) throw pdfDamaged(this.fileName, `object stream ${streamNumber} is missing`)
    try {
      const data = decodeStream(contents, container)
      const count = await this.number(container.get('N'))
      const first = await this.number(container.get('First'))
      if (count === undefined || first === undefined) throw new Error('no /N or /First')
      const members = parseObjectStreamIndex(data, count, true).map(({ objectNumber, offset }) => ({ objectNumber, offset: first + offset }))
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
  const prev = section.trailer.get('Prev')
  return typeof prev === 'number' ? prev : undefined
}

/** Reads cross-reference sections and indirect objects at byte positions, growing its window as needed. */
class SectionReader {
  constructor(
    private readonly reader: PdfFileReader,
    private readonly streams: StreamContents,
  ) {}

  /** The section at `offset` as written in the file; `base` is what the file's offsets count from. */
  async sectionAt(base: number, offset: number): Promise<XrefSection> {
    const position = base + offset
    if (position < 0 || position >= this.reader.size) throw new PdfSyntaxError('section offset outside the file')
    const table = await parseAt(this.reader, position, (parser) => {
      parser.skipWhitespace()
      return parser.startsWith('xref') ? xrefTableAt(parser) : undefined
    })
    if (table) {
      const streamOffset = table.trailer.get('XRefStm')
      if (typeof streamOffset !== 'number') return { kind: 'table', trailer: table.trailer, entries: table.entries }
      // Hybrid file: the table's in-use entries win; the stream adds the compressed objects.
      const stream = await this.xrefStreamAt(base + streamOffset)
      const entries = new Map(stream.entries)
      for (const [objectNumber, entry] of table.entries) if (entry.kind !== 'free' || !entries.has(objectNumber)) entries.set(objectNumber, entry)
      return { kind: 'hybrid', trailer: table.trailer, entries }
    }
    return this.xrefStreamAt(position)
  }

  private async xrefStreamAt(position: number): Promise<XrefSection> {
    // A cross-reference stream's /Length must be direct: there is no table yet to look it up in.
    const found = await this.indirectAt(position, async (length) => (typeof length === 'number' ? length : undefined))
    const contents = found.value instanceof PdfDict ? this.streams.get(found.value) : undefined
    if (!(found.value instanceof PdfDict) || !contents || asName(found.value.get('Type')) !== 'XRef') throw new PdfSyntaxError('not a cross-reference stream')
    return { kind: 'stream', trailer: found.value, entries: parseXrefStream(found.value, contents) }
  }

  async indirectAt(position: number, lengthOf: (length: PdfValue | undefined) => Promise<number | undefined>): Promise<IndirectObject> {
    const parsed = await parseAt(this.reader, position, (parser) => parser.parseIndirectObject())
    const value = parsed.value
    if (parsed.streamStart === undefined || !(value instanceof PdfDict)) return { objectNumber: parsed.num, generation: parsed.gen, value }
    this.streams.set(value, await readStreamData(this.reader, parsed.streamStart, await lengthOf(value.get('Length'))))
    return { objectNumber: parsed.num, generation: parsed.gen, value }
  }
}

/** Entries are read strictly: a table viewers would have to repair is damage here. */
function xrefTableAt(parser: PdfParser): { trailer: PdfDict; entries: Map<number, XrefEntry> } {
  const table = parseXrefTable(parser, true)
  const entries = new Map<number, XrefEntry>()
  for (const { objectNumber, offset, generation, inUse } of table.entries) {
    // Object 0 heads the free list; offsets of 0 for in-use objects are writer bugs, read as free.
    if (!entries.has(objectNumber)) entries.set(objectNumber, inUse && offset > 0 ? { kind: 'offset', offset, generation } : { kind: 'free' })
  }
  return { trailer: table.trailer, entries }
}

function parseXrefStream(dict: PdfDict, contents: Buffer): Map<number, XrefEntry> {
  const { widths, ranges } = xrefStreamLayout(dict, true)
  let data: Buffer
  try {
    data = decodeStream(contents, dict)
  } catch (error) {
    throw new PdfSyntaxError(`cross-reference stream cannot be decoded: ${(error as Error).message}`)
  }
  const entries = new Map<number, XrefEntry>()
  for (const { objectNumber, type, second, third } of xrefStreamRows(data, widths, ranges)) {
    if (entries.has(objectNumber)) continue
    if (type === 1 && second > 0) entries.set(objectNumber, { kind: 'offset', offset: second, generation: third })
    else if (type === 2) entries.set(objectNumber, { kind: 'compressed', streamNumber: second, index: third })
    else entries.set(objectNumber, { kind: 'free' })
  }
  return entries
}
