import { TekenError } from '../../../shared/errors'
import type { PdfFileReader } from '../core/file-reader'
import { findStartxref, parseAt, parseObjectStreamIndex, parseXrefTable, readStreamData, xrefStreamLayout, xrefStreamRows } from '../core/file-structure'
import { asInteger, asName, PdfDict, PdfParser, PdfRef, PdfString, PdfSyntaxError, type IndirectObject, type PdfValue } from '../core/pdf-syntax'
import { decodeStream } from '../core/stream-filters'
import { openStandardSecurity, type Decryptor } from './standard-security'

type XrefEntry = { kind: 'direct'; offset: number; gen: number } | { kind: 'compressed'; streamNum: number; index: number }

interface CompressedObject {
  num: number
  value: PdfValue
}

interface StreamLocation {
  num: number
  gen: number
  start: number
}

const WS = '[\\x00\\t\\n\\f\\r ]'
/** What a repair scan looks for: object headers, trailers and the object types that matter here. */
const REPAIR_PATTERN = new RegExp(`(?<![0-9])(\\d{1,10})${WS}+(\\d{1,5})${WS}+obj(?![A-Za-z])|trailer(?![A-Za-z])|/Type${WS}*/(ObjStm|XRef|Catalog)(?![A-Za-z])|/ByteRange(?![A-Za-z])`)
const MAX_XREF_SECTIONS = 10_000

/**
 * A PDF opened for reading objects by number: the cross-reference chain (tables, streams, hybrid
 * files, object streams) is followed from `startxref`; when it is broken, the file is scanned for
 * objects the way viewers repair it, and `repaired` says so.
 */
export class PdfDocument {
  private entries = new Map<number, XrefEntry>()
  private cache = new Map<number, PdfValue>()
  private objectStreams = new Map<number, CompressedObject[]>()
  private streamLocations = new WeakMap<PdfDict, StreamLocation>()
  private decryptor: Decryptor | undefined
  private repairing: Promise<void> | undefined
  trailer = new PdfDict(new Map())
  repaired = false
  encrypted = false
  /** Objects holding a /ByteRange found by the repair scan, for signatures no field leads to any more. */
  scannedSignatureObjects: number[] = []

  private constructor(
    private readonly file: PdfFileReader,
    private readonly headerOffset: number,
  ) {}

  static async open(file: PdfFileReader, headerOffset: number): Promise<PdfDocument> {
    const document = new PdfDocument(file, headerOffset)
    try {
      await document.loadXrefChain()
      await document.setUpEncryption()
      if (!(await document.catalog())) throw new PdfSyntaxError('the trailer names no catalog')
    } catch (error) {
      if (error instanceof TekenError) throw error
      await document.repair()
    }
    return document
  }

  async catalog(): Promise<PdfDict | undefined> {
    return this.resolveDict(this.trailer.get('Root'))
  }

  async resolve(value: PdfValue | undefined): Promise<PdfValue | undefined> {
    let current = value
    for (let hops = 0; current instanceof PdfRef && hops < 32; hops += 1) current = await this.getObject(current.num)
    return current instanceof PdfRef ? undefined : current
  }

  async resolveDict(value: PdfValue | undefined): Promise<PdfDict | undefined> {
    const resolved = await this.resolve(value)
    return resolved instanceof PdfDict ? resolved : undefined
  }

  async getObject(num: number): Promise<PdfValue> {
    const cached = this.cache.get(num)
    if (cached !== undefined) return cached
    const entry = this.entries.get(num)
    // An object no section defines is null (ISO 32000-2 §7.3.10); not cached, as an older section may still add it.
    if (!entry) return null
    let value: PdfValue = null
    if (entry.kind === 'direct') {
      const object = await this.readObjectNear(entry.offset, num)
      if (object) value = this.objectValue(object)
      else if (!this.repaired) {
        await this.startRepair()
        return this.getObject(num)
      }
    } else {
      value = await this.compressedObject(entry.streamNum, entry.index, num)
    }
    this.cache.set(num, value)
    return value
  }

