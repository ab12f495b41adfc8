import type { PdfFileReader } from './file-reader'
import { asInteger, EndOfData, PdfDict, PdfParser, PdfSyntaxError, type Token } from './pdf-syntax'

/** Readers accept up to 1 KiB of junk before the header (ISO 32000-2 Annex H) and look for startxref in the last 4 KiB. */
const HEADER_SEARCH = 1024
const TAIL_SEARCH = 4096

/** Where "%PDF-" starts and the version it declares ("1.0" when unreadable); undefined when it is not in the first KiB. */
export async function findHeader(reader: PdfFileReader): Promise<{ offset: number; version: string } | undefined> {
  const head = await reader.read(0, HEADER_SEARCH)
  const offset = head.indexOf('%PDF-', 0, 'latin1')
  if (offset < 0) return undefined
  return { offset, version: /^%PDF-(\d+\.\d+)/.exec(head.toString('latin1', offset, offset + 16))?.[1] ?? '1.0' }
}

/** The value of the file's last startxref (an earlier one belongs to an older revision); undefined when there is none. */
export async function findStartxref(reader: PdfFileReader): Promise<number | undefined> {
  const tail = (await reader.read(Math.max(0, reader.size - TAIL_SEARCH), TAIL_SEARCH)).toString('latin1')
  const keyword = tail.lastIndexOf('startxref')
  const match = keyword < 0 ? null : /^startxref[\0\t\n\f\r ]+(\d+)/.exec(tail.slice(keyword))
  return match ? Number(match[1]) : undefined
}

/** Parses at a file offset from a small window, widening it while the object runs past its end. */
export async function parseAt<T>(reader: PdfFileReader, offset: number, parse: (parser: PdfParser) => T): Promise<T> {
  if (offset < 0 || offset >= reader.size) throw new PdfSyntaxError(`offset ${offset} is outside the file`)
  for (let size = 4096; ; size *= 4) {
    const window = await reader.read(offset, size)
    const complete = offset + window.length >= reader.size
    try {
      return parse(new PdfParser(window, offset, complete))
    } catch (error) {
      if (!(error instanceof EndOfData) || complete) throw error
    }
  }
}

/**
 * A stream's raw bytes from `start`, its first data byte: `declaredLength` of them when "endstream"
 * follows, else (a wrong /Length is common) up to the next "endstream", less the end-of-line before it.
 */
export async function readStreamData(reader: PdfFileReader, start: number, declaredLength: number | undefined): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength >= 0 && start + declaredLength <= reader.size) {
    const data = await reader.read(start, declaredLength + 32)
    if (/^[\0\t\n\f\r ]*endstream/.test(data.toString('latin1', declaredLength))) return data.subarray(0, declaredLength)
  }
  for (let size = 64 * 1024; ; size *= 4) {
    const window = await reader.read(start, size)
    const end = window.indexOf('endstream', 0, 'latin1')
    if (end >= 0) {
      let length = end
      if (window[length - 1] === 0x0a) length -= 1
      if (window[length - 1] === 0x0d) length -= 1
      return window.subarray(0, Math.max(0, length))
    }
    if (start + window.length >= reader.size) throw new PdfSyntaxError(`the stream at byte ${start} has no "endstream"`)
  }
}

/** One entry of a cross-reference stream: its type (0 free, 1 at an offset, 2 in an object stream) and two fields. */
export interface XrefStreamRow {
  objectNumber: number
  type: number
  /** Type 1: the byte offset; type 2: the object stream's number. */
  second: number
  /** Type 1: the generation; type 2: the index in the object stream. */
  third: number
}

/**
 * The /W field widths and /Index ranges of a cross-reference stream's dictionary. Strictly read,
 * /W must be three numbers of at most 8 bytes each and /Size a number; leniently, /W needs three
 * entries (non-integers read as 0) that are not all zero.
 */
export function xrefStreamLayout(dict: PdfDict, strict: boolean): { widths: [number, number, number]; ranges: number[] } {
  const widthsValue = dict.get('W')
  const size = dict.get('Size')
  if (strict && (!Array.isArray(widthsValue) || widthsValue.length !== 3 || typeof size !== 'number')) throw new PdfSyntaxError('cross-reference stream without /W or /Size')
  const widths = Array.isArray(widthsValue) ? widthsValue.map((width) => (strict ? (typeof width === 'number' ? width : -1) : (asInteger(width) ?? 0))) : []
  const [typeWidth = 0, secondWidth = 0, thirdWidth = 0] = widths
  const bad = strict ? widths.some((width) => width < 0 || width > 8) : widths.length !== 3 || typeWidth + secondWidth + thirdWidth === 0
  if (bad) throw new PdfSyntaxError('bad /W in a cross-reference stream')
  const index = dict.get('Index')
  const ranges = Array.isArray(index) ? index.map((value) => asInteger(value) ?? 0) : [0, asInteger(size) ?? 0]
  return { widths: [typeWidth, secondWidth, thirdWidth], ranges }
}

