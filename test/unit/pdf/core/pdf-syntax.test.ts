import fc from 'fast-check'
import { PDFArray, PDFBool, PDFContext, PDFDict, PDFHexString, PDFName, PDFNull, PDFNumber, PDFRef, PDFString, type PDFObject } from 'pdf-lib'
import { describe, expect, it } from 'vitest'
import { EndOfData, PdfParser, PdfRef, PdfString, PdfSyntaxError, type PdfDict, type PdfName } from '../../../../src/main/pdf/core/pdf-syntax'
import { toPdfLib } from '../../../../src/main/pdf/sign/pdf-lib-objects'

const parse = (text: string | Buffer, base = 0) => new PdfParser(Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1'), base, true).parseValue()

/** Writes bytes as a PDF literal string, escaping what must be and some of what may be. */
function literal(bytes: Uint8Array, octalEvery: number): string {
  let text = '('
  bytes.forEach((byte, index) => {
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`
    else if (byte === 0x0d || index % octalEvery === 0) text += `\\${byte.toString(8).padStart(3, '0')}`
    else text += String.fromCharCode(byte)
  })
  return `${text})`
}

describe('PDF object syntax', () => {
  it('literal strings round-trip any bytes, with escapes and octal codes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 9 }), (bytes, octalEvery) => {
        const value = parse(literal(bytes, octalEvery))
        expect(value).toBeInstanceOf(PdfString)
        expect([...(value as PdfString).bytes]).toEqual([...bytes])
      }),
    )
  })

  it('hex strings ignore whitespace, pad an odd digit and remember where they sit in the file', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 0, max: 10_000 }), (bytes, base) => {
        const spaced = Buffer.from(bytes).toString('hex').replace(/(..)/g, '$1 \n')
        const value = parse(`<${spaced}>`, base) as PdfString
        expect([...value.bytes]).toEqual([...bytes])
        expect([value.hex, value.start, value.end]).toEqual([true, base, base + spaced.length + 2])
      }),
    )
    expect([...(parse('<ABC>') as PdfString).bytes]).toEqual([0xab, 0xc0])
  })

  it('balanced parentheses, line continuations and unknown escapes in literal strings', () => {
    expect((parse('(a (nested) b\\\nc \\q)') as PdfString).bytes.toString('latin1')).toBe('a (nested) bc q')
    expect((parse('(CR\\\r\nLF)') as PdfString).bytes.toString('latin1')).toBe('CRLF')
  })

  it('names decode #xx escapes', () => {
    expect((parse('/Lime#20Green') as PdfName).name).toBe('Lime Green')
    expect((parse('/A#23B') as PdfName).name).toBe('A#B')
  })

  it('tells references from numbers that happen to stand side by side', () => {
    const value = parse('[1 0 R 2 3 4 0 R -1 0.5 .25 +7]') as unknown[]
    expect(value).toEqual([new PdfRef(1, 0), 2, 3, new PdfRef(4, 0), -1, 0.5, 0.25, 7])
  })

  it('dictionaries with comments, nesting, and a key without a value', () => {
    const dict = parse('<< /Type /Sig % comment >>\n /Nested << /P 2 >> /Empty >>') as PdfDict
    expect((dict.get('Type') as PdfName).name).toBe('Sig')
    expect((dict.get('Nested') as PdfDict).get('P')).toBe(2)
    expect(dict.get('Empty')).toBeNull()
  })

  it('an indirect object reports where its stream data starts', () => {
    const data = Buffer.from('7 0 obj\n<< /Length 3 >>\nstream\r\nabc\nendstream\nendobj', 'latin1')
    const object = new PdfParser(data, 100, true).parseIndirectObject()
    expect([object.num, object.gen, object.streamStart]).toEqual([7, 0, 100 + data.indexOf('abc')])
  })

  it('asks for more data when an object runs past the window, at any cut', () => {
    const text = Buffer.from('5 0 obj\n<< /ByteRange [0 10 20 30] /Contents <3082> /M (D:2026) /R 5 0 R >>\nendobj')
    for (let cut = 1; cut < text.indexOf('>>\nendobj') + 2; cut += 1) {
      expect(() => new PdfParser(text.subarray(0, cut), 0, false).parseIndirectObject(), `cut at ${cut}`).toThrow(EndOfData)
    }
  })
})


/*
 * The windowed parser: whatever pdf-lib serialises parses back to the same serialisation, and a
 * window that cuts an object short asks for more bytes instead of returning a wrong object. The
 * engine relies on the second property to read objects from 4 KiB windows of large files.
 */

const context = PDFContext.create()

const leaf: fc.Arbitrary<PDFObject> = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((value) => PDFNumber.of(value)),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((value) => PDFNumber.of(Math.round(value * 1000) / 1000)),
  fc.string({ minLength: 1, maxLength: 12 }).map((text) => PDFName.of(text)),
  // Literal strings as writers escape them: backslash escapes and balanced parentheses.
  fc.string({ maxLength: 16 }).map((text) => PDFString.of(text.replace(/[\\()]/g, (character) => `\\${character}`))),
  fc.string({ maxLength: 12 }).map((text) => PDFHexString.fromText(text)),
  fc.constantFrom<PDFObject>(PDFBool.True, PDFBool.False, PDFNull),
  fc.tuple(fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 0, max: 65_535 })).map(([number, generation]) => PDFRef.of(number, generation)),
)

const object: fc.Arbitrary<PDFObject> = fc.letrec<{ value: PDFObject }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 5 }).map((items) => {
      const array = PDFArray.withContext(context)
      for (const item of items) array.push(item)
      return array
    }),
    fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), tie('value')), { maxLength: 5 }).map((entries) => {
      const dict = PDFDict.withContext(context)
      for (const [key, value] of entries) dict.set(PDFName.of(key), value)
      return dict
    }),
  ),
})).value

const bytesOf = (value: PDFObject) => {
  const bytes = new Uint8Array(value.sizeInBytes())
  value.copyBytesInto(bytes, 0)
  return bytes
}
const text = (value: PDFObject) => Buffer.from(bytesOf(value)).toString('latin1')

describe('PdfParser read into pdf-lib objects, as the signer reads them', () => {
  it('parses back whatever pdf-lib serialises', () => {
    fc.assert(
      fc.property(object, (value) => {
        expect(text(toPdfLib(new PdfParser(Buffer.from(bytesOf(value)), 0, true).parseValue(), context))).toBe(text(value))
      }),
      { numRuns: 500 },
    )
  })

  it('asks for more bytes when a window cuts an object short, and never returns a wrong object', () => {
    fc.assert(
      fc.property(object, fc.nat(), (value, cut) => {
        const bytes = bytesOf(value)
        // The object followed by what comes after it in a file, cut anywhere.
        const stream = Buffer.concat([bytes, Buffer.from('\nendobj\n')])
        const window = stream.subarray(0, cut % (stream.length + 1))
        try {
          expect(text(toPdfLib(new PdfParser(window, 0, false).parseValue(), context))).toBe(text(value))
        } catch (error) {
          expect(error).toBeInstanceOf(EndOfData)
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('reads references, names with #-escapes in either case, comments and malformed numbers as readers do', () => {
    const parse = (source: string) => text(toPdfLib(new PdfParser(Buffer.from(source, 'latin1'), 0, true).parseValue(), context))
    expect(parse('<</Kids [3 0 R 4 0 R] % a comment\n /Count 2>>')).toBe('<<\n/Kids [ 3 0 R 4 0 R ]\n/Count 2\n>>')
    expect(parse('/A#20b')).toBe('/A#20b')
    expect(parse('/A#2fb')).toBe(parse('/A#2Fb'))
    expect(parse('[1 2 R]')).toBe('[ 1 2 R ]')
    expect(parse('[1 2]')).toBe('[ 1 2 ]')
    expect(parse('[--5 0.0.1 .5]')).toBe('[ 0 0 0.5 ]')
    // A key without a value reads as null, which ISO 32000-2 §7.3.9 makes the same as absent.
    expect(parse('<</Empty>>')).toBe('<<\n/Empty null\n>>')
    expect(() => parse('<</A 1 /B')).toThrow(PdfSyntaxError)
    expect(() => parse('endobj')).toThrow(PdfSyntaxError)
  })
})
