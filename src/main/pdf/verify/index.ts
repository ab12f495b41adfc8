export { verifyPdf } from './verify-pdf'
export { TRUST_NOTE } from './types'
export type { CertificateReport, PdfVerification, SignatureKind, SignatureReport, SignatureStatus, UnsignedFieldReport } from './types'