/**
 * The rows of a decoded cross-reference stream (ISO 32000-2 §7.5.8.3), numbered by its /Index ranges
 * (pairs of first object number and count). Rows past the end of the data are left out.
 */
export function* xrefStreamRows(data: Buffer, widths: readonly [number, number, number], ranges: readonly number[]): Generator<XrefStreamRow> {
  const [typeWidth, secondWidth, thirdWidth] = widths
  const rowWidth = typeWidth + secondWidth + thirdWidth
  const field = (at: number, width: number) => {
    let value = 0
    for (let index = 0; index < width; index += 1) value = value * 256 + (data[at + index] ?? 0)
    return value
  }
  let at = 0
  for (let range = 0; range + 1 < ranges.length; range += 2) {
    const first = ranges[range] ?? 0
    const count = ranges[range + 1] ?? 0
    for (let index = 0; index < count && at + rowWidth <= data.length; index += 1, at += rowWidth) {
      // A zero-width type field means every row is type 1.
      const type = typeWidth === 0 ? 1 : field(at, typeWidth)
      yield { objectNumber: first + index, type, second: field(at + typeWidth, secondWidth), third: field(at + typeWidth + secondWidth, thirdWidth) }
    }
  }
}

/** One line of a classic cross-reference table. */
export interface XrefTableEntry {
  objectNumber: number
  offset: number
  generation: number
  /** "n"; anything else is a free entry. */
  inUse: boolean
}

/**
 * A classic cross-reference table (ISO 32000-2 §7.5.4), from its "xref" keyword through the trailer
 * dictionary, entries in file order. `strict` reads it as qpdf and Acrobat do: integers only, each
 * entry "n" or "f", and nothing but whitespace between entries (a comment there is damage; before a
 * subsection it is tolerated). Otherwise any numbers and keywords pass, for a caller that can repair.
 */
export function parseXrefTable(parser: PdfParser, strict: boolean): { trailer: PdfDict; entries: XrefTableEntry[] } {
  const numberOf = (token: Token) => {
    if (token.kind !== 'number' || (strict && !token.integer)) throw new PdfSyntaxError(`bad cross-reference entry at ${parser.offset}`)
    return token.value
  }
  const entryToken = () => (strict ? parser.nextTokenWithoutComment() : parser.nextToken())
  const entries: XrefTableEntry[] = []
  parser.nextToken()
  for (;;) {
    const subsection = parser.nextToken()
    if (subsection.kind === 'keyword' && subsection.value === 'trailer') break
    const first = numberOf(subsection)
    const count = numberOf(parser.nextToken())
    for (let index = 0; index < count; index += 1) {
      const offset = numberOf(entryToken())
      const generation = numberOf(entryToken())
      const type = entryToken()
      if (type.kind !== 'keyword' || (strict && type.value !== 'n' && type.value !== 'f')) throw new PdfSyntaxError(`bad cross-reference entry at ${parser.offset}`)
      entries.push({ objectNumber: first + index, offset, generation, inUse: type.value === 'n' })
    }
  }
  const trailer = parser.parseValue()
  if (!(trailer instanceof PdfDict)) throw new PdfSyntaxError('the trailer is not a dictionary')
  return { trailer, entries }
}

/** One member of an object stream: its object number and where it starts, counted from the stream's /First. */
export interface ObjectStreamMember {
  objectNumber: number
  offset: number
}

/**
 * The index at the start of an object stream's data: `count` pairs of object number and offset.
 * Strictly read, anything but two integers per member is a syntax error; leniently read, the index
 * ends at the first pair that is not two integers (or at the end of the data).
 */
export function parseObjectStreamIndex(data: Buffer, count: number, strict: boolean): ObjectStreamMember[] {
  const header = new PdfParser(data, -1, true)
  const members: ObjectStreamMember[] = []
  for (let index = 0; index < count; index += 1) {
    if (strict) {
      members.push({ objectNumber: integerToken(header.nextToken()), offset: integerToken(header.nextToken()) })
      continue
    }
    if (header.atEnd()) break
    const objectNumber = asInteger(header.parseValue())
    const offset = asInteger(header.parseValue())
    if (objectNumber === undefined || offset === undefined) break
    members.push({ objectNumber, offset })
  }
  return members
}

function integerToken(token: Token): number {
  if (token.kind !== 'number' || !token.integer) throw new PdfSyntaxError('expected an integer')
  return token.value
}
