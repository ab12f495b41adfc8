/**
 * What `verifyPdf` reports. Times are ISO 8601 (UTC); the CLI and UI show them in WIB.
 *
 * The verdict per signature is about the bytes and the cryptography only: the certificate chain
 * is reported as embedded and is NOT checked against a trust store, nor for revocation.
 */

export type SignatureStatus = 'valid' | 'invalid' | 'unsupported'

/**
 * - `approval`: an ordinary signature field.
 * - `certification`: the signature /Perms /DocMDP names (the document's certifying signature).
 * - `document-timestamp`: an RFC 3161 timestamp over the document (`/Type /DocTimeStamp`).
 * - `usage-rights`: Adobe Reader's UR3 signature in /Perms, which enables Reader features; it is
 *   no form field, says nothing about who approved the content, and is listed apart.
 */
export type SignatureKind = 'approval' | 'certification' | 'document-timestamp' | 'usage-rights'

export interface CertificateReport {
  /** RFC 4514 order (most specific first), as `pdfsig` prints it: "CN=…, O=…, C=ID". */
  subject: string
  commonName?: string
  issuer: string
  serialNumber: string
  notBefore: string
  notAfter: string
  /** Whether the next certificate's key verifies this one's signature; null for the last. */
  issuedByNext: boolean | null
  selfSigned: boolean
}

export interface SignatureReport {
  /** Fully qualified field name; absent for usage rights and for dictionaries found only by a repair scan. */
  fieldName?: string
  kind: SignatureKind
  /** /SubFilter as written: adbe.pkcs7.detached, ETSI.CAdES.detached, ETSI.RFC3161, adbe.x509.rsa_sha1, adbe.pkcs7.sha1 … */
  subFilter: string
  signer?: { commonName?: string; subject: string }
  /** The dictionary's /M, the time the signing software claims. */
  signedAt?: string
  /** The CMS signing-time attribute, when present (PAdES forbids it; adbe.pkcs7 signers often add it). */
  cmsSigningTime?: string
  /** The time in the signature's RFC 3161 timestamp token, or a document timestamp's own time. */
  timestampedAt?: string
  reason?: string
  location?: string
  contactInfo?: string
  /** /Name: the signer's name as the signing software wrote it. */
  name?: string
  status: SignatureStatus
  /** Why the status is not `valid`, one sentence each. Empty when valid. */
  problems: string[]
  /** Observations that do not change the verdict (a bad timestamp imprint, a time outside the certificate's validity, …). */
  notes: string[]
  integrity: {
    /** The hash of the signed byte ranges equals the digest the signature vouches for. */
    digestMatches: boolean
    /** The signature verifies with the signer certificate's public key. */
    signatureVerifies: boolean
    digestAlgorithm?: string
    signatureAlgorithm?: string
  }
  coverage: {
    /** As written; a malformed one may not have four entries. */
    byteRange: number[]
    /** True only when the signed ranges run to the last byte of the file (as `pdfsig` decides). */
    coversWholeDocument: boolean
    /** Bytes after the end of the signed ranges. */
    bytesAfter: number
    /** Revisions (`%%EOF`-terminated updates) appended after the signed ranges. */
    revisionsAfter: number
  }
  /** DocMDP certification and its permission level (1 no changes, 2 form filling and signing, 3 also annotations). */
  certification?: { level: 1 | 2 | 3 }
  /** An RFC 3161 timestamp token is attached to the signature (or the signature is a document timestamp). */
  timestamp: boolean
  /** From the signer certificate upwards, as embedded in the signature. Not checked against a trust store. */
  chain: CertificateReport[]
}

export interface UnsignedFieldReport {
  fieldName: string
  /** The field has a signature dictionary whose /Contents is still zero-filled. */
  placeholder: boolean
}

export interface PdfVerification {
  /** Approval, certification and document-timestamp signatures, in the order they were applied (by where their signed range ends). */
  signatures: SignatureReport[]
  /** UR3 usage-rights signatures; not counted in `allValid`. */
  usageRights: SignatureReport[]
  unsignedFields: UnsignedFieldReport[]
  /** Every entry of `signatures` is `valid` (vacuously true when there are none: check `signatures.length`). */
  allValid: boolean
  /** `%%EOF`-terminated revisions (a linearized file's first-page section is not one). */
  revisions: number
  fileSize: number
  /** The cross-reference data was broken and the objects were found by scanning the file. */
  repaired: boolean
  /** Encrypted, and opened with the empty user password. */
  encrypted: boolean
}

export const TRUST_NOTE = 'chain not checked against a trust store'
