import { asInteger, asName, PdfDict, type PdfValue } from '../core/pdf-syntax'
import { decodeFilters } from '../core/stream-filters'

/** The decoded bytes of a cross-reference or object stream (see `decodeFilters`). */
export function decodeStream(data: Buffer, dict: PdfDict): Buffer {
  const parameters = listOf(dict.get('DecodeParms'))
  const filters = listOf(dict.get('Filter')).map((filter, index) => {
    const parms = parameters[index]
    if (!(parms instanceof PdfDict)) return { name: asName(filter) }
    const predictor = { predictor: asInteger(parms.get('Predictor')), colors: asInteger(parms.get('Colors')), bitsPerComponent: asInteger(parms.get('BitsPerComponent')), columns: asInteger(parms.get('Columns')) }
    return { name: asName(filter), predictor }
  })
  return decodeFilters(data, filters)
}

function listOf(value: PdfValue | undefined): PdfValue[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}
