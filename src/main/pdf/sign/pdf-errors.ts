import { TekenError } from '../../../shared/errors'
import type { PdfRect } from '../../../shared/pdf-types'

/*
 * Every message says what is wrong and what the user can do about it. They name the file by its
 * base name and never quote its contents.
 */

const formatRect = (rect: PdfRect) => `[${rect.map((value) => Number(value.toFixed(3))).join(' ')}]`

export function notAPdf(file: string): TekenError {
  return new TekenError('PDF_NOT_A_PDF', `${file} is not a PDF: it does not start with "%PDF-". Choose the PDF document itself, not a shortcut, an archive or a scan in another format.`, { file })
}

export function pdfEncrypted(file: string): TekenError {
  return new TekenError(
    'PDF_ENCRYPTED',
    `${file} is encrypted (password-protected), and Teken reads and signs only unencrypted PDFs. Ask the sender for an unencrypted copy, or open it with its password and save a copy without protection (for example with "qpdf --decrypt"), then sign that copy.`,
    { file },
  )
}

/** `problem` says what is broken, in a few words, e.g. "startxref points to no cross-reference section". */
export function pdfDamaged(file: string, problem: string): TekenError {
  return new TekenError(
    'PDF_DAMAGED',
    `${file} is damaged (${problem}), so a signature added to it could not be verified reliably. Open it in a PDF viewer, save a repaired copy (or print it to a new PDF), and sign that copy.`,
    { file, problem },
  )
}

export function pageOutOfRange(page: number, pageCount: number): TekenError {
  return new TekenError('PDF_PAGE_OUT_OF_RANGE', `Page ${page} does not exist: the document has ${pageCount} page${pageCount === 1 ? '' : 's'}. Choose a page from 1 to ${pageCount}.`, {
    page: String(page),
    pageCount: String(pageCount),
  })
}

export function rectOutsidePage(page: number, rect: PdfRect, cropBox: PdfRect): TekenError {
  return new TekenError(
    'PDF_RECT_OUTSIDE_PAGE',
    `The signature box ${formatRect(rect)} is not inside the visible area of page ${page}, which is ${formatRect(cropBox)} in PDF points. Move or shrink the box so that it lies on the page.`,
    { page: String(page), rect: formatRect(rect), cropBox: formatRect(cropBox) },
  )
}

export function emptyRect(rect: PdfRect): TekenError {
  return new TekenError('PDF_RECT_EMPTY', `The signature box ${formatRect(rect)} has no area: give the lower-left corner first and make it wider and taller than zero, or sign invisibly.`, {
    rect: formatRect(rect),
  })
}

export function certificateNotValidAt(subject: string, validFrom: Date, validTo: Date, now: Date): TekenError {
  const when = now < validFrom ? `is not valid until ${validFrom.toISOString()}` : `expired on ${validTo.toISOString()}`
  return new TekenError('PDF_CERTIFICATE_EXPIRED', `The signing certificate "${subject}" ${when}, so a signature made now would not be valid. Renew the certificate with its issuer and import the new PKCS#12 file.`, {
    subject,
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
  })
}

/** `identity` is the vault name when the caller knows it. */
export function identityWithoutCertificate(identity: string | undefined): TekenError {
  return new TekenError(
    'PDF_IDENTITY_WITHOUT_CERTIFICATE',
    `${identity ? `"${identity}" is` : 'This is'} a bare private key without a certificate, and a PDF signature needs one. Import the PKCS#12 file (.p12 or .pfx) that holds the key together with its certificate.`,
    identity ? { identity } : undefined,
  )
}

export function certificateNotForKey(subject: string): TekenError {
  return new TekenError('PDF_CERTIFICATE_KEY_MISMATCH', `The certificate "${subject}" does not belong to this private key. Import the PKCS#12 file that holds the key with its own certificate.`, { subject })
}

export function signingKeyNotRsa(found: string): TekenError {
  return new TekenError('KEY_NOT_RSA', `The signing key is ${found}; Teken signs PDFs with RSA keys. Use an RSA identity.`, { found })
}

export function lockedByCertification(file: string): TekenError {
  return new TekenError(
    'PDF_LOCKED_BY_CERTIFICATION',
    `${file} is certified with "no changes allowed": any further signature would break its certification. Ask the author for a copy that is not certified, or one certified to allow signing.`,
    { file },
  )
}

export function certificationNotFirst(file: string): TekenError {
  return new TekenError(
    'PDF_ALREADY_SIGNED',
    `${file} is already signed. A certification must be the first signature in a document, so sign it without certification (--certify none).`,
    { file },
  )
}
