/**
 * The PDF object syntax (ISO 32000-2 §7.3), for the signer and the verifier: enough to read
 * cross-reference data, page trees, form fields and signature dictionaries. It parses from a
 * window of bytes and says when the window ended too soon, so only the objects needed are read.
 * Strings remember where their token sits in the file, because a signature's ByteRange gap must be
 * exactly its /Contents string.
 */

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}

  get key(): string {
    return `${this.num} ${this.gen}`
  }
}

export class PdfString {
  constructor(
    /** The string's bytes after unescaping (and, once the document decrypted it, in plain text). */
    readonly bytes: Buffer,
    readonly hex: boolean,
    /** File offsets of the token including its delimiters; -1 when it came from a decoded stream. */
    readonly start: number,
    readonly end: number,
  ) {}

  withBytes(bytes: Buffer): PdfString {
    return new PdfString(bytes, this.hex, this.start, this.end)
  }
}

export class PdfDict {
  constructor(readonly entries: Map<string, PdfValue>) {}

  get(key: string): PdfValue | undefined {
    return this.entries.get(key)
  }

  has(key: string): boolean {
    return this.entries.has(key)
  }
}

export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfValue[]

/** The bytes handed to the parser ended before the value did: read a larger window and retry. */
export class EndOfData extends Error {
  constructor() {
    super('the data ended inside a PDF object')
  }
}

export class PdfSyntaxError extends Error {}

export interface IndirectObject {
  num: number
  gen: number
  value: PdfValue
  /** File offset of the first stream byte when the object is a stream. */
  streamStart?: number
}

export type Token =
  | { kind: 'number'; value: number; integer: boolean }
  | { kind: 'keyword'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'string'; value: PdfString }
  | { kind: 'delimiter'; value: '[' | ']' | '<<' | '>>' | '{' | '}' }

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20])
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25])
const MAX_NESTING = 200
/** `\n`, `\r`, `\t`, `\b`, `\f`, `\(`, `\)` and `\\` inside literal strings. */
const LITERAL_ESCAPES = new Map([
  [0x6e, 0x0a],
  [0x72, 0x0d],
  [0x74, 0x09],
  [0x62, 0x08],
  [0x66, 0x0c],
  [0x28, 0x28],
  [0x29, 0x29],
  [0x5c, 0x5c],
])

function isRegular(byte: number): boolean {
  return byte >= 0 && !WHITESPACE.has(byte) && !DELIMITERS.has(byte)
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57
  return -1
}

export class PdfParser {
  /**
   * @param data the bytes to parse
   * @param base the file offset of `data[0]` (so strings know their place in the file), or -1 for decoded stream data
   * @param complete whether `data` runs to the end of its source: if not, running out throws EndOfData
   */
  constructor(
    private readonly data: Buffer,
    private readonly base: number,
    private readonly complete: boolean,
    public pos = 0,
  ) {}

  get offset(): number {
    return this.base + this.pos
  }

  atEnd(): boolean {
    this.skipWhitespace()
    return this.pos >= this.data.length
  }

  /** `num gen obj value [stream]`: stops at the first stream byte, which it reports. */
  parseIndirectObject(): IndirectObject {
    const num = this.expectInteger()
    const gen = this.expectInteger()
    const keyword = this.nextToken()
    if (keyword.kind !== 'keyword' || keyword.value !== 'obj') throw new PdfSyntaxError(`expected "obj" at ${this.offset}`)
    const value = this.parseValue(0)
    if (!(value instanceof PdfDict)) return { num, gen, value }
    this.skipWhitespace()
    if (!this.startsWith('stream')) return { num, gen, value }
    this.pos += 'stream'.length
    // The keyword is followed by CRLF or LF; a lone CR is wrong but seen in the wild.
    if (this.byteAt(this.pos) === 0x0d) this.pos += this.byteAt(this.pos + 1) === 0x0a ? 2 : 1
    else if (this.byteAt(this.pos) === 0x0a) this.pos += 1
    return { num, gen, value, streamStart: this.base + this.pos }
  }

  parseValue(depth = 0): PdfValue {
    if (depth > MAX_NESTING) throw new PdfSyntaxError('objects nested too deeply')
    const token = this.nextToken()
    switch (token.kind) {
      case 'number':
        return token.integer && token.value >= 0 ? this.referenceOr(token.value) : token.value
      case 'name':
        return new PdfName(token.value)
      case 'string':
        return token.value
      case 'keyword':
        if (token.value === 'true') return true
        if (token.value === 'false') return false
        if (token.value === 'null') return null
        throw new PdfSyntaxError(`unexpected keyword "${token.value.slice(0, 20)}" at ${this.offset}`)
      case 'delimiter':
        if (token.value === '[') return this.parseArrayBody(depth)
        if (token.value === '<<') return this.parseDictBody(depth)
        throw new PdfSyntaxError(`unexpected "${token.value}" at ${this.offset}`)
    }
  }

