import { TekenError } from '../../../shared/errors'
import type { PdfFileReader } from './file-reader'
import { findStartxref, parseAt, parseObjectStreamIndex, parseXrefTable, readStreamData, xrefStreamLayout, xrefStreamRows, type ObjectStreamMember, type XrefTableEntry } from './file-structure'
import { asInteger, asName, PdfDict, PdfParser, PdfRef, PdfString, PdfSyntaxError, type IndirectObject, type PdfValue } from './pdf-syntax'
import { decodeStream } from './stream-filters'

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

interface StreamLocation {
  num: number
  gen: number
  start: number
}

interface ObjectStream {
  data: Buffer
  /** Per index: the object number and where it starts in `data`. */
  members: ObjectStreamMember[]
}

/** Decrypts the strings and streams of an encrypted file (see the verifier's standard security handler). */
export interface PdfDecryptor {
  decryptString(data: Buffer, objectNumber: number, generation: number): Buffer
  decryptStream(data: Buffer, objectNumber: number, generation: number): Buffer
}

export interface PdfReaderOptions {
  /**
   * Strict, the way the signer reads: tables and streams as qpdf does, free entries kept, generations
   * checked, objects exactly where the chain says from one offset base (0, or the header for files
   * whose offsets count from it), anything else damage. Lenient, the way the verifier reads: each
   * offset tried from the start and from the header, free entries dropped, generations ignored.
   */
  strict: boolean
  /** The newest value of each trailer key over all sections; otherwise the newest trailer alone. */
  mergeTrailers: boolean
  /** Rebuild the cross-reference data by scanning the file when the chain is broken. */
  repair: boolean
  /** Opens the decryption of a file with an /Encrypt dictionary (or throws); without it, strings stay as written and object streams of encrypted files are refused. */
  decryption?: (encrypt: PdfDict, firstFileId: Buffer) => PdfDecryptor
  /** The error for damage; by default a PdfSyntaxError (which sends a repairing reader to repair). */
  damaged?: (problem: string) => Error
  /** The error for an object stream of an encrypted file read without decryption. */
  encrypted?: () => Error
}

const WS = '[\\x00\\t\\n\\f\\r ]'
/** What a repair scan looks for: object headers, trailers and the object types that matter here. */
const REPAIR_PATTERN = new RegExp(`(?<![0-9])(\\d{1,10})${WS}+(\\d{1,5})${WS}+obj(?![A-Za-z])|trailer(?![A-Za-z])|/Type${WS}*/(ObjStm|XRef|Catalog)(?![A-Za-z])|/ByteRange(?![A-Za-z])`)
const MAX_XREF_SECTIONS = 10_000
/** Reference chains deeper than this are loops or attacks. */
const MAX_REFERENCE_DEPTH = 32

/**
 * A PDF opened for reading objects by number: the cross-reference chain (tables, streams, hybrid
 * files, object streams) is followed from `startxref`, then only the objects asked for are read.
 * Strictly read, anything the chain does not explain is damage; with `repair`, a broken chain makes
 * the reader scan the file for objects the way viewers do, and `repaired` says so.
 */
export class PdfObjectReader {
  private entries = new Map<number, XrefEntry>()
  private cache = new Map<number, PdfValue | undefined>()
  private objectStreams = new Map<number, ObjectStream>()
  private readonly streamLocations = new WeakMap<PdfDict, StreamLocation>()
  private decryptor: PdfDecryptor | undefined
  private repairing: Promise<void> | undefined
  /** What xref offsets count from once fixed (strict reading): 0, or where "%PDF-" starts. */
  private fixedBase: number | undefined
  /** The newest trailer, or the newest value of each key over all sections when merging. */
  trailer = new PdfDict(new Map())
  repaired = false
  encrypted = false
  /** The startxref value as written, which a new section's /Prev repeats. */
  startxref = 0
  xrefKind: XrefKind = 'table'
  /** One more than the highest object number in use: where new objects start. */
  nextObjectNumber = 0
  /** Objects holding a /ByteRange found by the repair scan, for signatures no field leads to any more. */
  scannedSignatureObjects: number[] = []

  protected constructor(
    readonly reader: PdfFileReader,
    /** Where "%PDF-" starts. */
    readonly headerOffset: number,
    private readonly options: PdfReaderOptions,
  ) {}

  static async read(reader: PdfFileReader, headerOffset: number, options: PdfReaderOptions): Promise<PdfObjectReader> {
    const document = new PdfObjectReader(reader, headerOffset, options)
    await document.load()
    return document
  }

  get size(): number {
    return this.reader.size
  }

