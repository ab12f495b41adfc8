import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeTextString, parsePdfDate } from '../../../../src/main/pdf/core/pdf-text'

describe('PDF text strings and dates', () => {
  it('decodes UTF-16BE and UTF-8 with byte-order marks, and PDFDocEncoding otherwise', () => {
    expect(decodeTextString(Buffer.from('feff0054006500720074006100200e01', 'hex'))).toBe('Terta ก')
    expect(decodeTextString(Buffer.from('efbbbf546f6b6f20e282ac', 'hex'))).toBe('Toko €')
    expect(decodeTextString(Buffer.from([0x80, 0x84, 0x8d, 0x8e, 0x92, 0x9e, 0xa0, 0x18, 0xe9]))).toBe('•—“”™ž€˘é')
  })

  it('parses PDF dates with any offset to the same instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -12 * 60, max: 14 * 60 }), (date, offsetMinutes) => {
        const instant = new Date(Math.floor(date.getTime() / 1000) * 1000)
        const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString()
        const sign = offsetMinutes < 0 ? '-' : '+'
        const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')
        const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0')
        const text = `D:${local.slice(0, 19).replace(/[-T:]/g, '')}${sign}${hours}'${minutes}'`
        expect(parsePdfDate(text)).toBe(instant.toISOString())
      }),
    )
  })

  it('fills in the parts a PDF date leaves out, and rejects what is not one', () => {
    expect(parsePdfDate('D:2024')).toBe('2024-01-01T00:00:00.000Z')
    expect(parsePdfDate('D:20201101010000+01\'00')).toBe('2020-11-01T00:00:00.000Z')
    expect(parsePdfDate('D:20260509000000Z')).toBe('2026-05-09T00:00:00.000Z')
    expect(parsePdfDate('20091002001131+05\'00\'')).toBe('2009-10-01T19:11:31.000Z')
    expect(parsePdfDate('kemarin')).toBeUndefined()
    expect(parsePdfDate(undefined)).toBeUndefined()
  })
})