  private async readObjectNear(offset: number, num: number): Promise<IndirectObject | undefined> {
    for (const candidate of this.headerOffset > 0 ? [offset, offset + this.headerOffset] : [offset]) {
      try {
        const object = await parseAt(this.file, candidate, (parser) => parser.parseIndirectObject())
        if (object.num === num) return object
      } catch (error) {
        if (!(error instanceof PdfSyntaxError)) throw error
      }
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

  private async compressedObject(streamNum: number, index: number, num: number): Promise<PdfValue> {
    let objects = this.objectStreams.get(streamNum)
    if (!objects) {
      objects = await this.readObjectStream(streamNum)
      this.objectStreams.set(streamNum, objects)
    }
    const byIndex = objects[index]
    return (byIndex?.num === num ? byIndex : objects.find((object) => object.num === num))?.value ?? null
  }

  private async readObjectStream(streamNum: number): Promise<CompressedObject[]> {
    const stream = await this.resolveDict(new PdfRef(streamNum, 0))
    if (!stream || asName(stream.get('Type')) !== 'ObjStm') return []
    const data = await this.streamData(stream)
    const count = asInteger(stream.get('N')) ?? 0
    const first = asInteger(stream.get('First')) ?? 0
    const objects: CompressedObject[] = []
    for (const { objectNumber: num, offset } of parseObjectStreamIndex(data, count, false)) {
      let value: PdfValue = null
      try {
        value = new PdfParser(data, -1, true, first + offset).parseValue()
      } catch (error) {
        if (!(error instanceof PdfSyntaxError)) throw error
      }
      objects.push({ num, value })
    }
    return objects
  }

  /** The decoded bytes of a stream object (decrypted first when the file is encrypted). */
  async streamData(stream: PdfDict): Promise<Buffer> {
    const location = this.streamLocations.get(stream)
    if (!location) throw new PdfSyntaxError('not a stream object')
    const isXref = asName(stream.get('Type')) === 'XRef'
    // An xref stream's /Length is direct: resolving a reference while the xref is still being read would go astray.
    const lengthValue = stream.get('Length')
    const declared = asInteger(isXref ? lengthValue : await this.resolve(lengthValue))
    const raw = await readStreamData(this.file, location.start, declared)
    const plain = this.decryptor && !isXref ? this.decryptor.decryptStream(raw, location.num, location.gen) : raw
    return decodeStream(plain, stream)
  }

  private async loadXrefChain(): Promise<void> {
    let offset = await findStartxref(this.file)
    if (offset === undefined) throw new PdfSyntaxError('no usable startxref')
    const visited = new Set<number>()
    let newest = true
    while (offset !== undefined && !visited.has(offset) && visited.size < MAX_XREF_SECTIONS) {
      visited.add(offset)
      const section = await this.readXrefSection(offset)
      if (newest) this.trailer = section.trailer
      newest = false
      const hybridStream = asInteger(section.trailer.get('XRefStm'))
      if (hybridStream !== undefined && !visited.has(hybridStream)) {
        visited.add(hybridStream)
        await this.readXrefSection(hybridStream)
      }
      offset = asInteger(section.trailer.get('Prev'))
    }
  }

  /** Reads one xref table or stream at `offset`, adding entries not already defined by a newer section. */
  private async readXrefSection(offset: number): Promise<{ trailer: PdfDict }> {
    let lastError: unknown
    for (const candidate of this.headerOffset > 0 ? [offset, offset + this.headerOffset] : [offset]) {
      try {
        const section = await parseAt(this.file, candidate, (parser) => {
          parser.skipWhitespace()
          return parser.startsWith('xref') ? { table: readXrefTable(parser) } : { stream: parser.parseIndirectObject() }
        })
        if (section.table) {
          for (const [num, entry] of section.table.entries) if (!this.entries.has(num)) this.entries.set(num, entry)
          return { trailer: section.table.trailer }
        }
        const { value, num, gen, streamStart } = section.stream
        if (!(value instanceof PdfDict) || asName(value.get('Type')) !== 'XRef' || streamStart === undefined) throw new PdfSyntaxError(`no xref at ${candidate}`)
        this.streamLocations.set(value, { num, gen, start: streamStart })
        this.addXrefStreamEntries(value, await this.streamData(value))
        return { trailer: value }
      } catch (error) {
        if (error instanceof TekenError) throw error
        lastError = error
      }
    }
    throw lastError
  }

  private addXrefStreamEntries(stream: PdfDict, data: Buffer): void {
    const { widths, ranges } = xrefStreamLayout(stream, false)
    for (const { objectNumber, type, second, third } of xrefStreamRows(data, widths, ranges)) {
      if (this.entries.has(objectNumber)) continue
      if (type === 1) this.entries.set(objectNumber, { kind: 'direct', offset: second, gen: third })
      else if (type === 2) this.entries.set(objectNumber, { kind: 'compressed', streamNum: second, index: third })
    }
  }

  private async setUpEncryption(): Promise<void> {
    this.decryptor = undefined
    const encryptValue = this.trailer.get('Encrypt')
    if (encryptValue === undefined || encryptValue === null) return
    this.encrypted = true
    const encrypt = await this.resolveDict(encryptValue)
    if (!encrypt) throw new TekenError('PDF_ENCRYPTED', 'The PDF is encrypted and its encryption dictionary cannot be read.')
    const ids = this.trailer.get('ID')
    const firstId = Array.isArray(ids) && ids[0] instanceof PdfString ? ids[0].bytes : Buffer.alloc(0)
    this.decryptor = openStandardSecurity(encrypt, firstId)
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
    const definedAt = new Map<number, number>()
    const objectStreams: { num: number; offset: number }[] = []
    const trailerCandidates: { offset: number; objectNum?: number }[] = []
    const catalogs: number[] = []
    const signatureObjects = new Set<number>()
    let current: { num: number; offset: number } | undefined
    for (const { offset, match } of await this.file.findAll(REPAIR_PATTERN)) {
      if (match[1] !== undefined) {
        const num = Number(match[1])
        current = { num, offset }
        this.entries.set(num, { kind: 'direct', offset, gen: Number(match[2]) })
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

  private async indexObjectStream(streamNum: number, streamOffset: number, definedAt: Map<number, number>): Promise<void> {
    const stream = await this.resolveDict(new PdfRef(streamNum, 0))
    if (!stream) return
    const data = await this.streamData(stream)
    const count = asInteger(stream.get('N')) ?? 0
    for (const [index, { objectNumber: num }] of parseObjectStreamIndex(data, count, false).entries()) {
      if ((definedAt.get(num) ?? -1) < streamOffset) {
        this.entries.set(num, { kind: 'compressed', streamNum, index })
        definedAt.set(num, streamOffset)
      }
    }
  }

  private async pickRepairedTrailer(candidates: { offset: number; objectNum?: number }[], catalogs: number[]): Promise<PdfDict> {
    for (const candidate of [...candidates].reverse()) {
      try {
        const trailer =
          candidate.objectNum === undefined ? await parseAt(this.file, candidate.offset, (parser) => parser.parseValue()) : await this.getObject(candidate.objectNum)
        if (trailer instanceof PdfDict && (await this.resolveDict(trailer.get('Root')))) return trailer
      } catch (error) {
        if (error instanceof TekenError) throw error
      }
    }
    const catalog = catalogs.at(-1)
    if (catalog === undefined) throw new TekenError('PDF_DAMAGED', 'The PDF is damaged: it has no trailer and no document catalog.')
    return new PdfDict(new Map([['Root', new PdfRef(catalog, 0)]]))
  }
}

/** Read leniently: a table that is still damaged sends the file to repair. */
function readXrefTable(parser: PdfParser): { entries: Map<number, XrefEntry>; trailer: PdfDict } {
  const table = parseXrefTable(parser, false)
  const entries = new Map<number, XrefEntry>()
  // Free entries are skipped: hybrid files mark as free what their xref stream then defines.
  for (const { objectNumber, offset, generation, inUse } of table.entries) if (inUse && !entries.has(objectNumber)) entries.set(objectNumber, { kind: 'direct', offset, gen: generation })
  return { entries, trailer: table.trailer }
}
