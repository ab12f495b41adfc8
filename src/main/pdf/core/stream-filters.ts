import { constants, inflateSync } from 'node:zlib'
import { asInteger, asName, PdfDict, type PdfValue } from './pdf-syntax'

/**
 * Decodes the streams a reader of PDF structure needs: cross-reference streams and object streams.
 * Writers use FlateDecode for these (with PNG predictors for xref streams), so that is all this
 * supports; anything else is reported rather than guessed.
 */

/** One entry of a stream's /Filter, with the predictor entries of its /DecodeParms (absent ones left out). */
export interface StreamFilter {
  /** The filter's name; undefined when the entry is not a name. */
  name: string | undefined
  predictor?: PredictorParameters
}

export interface PredictorParameters {
  predictor?: number
  colors?: number
  bitsPerComponent?: number
  columns?: number
}

export function decodeFilters(data: Buffer, filters: readonly StreamFilter[]): Buffer {
  let decoded = data
  for (const filter of filters) {
    if (filter.name !== 'FlateDecode' && filter.name !== 'Fl') throw new Error(`stream filter ${filter.name ?? '(not a name)'} is not supported`)
    decoded = applyPredictor(inflate(decoded), filter.predictor ?? {})
  }
  return decoded
}

function inflate(data: Buffer): Buffer {
  try {
    return inflateSync(data)
  } catch {
    // A stream cut short or with a damaged checksum still yields its readable part, as viewers show it.
    return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH })
  }
}

/** Undoes the TIFF (2) and PNG (10-15) predictors; other values are rejected, as pdf.js does. */
function applyPredictor(data: Buffer, parameters: PredictorParameters): Buffer {
  const { predictor = 1, colors = 1, bitsPerComponent = 8, columns = 1 } = parameters
  if (predictor === 1) return data
  const bytesPerPixel = Math.max(1, Math.ceil((colors * bitsPerComponent) / 8))
  const rowLength = Math.ceil((colors * bitsPerComponent * columns) / 8)
  if (predictor === 2) {
    if (bitsPerComponent !== 8) throw new Error('TIFF predictor with other than 8 bits per component is not supported')
    const output = Buffer.from(data)
    for (let row = 0; row < output.length; row += rowLength) {
      for (let index = row + bytesPerPixel; index < Math.min(row + rowLength, output.length); index += 1) output[index] = ((output[index] ?? 0) + (output[index - bytesPerPixel] ?? 0)) & 0xff
    }
    return output
  }
  if (predictor < 10) throw new Error(`predictor ${predictor} is not supported`)
  return undoPngPredictor(data, rowLength, bytesPerPixel)
}

/** PNG filters per row (RFC 2083 §6): each row starts with its filter type. */
function undoPngPredictor(data: Buffer, rowLength: number, bytesPerPixel: number): Buffer {
  const rows = Math.floor(data.length / (rowLength + 1))
  const output = Buffer.alloc(rows * rowLength)
  for (let row = 0; row < rows; row += 1) {
    const filterType = data[row * (rowLength + 1)]
    const input = row * (rowLength + 1) + 1
    const out = row * rowLength
    for (let column = 0; column < rowLength; column += 1) {
      const raw = data[input + column] ?? 0
      const left = column >= bytesPerPixel ? (output[out + column - bytesPerPixel] ?? 0) : 0
      const up = row > 0 ? (output[out - rowLength + column] ?? 0) : 0
      const upLeft = row > 0 && column >= bytesPerPixel ? (output[out - rowLength + column - bytesPerPixel] ?? 0) : 0
      let value: number
      switch (filterType) {
        case 0:
          value = raw
          break
        case 1:
          value = raw + left
          break
        case 2:
          value = raw + up
          break
        case 3:
          value = raw + Math.floor((left + up) / 2)
          break
        case 4:
          value = raw + paeth(left, up, upLeft)
          break
        default:
          throw new Error(`unknown PNG predictor row filter ${String(filterType)}`)
      }
      output[out + column] = value & 0xff
    }
  }
  return output
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft
  const toLeft = Math.abs(estimate - left)
  const toUp = Math.abs(estimate - up)
  const toUpLeft = Math.abs(estimate - upLeft)
  if (toLeft <= toUp && toLeft <= toUpLeft) return left
  return toUp <= toUpLeft ? up : upLeft
}

/** The decoded bytes of a cross-reference or object stream from its raw contents and dictionary (see `decodeFilters`). */
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