  /** After a non-negative integer: `num gen R` is a reference, anything else leaves the number alone. */
  private referenceOr(num: number): PdfValue {
    const saved = this.pos
    const gen = this.peekInteger()
    if (gen !== undefined) {
      this.skipWhitespace()
      if (this.byteAt(this.pos) === 0x52 && !isRegular(this.byteAt(this.pos + 1))) {
        this.pos += 1
        return new PdfRef(num, gen)
      }
    }
    this.pos = saved
    return num
  }

  private peekInteger(): number | undefined {
    this.skipWhitespace()
    const start = this.pos
    while (this.pos < this.data.length && this.byteAt(this.pos) >= 0x30 && this.byteAt(this.pos) <= 0x39) this.pos += 1
    if (this.pos >= this.data.length && !this.complete) throw new EndOfData()
    if (this.pos === start || isRegular(this.byteAt(this.pos))) return undefined
    return Number(this.data.toString('latin1', start, this.pos))
  }

  private parseArrayBody(depth: number): PdfValue[] {
    const items: PdfValue[] = []
    for (;;) {
      this.skipWhitespace()
      if (this.byteAt(this.pos) === 0x5d) {
        this.pos += 1
        return items
      }
      items.push(this.parseValue(depth + 1))
    }
  }

  private parseDictBody(depth: number): PdfDict {
    const entries = new Map<string, PdfValue>()
    for (;;) {
      const token = this.nextToken()
      if (token.kind === 'delimiter' && token.value === '>>') return new PdfDict(entries)
      if (token.kind !== 'name') throw new PdfSyntaxError(`expected a name as dictionary key at ${this.offset}`)
      // A key without a value (`/Key >>`) is malformed; treat the value as null, as readers do.
      this.skipWhitespace()
      if (this.startsWith('>>')) {
        entries.set(token.value, null)
        continue
      }
      entries.set(token.value, this.parseValue(depth + 1))
    }
  }

  private expectInteger(): number {
    const token = this.nextToken()
    if (token.kind !== 'number' || !token.integer) throw new PdfSyntaxError(`expected an integer at ${this.offset}`)
    return token.value
  }

