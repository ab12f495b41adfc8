import { TekenError } from '../../../shared/errors'
import { PdfFileReader } from '../core/file-reader'
import { findHeader } from '../core/file-structure'
import { checkSignature, type FileFacts } from './check-signature'
import { openPdfDocument, type PdfDocument } from './pdf-document'
import { findRevisionEnds } from './revisions'
import { findSignatures, type FoundSignature } from './signature-fields'
import type { PdfVerification, SignatureReport } from './types'

/**
 * Lists and checks every signature in a PDF: approval and certification signatures, document
 * timestamps and (apart) usage-rights signatures. Electron-free; the file is read in place, never
 * held in memory whole.
 *
 * Throws `TekenError`: FILE_NOT_READABLE, PDF_NOT_A_PDF, PDF_ENCRYPTED (a password or certificate
 * is needed to open it) or PDF_DAMAGED (not even a repair scan finds the document).
 */
export async function verifyPdf(path: string): Promise<PdfVerification> {
  const file = await openInput(path)
  try {
    const headerOffset = (await findHeader(file))?.offset
    if (headerOffset === undefined) throw new TekenError('PDF_NOT_A_PDF', `${path} is not a PDF: it has no %PDF- header.`, { path })
    const document = await openPdfDocument(file, headerOffset)
    const repairedBefore = document.repaired
    let discovery = await findSignatures(document)
    // A repair that started halfway through the walk replaced the objects the walk had read: walk again.
    if (document.repaired !== repairedBefore) discovery = await findSignatures(document)
    const facts: FileFacts = { file, revisionEnds: await findRevisionEnds(file, headerOffset), dssCertificates: await readDssCertificates(document) }
    const signatures = await checkAll(discovery.signatures, facts)
    return {
      signatures,
      usageRights: await checkAll(discovery.usageRights, facts),
      unsignedFields: discovery.unsignedFields,
      allValid: signatures.every((signature) => signature.status === 'valid'),
      revisions: facts.revisionEnds.length,
      fileSize: file.size,
      repaired: document.repaired,
      encrypted: document.encrypted,
    }
  } catch (error) {
    if (error instanceof TekenError) throw error
    throw new TekenError('PDF_DAMAGED', `The PDF is damaged beyond repair: ${(error as Error).message}.`, { path })
  } finally {
    await file.close()
  }
}

async function openInput(path: string): Promise<PdfFileReader> {
  let file: PdfFileReader
  try {
    file = await PdfFileReader.open(path)
  } catch (error) {
    throw new TekenError('FILE_NOT_READABLE', `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, { path })
  }
  if (!file.isFile) {
    await file.close()
    throw new TekenError('FILE_NOT_READABLE', `Cannot read ${path}: it is not a file.`, { path })
  }
  return file
}

/** The certificates PAdES LTV keeps in the catalog's /DSS /Certs streams. */
async function readDssCertificates(document: PdfDocument): Promise<Buffer[]> {
  const dss = await document.dict((await document.catalog())?.get('DSS'))
  const streams = await document.resolve(dss?.get('Certs'))
  if (!Array.isArray(streams)) return []
  const certificates: Buffer[] = []
  for (const item of streams) {
    const stream = await document.dict(item)
    if (stream) certificates.push(await document.streamData(stream))
  }
  return certificates
}

/** In signing order: a signature applied later covers more of the file. */
async function checkAll(found: FoundSignature[], facts: FileFacts): Promise<SignatureReport[]> {
  const reports: SignatureReport[] = []
  for (const signature of found) reports.push(await checkOne(signature, facts))
  const signedEnd = (report: SignatureReport) => {
    const [, , secondStart, secondLength] = report.coverage.byteRange
    return secondStart === undefined || secondLength === undefined ? Number.MAX_SAFE_INTEGER : secondStart + secondLength
  }
  return reports.sort((left, right) => signedEnd(left) - signedEnd(right))
}

async function checkOne(found: FoundSignature, facts: FileFacts): Promise<SignatureReport> {
  const report = await checkSignature(found, facts)
  if (found.foundAs === 'repair-scan') report.notes.push('Found by scanning the damaged file: no form field leads to this signature.')
  if (found.foundAs === 'page-widget') report.notes.push("The signature's field is on a page but missing from the document's list of form fields (AcroForm).")
  return report
}
