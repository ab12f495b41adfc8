import { PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNull, PDFNumber, PDFRef, PDFString, type PDFContext, type PDFObject } from 'pdf-lib'
import { PdfDict, PdfName, PdfRef, PdfString, type PdfValue } from '../core/pdf-syntax'

/**
 * The signer edits what it reads (a page's /Annots, the AcroForm, the catalog) and lets pdf-lib
 * serialise the result, so values from the shared parser become pdf-lib objects here.
 */
export function toPdfLib(value: PdfValue, context: PDFContext): PDFObject {
  if (value === null) return PDFNull
  if (typeof value === 'boolean') return value ? PDFBool.True : PDFBool.False
  if (typeof value === 'number') return PDFNumber.of(value)
  if (value instanceof PdfName) return pdfLibName(value.name)
  if (value instanceof PdfRef) return PDFRef.of(value.num, value.gen)
  if (value instanceof PdfString) {
    if (value.hex) return PDFHexString.of(value.bytes.toString('hex').toUpperCase())
    // pdf-lib writes a literal string's text as is: only the delimiters need their escapes back.
    return PDFString.of(value.bytes.toString('latin1').replace(/[\\()]/g, (character) => `\\${character}`))
  }
  if (value instanceof PdfDict) {
    const dict = PDFDict.withContext(context)
    for (const [key, entry] of value.entries) dict.set(pdfLibName(key), toPdfLib(entry, context))
    return dict
  }
  const array = PDFArray.withContext(context)
  for (const item of value) array.push(toPdfLib(item, context))
  return array
}

/** A reference for pdf-lib: what an update writes into its own objects, or assigns a new body to. */
export function pdfLibRef(ref: PdfRef): PDFRef {
  return PDFRef.of(ref.num, ref.gen)
}

/** PDFName.of decodes #xx escapes, so a decoded name's own "#" is escaped first. */
function pdfLibName(decoded: string): PDFName {
  return PDFName.of(decoded.replace(/#/g, '#23'))
}
