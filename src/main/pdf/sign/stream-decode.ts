import { PDFArray, PDFDict, PDFName, PDFNumber, type PDFObject, type PDFRawStream } from 'pdf-lib'
import { decodeFilters, type PredictorParameters } from '../core/stream-filters'

/** The decoded bytes of a cross-reference or object stream (see `decodeFilters`). */
export function decodeStream(stream: PDFRawStream): Buffer {
  const parameters = asList(stream.dict.get(PDFName.of('DecodeParms')))
  const filters = asList(stream.dict.get(PDFName.of('Filter'))).map((filter, index) => {
    const parameter = parameters[index]
    return { name: filter instanceof PDFName ? filter.decodeText() : undefined, predictor: parameter instanceof PDFDict ? predictorOf(parameter) : undefined }
  })
  return decodeFilters(Buffer.from(stream.contents), filters)
}

function asList(value: PDFObject | undefined): PDFObject[] {
  if (value === undefined) return []
  return value instanceof PDFArray ? value.asArray() : [value]
}

function predictorOf(dict: PDFDict): PredictorParameters {
  const number = (key: string) => {
    const value = dict.get(PDFName.of(key))
    return value instanceof PDFNumber ? value.asNumber() : undefined
  }
  return { predictor: number('Predictor'), colors: number('Colors'), bitsPerComponent: number('BitsPerComponent'), columns: number('Columns') }
}