  nextToken(): Token {
    this.skipWhitespace()
    if (this.pos >= this.data.length) {
      if (!this.complete) throw new EndOfData()
      throw new PdfSyntaxError('unexpected end of data')
    }
    const byte = this.byteAt(this.pos)
    switch (byte) {
      case 0x5b:
        this.pos += 1
        return { kind: 'delimiter', value: '[' }
      case 0x5d:
        this.pos += 1
        return { kind: 'delimiter', value: ']' }
      case 0x7b:
        this.pos += 1
        return { kind: 'delimiter', value: '{' }
      case 0x7d:
        this.pos += 1
        return { kind: 'delimiter', value: '}' }
      case 0x3c:
        if (this.byteAt(this.pos + 1) === 0x3c) {
          this.pos += 2
          return { kind: 'delimiter', value: '<<' }
        }
        return { kind: 'string', value: this.readHexString() }
      case 0x3e:
        if (this.byteAt(this.pos + 1) === 0x3e) {
          this.pos += 2
          return { kind: 'delimiter', value: '>>' }
        }
        throw new PdfSyntaxError(`stray ">" at ${this.offset}`)
      case 0x28:
        return { kind: 'string', value: this.readLiteralString() }
      case 0x2f:
        return { kind: 'name', value: this.readName() }
      case 0x29:
        throw new PdfSyntaxError(`stray ")" at ${this.offset}`)
    }
    const start = this.pos
    while (this.pos < this.data.length && isRegular(this.byteAt(this.pos))) this.pos += 1
    if (this.pos >= this.data.length && !this.complete) throw new EndOfData()
    const text = this.data.toString('latin1', start, this.pos)
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) return { kind: 'number', value: Number(text), integer: /^[+-]?\d+$/.test(text) }
    // Real files carry malformed numbers such as "--5" or "0.0.1"; readers take them as 0.
    if (/^[+\-.\d]+$/.test(text)) return { kind: 'number', value: 0, integer: false }
    return { kind: 'keyword', value: text }
  }

  /** The next token after whitespace only: among cross-reference entries a comment is damage, as qpdf and Acrobat read them. */
  nextTokenWithoutComment(): Token {
    while (this.pos < this.data.length && WHITESPACE.has(this.byteAt(this.pos))) this.pos += 1
    if (this.byteAt(this.pos) === 0x25) throw new PdfSyntaxError(`a comment among cross-reference entries at ${this.offset}`)
    return this.nextToken()
  }

  skipWhitespace(): void {
    for (;;) {
      while (this.pos < this.data.length && WHITESPACE.has(this.byteAt(this.pos))) this.pos += 1
      if (this.byteAt(this.pos) !== 0x25) return
      while (this.pos < this.data.length && this.byteAt(this.pos) !== 0x0a && this.byteAt(this.pos) !== 0x0d) this.pos += 1
    }
  }

  startsWith(text: string): boolean {
    if (this.pos + text.length > this.data.length && !this.complete) throw new EndOfData()
    return this.data.toString('latin1', this.pos, this.pos + text.length) === text
  }

  private byteAt(index: number): number {
    if (index >= this.data.length) {
      if (!this.complete) throw new EndOfData()
      return -1
    }
    return this.data[index] ?? -1
  }

  private readName(): string {
    this.pos += 1
    const bytes: number[] = []
    while (this.pos < this.data.length && isRegular(this.byteAt(this.pos))) {
      const byte = this.byteAt(this.pos)
      const high = byte === 0x23 ? hexValue(this.byteAt(this.pos + 1)) : -1
      const low = byte === 0x23 ? hexValue(this.byteAt(this.pos + 2)) : -1
      if (high >= 0 && low >= 0) {
        bytes.push(high * 16 + low)
        this.pos += 3
      } else {
        bytes.push(byte)
        this.pos += 1
      }
    }
    if (this.pos >= this.data.length && !this.complete) throw new EndOfData()
    return Buffer.from(bytes).toString('latin1')
  }

  private readHexString(): PdfString {
    const start = this.pos
    const end = this.data.indexOf(0x3e, start + 1)
    if (end < 0) {
      if (!this.complete) throw new EndOfData()
      throw new PdfSyntaxError(`unterminated hex string at ${this.base + start}`)
    }
    const digits: number[] = []
    for (let index = start + 1; index < end; index += 1) {
      const value = hexValue(this.byteAt(index))
      if (value >= 0) digits.push(value)
      else if (!WHITESPACE.has(this.byteAt(index))) throw new PdfSyntaxError(`invalid hex string at ${this.base + start}`)
    }
    if (digits.length % 2 === 1) digits.push(0)
    const bytes = Buffer.alloc(digits.length / 2)
    for (let index = 0; index < bytes.length; index += 1) bytes[index] = (digits[2 * index] ?? 0) * 16 + (digits[2 * index + 1] ?? 0)
    this.pos = end + 1
    return new PdfString(bytes, true, this.absolute(start), this.absolute(end + 1))
  }

  private readLiteralString(): PdfString {
    const start = this.pos
    const bytes: number[] = []
    let depth = 1
    this.pos += 1
    for (;;) {
      if (this.pos >= this.data.length) {
        if (!this.complete) throw new EndOfData()
        throw new PdfSyntaxError(`unterminated string at ${this.base + start}`)
      }
      const byte = this.byteAt(this.pos)
      this.pos += 1
      if (byte === 0x28) depth += 1
      else if (byte === 0x29 && --depth === 0) break
      if (byte !== 0x5c) {
        bytes.push(byte)
        continue
      }
      const escaped = this.byteAt(this.pos)
      this.pos += 1
      const simple = LITERAL_ESCAPES.get(escaped)
      if (simple !== undefined) bytes.push(simple)
      else if (escaped >= 0x30 && escaped <= 0x37) {
        let value = escaped - 0x30
        for (let count = 0; count < 2 && this.byteAt(this.pos) >= 0x30 && this.byteAt(this.pos) <= 0x37; count += 1) {
          value = value * 8 + this.byteAt(this.pos) - 0x30
          this.pos += 1
        }
        bytes.push(value & 0xff)
      } else if (escaped === 0x0d) {
        // A backslash before an end of line continues the string on the next line.
        if (this.byteAt(this.pos) === 0x0a) this.pos += 1
      } else if (escaped !== 0x0a) bytes.push(escaped)
    }
    return new PdfString(Buffer.from(bytes), false, this.absolute(start), this.absolute(this.pos))
  }

  private absolute(index: number): number {
    return this.base < 0 ? -1 : this.base + index
  }
}

export function asName(value: PdfValue | undefined): string | undefined {
  return value instanceof PdfName ? value.name : undefined
}

export function asInteger(value: PdfValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined
}
