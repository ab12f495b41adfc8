import { PdfString, type PdfValue } from './pdf-syntax'

/** PDFDocEncoding where it differs from Latin-1 (ISO 32000-2 Annex D.3). */
const PDF_DOC_ENCODING = new Map<number, string>([
  ...[...'˘ˇˆ˙˝˛˚˜'].map((character, index): [number, string] => [0x18 + index, character]),
  ...[...'•†‡…—–ƒ⁄‹›−‰„“”‘’‚™ﬁﬂŁŒŠŸŽıłœšž'].map((character, index): [number, string] => [0x80 + index, character]),
  [0xa0, '€'],
])

/** A text string (§7.9.2.2): UTF-16BE or UTF-8 with a byte-order mark, else PDFDocEncoding. */
export function decodeTextString(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const body = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)))
    return body.swap16().toString('utf16le')
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8')
  return Array.from(bytes, (byte) => PDF_DOC_ENCODING.get(byte) ?? String.fromCharCode(byte)).join('')
}

export function textOf(value: PdfValue | undefined): string | undefined {
  return value instanceof PdfString ? decodeTextString(value.bytes) : undefined
}

/**
 * A PDF date (§7.9.4) `D:YYYYMMDDHHmmSSOHH'mm'` as an ISO 8601 UTC string. Every part after the
 * year is optional; no time zone means the writer did not say, which is read as UTC.
 */
export function parsePdfDate(text: string | undefined): string | undefined {
  const match = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([+\-Z])\s*(\d{2})?'?(\d{2})?'?)?/.exec(text?.trim() ?? '')
  if (!match) return undefined
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', sign, offsetHours = '00', offsetMinutes = '00'] = match
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second))
  const offset = sign === '+' || sign === '-' ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) : 0
  const date = new Date(utc - offset * 60_000)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}