  /** What xref offsets count from (strict reading). */
  get offsetBase(): number {
    return this.fixedBase ?? 0
  }

  protected async load(): Promise<void> {
    try {
      await this.loadXrefChain()
      await this.setUpEncryption()
      if (this.options.strict) {
        if (!(this.trailer.get('Root') instanceof PdfRef) && this.trailer.get('Encrypt') === undefined) throw this.damage('the trailer names no document catalog (/Root)')
      } else if (!(await this.catalog())) throw new PdfSyntaxError('the trailer names no catalog')
    } catch (error) {
      if (error instanceof TekenError || !this.options.repair) throw error
      await this.repair()
    }
  }

  async catalog(): Promise<PdfDict | undefined> {
    return this.dict(this.trailer.get('Root'))
  }

  /** Follows references until a direct object; `undefined` for null, missing or free objects. */
  async resolve(value: PdfValue | undefined): Promise<PdfValue | undefined> {
    for (let depth = 0; value instanceof PdfRef; depth += 1) {
      // Strictly read, a longer chain is damage; leniently, it resolves to nothing.
      if (depth > MAX_REFERENCE_DEPTH && this.options.strict) throw this.damage('references point to each other in a loop')
      if (depth >= MAX_REFERENCE_DEPTH && !this.options.strict) return undefined
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

  /** The object `ref` names; `undefined` for missing or free objects (and, strictly read, for a generation other than the entry's). */
  async object(ref: PdfRef): Promise<PdfValue | undefined> {
    const objectNumber = ref.num
    if (this.cache.has(objectNumber)) return this.cache.get(objectNumber)
    const entry = this.entries.get(objectNumber)
    // An object no section defines is null (ISO 32000-2 §7.3.10); not cached, as an older section may still add it.
    if (!entry) return undefined
    let value: PdfValue | undefined
    if (entry.kind === 'offset' && (!this.options.strict || entry.generation === ref.gen)) {
      const found = await this.directObject(entry.offset, objectNumber)
      if (found === 'repaired') return this.object(ref)
      value = found
    } else if (entry.kind === 'compressed' && (!this.options.strict || ref.gen === 0)) {
      value = await this.compressedObject(objectNumber, entry.streamNumber, entry.index)
    }
    this.cache.set(objectNumber, value)
    return value
  }

  close(): Promise<void> {
    return this.reader.close()
  }

  /** The decoded bytes of a stream object (decrypted first when the file is encrypted). */
  async streamData(stream: PdfDict): Promise<Buffer> {
    const location = this.streamLocations.get(stream)
    if (!location) throw new PdfSyntaxError('not a stream object')
    const isXref = asName(stream.get('Type')) === 'XRef'
    // An xref stream's /Length is direct: resolving a reference while the xref is still being read would go astray.
    const lengthValue = stream.get('Length')
    const declared = asInteger(isXref ? lengthValue : await this.resolve(lengthValue))
    const raw = await readStreamData(this.reader, location.start, declared)
    const plain = this.decryptor && !isXref ? this.decryptor.decryptStream(raw, location.num, location.gen) : raw
    return decodeStream(plain, stream)
  }

  private damage(problem: string): Error {
    return this.options.damaged?.(problem) ?? new PdfSyntaxError(problem)
  }

  /** What offsets may count from: the fixed base, else (strictly) the header first, else the start first. */
  private bases(): number[] {
    if (this.fixedBase !== undefined) return [this.fixedBase]
    if (this.headerOffset <= 0) return [0]
    return this.options.strict ? [this.headerOffset, 0] : [0, this.headerOffset]
  }

  private async directObject(offset: number, objectNumber: number): Promise<PdfValue | undefined | 'repaired'> {
    let fault: string | undefined
    for (const base of this.bases()) {
      const position = base + offset
      try {
        const object = await parseAt(this.reader, position, (parser) => parser.parseIndirectObject())
        if (object.num === objectNumber) return this.objectValue(object)
        fault ??= `object ${objectNumber} is not where the cross-reference table says`
      } catch (error) {
        if (!(error instanceof PdfSyntaxError)) throw error
        fault ??= `an object at byte ${position} cannot be read: ${error.message}`
      }
    }
    if (this.options.strict) throw this.damage(fault ?? `object ${objectNumber} cannot be read`)
    if (this.options.repair && !this.repaired) {
      await this.startRepair()
      return 'repaired'
    }
    return undefined
  }

  private objectValue(object: IndirectObject): PdfValue {
    if (object.value instanceof PdfDict && object.streamStart !== undefined) {
      this.streamLocations.set(object.value, { num: object.num, gen: object.gen, start: object.streamStart })
    }
    const decryptor = this.decryptor
    if (!decryptor) return object.value
    const decrypt = (value: PdfValue, insideSignature: boolean, key: string | undefined): PdfValue => {
      if (value instanceof PdfString) return insideSignature && key === 'Contents' ? value : value.withBytes(decryptor.decryptString(value.bytes, object.num, object.gen))
      if (Array.isArray(value)) return value.map((item) => decrypt(item, false, undefined))
      if (!(value instanceof PdfDict)) return value
      // A signature dictionary's /Contents is never encrypted (ISO 32000-2 §7.6.2).
      const isSignature = value.has('ByteRange')
      const decrypted = new PdfDict(new Map([...value.entries].map(([entryKey, entryValue]) => [entryKey, decrypt(entryValue, isSignature, entryKey)])))
      const location = this.streamLocations.get(value)
      if (location) this.streamLocations.set(decrypted, location)
      return decrypted
    }
    return decrypt(object.value, false, undefined)
  }

  private async compressedObject(objectNumber: number, streamNumber: number, index: number): Promise<PdfValue | undefined> {
    // Object streams are encrypted with the document; without the key their contents are noise.
    if (this.encrypted && !this.options.decryption) throw this.options.encrypted?.() ?? new TekenError('PDF_ENCRYPTED', 'The PDF is encrypted.')
    const strict = this.options.strict
    const stream = await this.objectStream(streamNumber)
    const atIndex = stream.members[index]
    const member = atIndex?.objectNumber === objectNumber ? atIndex : strict ? undefined : stream.members.find((candidate) => candidate.objectNumber === objectNumber)
    if (!member) {
      if (strict) throw this.damage(`object ${objectNumber} is not in object stream ${streamNumber} where the cross-reference stream says`)
      return undefined
    }
    try {
      return new PdfParser(stream.data, -1, true, member.offset).parseValue()
    } catch (error) {
      if (!(error instanceof PdfSyntaxError)) throw error
      if (strict) throw this.damage(`object ${objectNumber} in object stream ${streamNumber} cannot be read: ${error.message}`)
      return undefined
    }
  }

  private async objectStream(streamNumber: number): Promise<ObjectStream> {
    const cached = this.objectStreams.get(streamNumber)
    if (cached) return cached
    const strict = this.options.strict
    const container = await this.resolve(new PdfRef(streamNumber, 0))
    if (!(container instanceof PdfDict) || !this.streamLocations.has(container) || (!strict && asName(container.get('Type')) !== 'ObjStm')) {
      if (strict) throw this.damage(`object stream ${streamNumber} is missing`)
      const none = { data: Buffer.alloc(0), members: [] }
      this.objectStreams.set(streamNumber, none)
      return none
    }
    try {
      const data = await this.streamData(container)
      const count = asInteger(await this.resolve(container.get('N')))
      const first = asInteger(await this.resolve(container.get('First')))
      if (strict && (count === undefined || first === undefined)) throw new Error('no /N or /First')
      const members = parseObjectStreamIndex(data, count ?? 0, strict).map(({ objectNumber, offset }) => ({ objectNumber, offset: (first ?? 0) + offset }))
      const stream = { data, members }
      this.objectStreams.set(streamNumber, stream)
      return stream
    } catch (error) {
      if (error instanceof TekenError || !strict) throw error
      throw this.damage(`object stream ${streamNumber} cannot be decoded: ${(error as Error).message}`)
    }
  }

  private async loadXrefChain(): Promise<void> {
    const strict = this.options.strict
    const startxref = await findStartxref(this.reader)
    if (startxref === undefined) throw this.damage(strict ? 'there is no startxref at the end of the file; it may be truncated' : 'no usable startxref')
    this.startxref = startxref
    const newest = await this.sectionAt(startxref, 'startxref does not lead to a readable cross-reference section')
    this.xrefKind = newest.kind
    const sections = [newest]
    const visited = new Set([startxref])
    for (let prev = previousOffset(newest); prev !== undefined && visited.size < MAX_XREF_SECTIONS; prev = previousOffset(sections[sections.length - 1] as XrefSection)) {
      if (visited.has(prev)) {
        if (strict) throw this.damage('the cross-reference sections form a loop')
        break
      }
      visited.add(prev)
      sections.push(await this.sectionAt(prev, 'an earlier cross-reference section (/Prev) is missing or unreadable'))
    }

    const trailer = this.options.mergeTrailers ? new PdfDict(new Map()) : newest.trailer
    let declaredSize = 0
    for (const section of sections) {
      for (const [objectNumber, entry] of section.entries) if (!this.entries.has(objectNumber)) this.entries.set(objectNumber, entry)
      if (this.options.mergeTrailers) for (const [key, value] of section.trailer.entries) if (!trailer.has(key)) trailer.entries.set(key, value)
      const size = section.trailer.get('Size')
      if (typeof size === 'number') declaredSize = Math.max(declaredSize, size)
    }
    this.trailer = trailer
    let highest = 0
    for (const objectNumber of this.entries.keys()) highest = Math.max(highest, objectNumber)
    this.nextObjectNumber = Math.max(declaredSize, highest + 1)
  }

  /** The section at `offset` as written in the file, tried from each possible offset base; strictly read, the first that works becomes the fixed base. */
  private async sectionAt(offset: number, problem: string): Promise<XrefSection> {
    let fault: string | undefined
    let lastError: unknown
    for (const base of this.bases()) {
      try {
        const section = await this.sectionFrom(base, offset)
        if (this.options.strict) this.fixedBase = base
        return section
      } catch (error) {
        if (error instanceof TekenError) throw error
        fault ??= (error as Error).message
        lastError = error
      }
    }
    if (this.options.strict) throw this.damage(this.fixedBase === undefined ? `${problem}: ${fault}` : problem)
    throw lastError
  }

  private async sectionFrom(base: number, offset: number): Promise<XrefSection> {
    const position = base + offset
    if (position < 0 || position >= this.reader.size) throw new PdfSyntaxError('section offset outside the file')
    const strict = this.options.strict
    const table = await parseAt(this.reader, position, (parser) => {
      parser.skipWhitespace()
      return parser.startsWith('xref') ? parseXrefTable(parser, strict) : undefined
    })
    if (!table) return this.xrefStreamAt(position)
    const tableEntries = xrefTableEntries(table.entries, strict)
    const streamOffset = asInteger(table.trailer.get('XRefStm'))
    if (streamOffset === undefined) return { kind: 'table', trailer: table.trailer, entries: tableEntries }
    // Hybrid file: the table's in-use entries win; the stream adds the compressed objects.
    const stream = await this.xrefStreamAt(base + streamOffset)
    const entries = new Map(stream.entries)
    for (const [objectNumber, entry] of tableEntries) if (entry.kind !== 'free' || !entries.has(objectNumber)) entries.set(objectNumber, entry)
    return { kind: 'hybrid', trailer: table.trailer, entries }
  }

  private async xrefStreamAt(position: number): Promise<XrefSection> {
    const object = await parseAt(this.reader, position, (parser) => parser.parseIndirectObject())
    const { value, num, gen, streamStart } = object
    if (!(value instanceof PdfDict) || asName(value.get('Type')) !== 'XRef' || streamStart === undefined) throw new PdfSyntaxError('not a cross-reference stream')
    this.streamLocations.set(value, { num, gen, start: streamStart })
    const { widths, ranges } = xrefStreamLayout(value, this.options.strict)
    const data = await this.streamData(value).catch((error: unknown) => {
      if (error instanceof TekenError) throw error
      throw new PdfSyntaxError(`cross-reference stream cannot be decoded: ${(error as Error).message}`)
    })
    const entries = new Map<number, XrefEntry>()
    for (const { objectNumber, type, second, third } of xrefStreamRows(data, widths, ranges)) {
      if (entries.has(objectNumber)) continue
      const entry: XrefEntry =
        type === 1 && (second > 0 || !this.options.strict) ? { kind: 'offset', offset: second, generation: third } : type === 2 ? { kind: 'compressed', streamNumber: second, index: third } : { kind: 'free' }
      if (entry.kind !== 'free' || this.options.strict) entries.set(objectNumber, entry)
    }
    return { kind: 'stream', trailer: value, entries }
  }

  private async setUpEncryption(): Promise<void> {
    this.decryptor = undefined
    const encryptValue = this.trailer.get('Encrypt')
    const decryption = this.options.decryption
    if (!decryption) {
      this.encrypted = encryptValue !== undefined
      return
    }
    if (encryptValue === undefined || encryptValue === null) return
    this.encrypted = true
    const encrypt = await this.dict(encryptValue)
    if (!encrypt) throw new TekenError('PDF_ENCRYPTED', 'The PDF is encrypted and its encryption dictionary cannot be read.')
    const ids = this.trailer.get('ID')
    const firstId = Array.isArray(ids) && ids[0] instanceof PdfString ? ids[0].bytes : Buffer.alloc(0)
    this.decryptor = decryption(encrypt, firstId)
    // Objects read so far were read without decryption; only the encryption dictionary stays that way.
    this.cache.clear()
    if (encryptValue instanceof PdfRef) this.cache.set(encryptValue.num, encrypt)
  }

  private startRepair(): Promise<void> {
    this.repairing ??= this.repair()
    return this.repairing
  }

  /** Rebuilds the cross-reference data from the objects found in the file, later definitions winning. */
  private async repair(): Promise<void> {
    this.repaired = true
    this.entries = new Map()
    this.cache = new Map()
    this.objectStreams = new Map()
    this.decryptor = undefined
    this.fixedBase = undefined
    const definedAt = new Map<number, number>()
    const objectStreams: { num: number; offset: number }[] = []
    const trailerCandidates: { offset: number; objectNum?: number }[] = []
    const catalogs: number[] = []
    const signatureObjects = new Set<number>()
    let current: { num: number; offset: number } | undefined
    for (const { offset, match } of await this.reader.findAll(REPAIR_PATTERN)) {
      if (match[1] !== undefined) {
        const num = Number(match[1])
        current = { num, offset }
        this.entries.set(num, { kind: 'offset', offset, generation: Number(match[2]) })
        definedAt.set(num, offset)
      } else if (match[0] === 'trailer') trailerCandidates.push({ offset: offset + 'trailer'.length })
      else if (match[0] === '/ByteRange') {
        if (current) signatureObjects.add(current.num)
      } else if (current) {
        if (match[3] === 'ObjStm') objectStreams.push(current)
        else if (match[3] === 'XRef') trailerCandidates.push({ offset: current.offset, objectNum: current.num })
        else catalogs.push(current.num)
      }
    }
    if (this.entries.size === 0) throw new TekenError('PDF_DAMAGED', 'The PDF is damaged: no objects could be found in it.')
    for (const stream of objectStreams) {
      try {
        await this.indexObjectStream(stream.num, stream.offset, definedAt)
      } catch (error) {
        if (error instanceof TekenError) throw error
      }
    }
    this.trailer = await this.pickRepairedTrailer(trailerCandidates, catalogs)
    this.scannedSignatureObjects = [...signatureObjects]
    await this.setUpEncryption()
    if (!(await this.catalog())) throw new TekenError('PDF_DAMAGED', 'The PDF is damaged: its document catalog cannot be found.')
  }

  private async indexObjectStream(streamNumber: number, streamOffset: number, definedAt: Map<number, number>): Promise<void> {
    const stream = await this.dict(new PdfRef(streamNumber, 0))
    if (!stream) return
    const data = await this.streamData(stream)
    const count = asInteger(stream.get('N')) ?? 0
    for (const [index, { objectNumber }] of parseObjectStreamIndex(data, count, false).entries()) {
      if ((definedAt.get(objectNumber) ?? -1) < streamOffset) {
        this.entries.set(objectNumber, { kind: 'compressed', streamNumber, index })
        definedAt.set(objectNumber, streamOffset)
      }
    }
  }

  private async pickRepairedTrailer(candidates: { offset: number; objectNum?: number }[], catalogs: number[]): Promise<PdfDict> {
    for (const candidate of [...candidates].reverse()) {
      try {
        const trailer =
          candidate.objectNum === undefined ? await parseAt(this.reader, candidate.offset, (parser) => parser.parseValue()) : await this.object(new PdfRef(candidate.objectNum, 0))
        if (trailer instanceof PdfDict && (await this.dict(trailer.get('Root')))) return trailer
      } catch (error) {
        if (error instanceof TekenError) throw error
      }
    }
    const catalog = catalogs.at(-1)
    if (catalog === undefined) throw new TekenError('PDF_DAMAGED', 'The PDF is damaged: it has no trailer and no document catalog.')
    return new PdfDict(new Map([['Root', new PdfRef(catalog, 0)]]))
  }
}

function previousOffset(section: XrefSection): number | undefined {
  return asInteger(section.trailer.get('Prev'))
}

/**
 * A table's entries by object number, the first line of a number winning. Strictly read, object 0
 * and in-use entries at offset 0 (a writer bug) are free entries; leniently, free entries are left
 * out, because hybrid files mark as free what their xref stream then defines.
 */
function xrefTableEntries(lines: readonly XrefTableEntry[], strict: boolean): Map<number, XrefEntry> {
  const entries = new Map<number, XrefEntry>()
  for (const { objectNumber, offset, generation, inUse } of lines) {
    if (entries.has(objectNumber)) continue
    if (inUse && (offset > 0 || !strict)) entries.set(objectNumber, { kind: 'offset', offset, generation })
    else if (strict) entries.set(objectNumber, { kind: 'free' })
  }
  return entries
}
