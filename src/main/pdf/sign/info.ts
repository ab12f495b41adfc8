import type { PageGeometry, PdfRect } from '../../../shared/pdf-types'
import { PdfDict } from '../core/pdf-syntax'
import { PdfDocument } from './pdf-document'
import type { XrefKind } from './pdf-file'

export interface SignatureFieldInfo {
  /** Fully qualified field name, e.g. "Signature1" or "approvals.manager". */
  name: string
  /** Whether the field holds a signature (/V), as opposed to an empty field waiting for one. */
  signed: boolean
  /** Where its first widget is; absent for a widget on no page. */
  pageNumber?: number
  /** Its first widget's /Rect; [0 0 0 0] for invisible signatures. */
  rect?: PdfRect
}

export interface PdfInfo {
  pageCount: number
  pages: PageGeometry[]
  encrypted: boolean
  /** The newest cross-reference section: a classic table, a stream, or a table with /XRefStm. */
  xref: XrefKind
  /** "1.7", "2.0"…: the header, or the catalog's /Version when newer. */
  version: string
  /** Empty for encrypted files, whose field names are encrypted strings. */
  signatureFields: SignatureFieldInfo[]
}

/** Pages, boxes and rotation per page, and the signature fields, as `pdf info` shows them. */
export async function readPdfInfo(path: string): Promise<PdfInfo> {
  const document = await PdfDocument.open(path)
  try {
    const pages = (await document.pages()).map((page) => page.geometry)
    return {
      pageCount: pages.length,
      pages,
      encrypted: document.file.encrypted,
      xref: document.file.xrefKind,
      version: document.version(),
      signatureFields: document.file.encrypted ? [] : await signatureFields(document),
    }
  } finally {
    await document.close()
  }
}

async function signatureFields(document: PdfDocument): Promise<SignatureFieldInfo[]> {
  const result: SignatureFieldInfo[] = []
  for (const field of await document.fields()) {
    if (field.type !== 'Sig') continue
    const value = await document.file.resolve(field.dict.get('V'))
    const info: SignatureFieldInfo = { name: field.name, signed: value instanceof PdfDict }
    const widget = field.widgets[0]
    if (widget) {
      const pageNumber = await document.pageOfWidget(widget)
      const rect = await document.rect(widget.dict.get('Rect'))
      if (pageNumber !== undefined) info.pageNumber = pageNumber
      if (rect) info.rect = rect
    }
    result.push(info)
  }
  return result
}
