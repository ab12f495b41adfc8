import { TekenError } from '../../../shared/errors'
import { docMdpPermission, walkFields, walkPageTree, type DocMdpPermission } from '../core/document-structure'
import { asName, PdfRef, PdfString, type PdfDict, type PdfValue } from '../core/pdf-syntax'
import type { PdfDocument } from './pdf-document'

export type CertificationLevel = DocMdpPermission

/** A signature dictionary that holds a signature (not an empty placeholder), and how it was found. */
export interface FoundSignature {
  dict: PdfDict
  fieldName?: string
  /**
   * `page-widget`: a signature widget on a page that the AcroForm does not list (viewers and
   * pdfsig still show it); `usage-rights`: Adobe Reader's UR3 signature in /Perms, no form field;
   * `repair-scan`: a signature dictionary in a damaged file that nothing leads to any more.
   */
  foundAs: 'form-field' | 'page-widget' | 'usage-rights' | 'repair-scan'
  certificationLevel?: CertificationLevel
}

export interface UnsignedField {
  fieldName: string
  /** A signature dictionary with a zero-filled /Contents: prepared for signing, never signed. */
  placeholder: boolean
}

export interface SignatureDiscovery {
  signatures: FoundSignature[]
  usageRights: FoundSignature[]
  unsignedFields: UnsignedField[]
}

const MAX_FIELD_DEPTH = 64

/**
 * Finds signatures the way viewers list them: the signature fields of the AcroForm (approval,
 * certification and document-timestamp signatures) and signature widgets on pages that the form
 * forgot, with /Perms saying which one certifies the document; UR3 usage-rights signatures are
 * kept apart. In a repaired file, signature dictionaries that nothing leads to are added as well.
 */
export async function findSignatures(document: PdfDocument): Promise<SignatureDiscovery> {
  const discovery: SignatureDiscovery = { signatures: [], usageRights: [], unsignedFields: [] }
  const seen = new Map<PdfDict | string, FoundSignature>()
  const catalog = await document.catalog()
  const acroForm = await document.dict(catalog?.get('AcroForm'))
  const fields = await document.resolve(acroForm?.get('Fields'))
  const visited = new Set<string>()

  const identify = async (value: PdfValue | undefined): Promise<{ dict: PdfDict; key: PdfDict | string } | undefined> => {
    const dict = await document.dict(value)
    return dict ? { dict, key: value instanceof PdfRef ? value.key : dict } : undefined
  }

  const fieldWalk = { visited, maxDepth: MAX_FIELD_DEPTH }
  const walk = (value: PdfValue, foundAs: FoundSignature['foundAs']): Promise<void> =>
    walkFields(document, value, fieldWalk, async (field) => {
      if (field.type !== 'Sig') return
      const signature = await identify(field.dict.get('V'))
      if (!signature || !holdsSignature(signature.dict)) {
        discovery.unsignedFields.push({ fieldName: field.name ?? '(unnamed)', placeholder: signature !== undefined })
        return
      }
      if (seen.has(signature.key)) return
      const found: FoundSignature = { dict: signature.dict, fieldName: field.name, foundAs, certificationLevel: await docMdpPermission(document, signature.dict) }
      seen.set(signature.key, found)
      discovery.signatures.push(found)
    })

  if (Array.isArray(fields)) for (const field of fields) await walk(field, 'form-field')

  await walkPageTree(document, catalog?.get('Pages'), { maxDepth: MAX_FIELD_DEPTH }, async (page) => {
    const annotations = await document.resolve(page.dict.get('Annots'))
    for (const annotation of Array.isArray(annotations) ? annotations : []) {
      const widget = await document.dict(annotation)
      if (!widget || asName(widget.get('Subtype')) !== 'Widget') continue
      // The field is the top of the widget's /Parent chain; the AcroForm walk may have seen it already.
      let field: PdfValue = annotation
      let fieldDict = widget
      for (let hops = 0; hops < MAX_FIELD_DEPTH && fieldDict.has('Parent'); hops += 1) {
        const parent = await document.dict(fieldDict.get('Parent'))
        if (!parent) break
        field = fieldDict.get('Parent') ?? null
        fieldDict = parent
      }
      await walk(field, 'page-widget')
    }
  })

  const perms = await document.dict(catalog?.get('Perms'))
  const certifying = await identify(perms?.get('DocMDP'))
  if (certifying && holdsSignature(certifying.dict)) {
    const known = seen.get(certifying.key)
    const level = (await docMdpPermission(document, certifying.dict)) ?? 2
    if (known) known.certificationLevel = level
    else {
      const found: FoundSignature = { dict: certifying.dict, foundAs: 'form-field', certificationLevel: level }
      seen.set(certifying.key, found)
      discovery.signatures.push(found)
    }
  }
  const usageRights = await identify(perms?.get('UR3'))
  if (usageRights && holdsSignature(usageRights.dict)) discovery.usageRights.push({ dict: usageRights.dict, foundAs: 'usage-rights' })

  if (document.repaired) {
    for (const num of document.scannedSignatureObjects) {
      const dict = await document.dict(new PdfRef(num, 0))
      const key = new PdfRef(num, 0).key
      // A signature that cannot be read cannot be judged; reporting the file as unsigned would mislead.
      if (!dict) throw new TekenError('PDF_DAMAGED', `The PDF is damaged: object ${num}, which holds a /ByteRange, cannot be read, so its signature cannot be checked.`)
      if (seen.has(key) || [...seen.values()].some((found) => found.dict === dict) || !holdsSignature(dict) || usageRights?.dict === dict) continue
      const found: FoundSignature = { dict, foundAs: 'repair-scan', certificationLevel: await docMdpPermission(document, dict) }
      seen.set(key, found)
      discovery.signatures.push(found)
    }
  }
  return discovery
}

/** A signature dictionary with a ByteRange and a /Contents that is not all zeros. */
function holdsSignature(dict: PdfDict): boolean {
  const contents = dict.get('Contents')
  return dict.has('ByteRange') && contents instanceof PdfString && contents.bytes.some((byte) => byte !== 0)
}
