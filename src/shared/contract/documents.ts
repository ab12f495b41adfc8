import { z } from 'zod'

/** 200 MB: bigger than any document a back office signs, small enough to hold in memory. */
export const MAX_DOCUMENT_BYTES = 200 * 1024 * 1024

export const DocumentHandleSchema = z.object({ docId: z.uuid(), fileName: z.string(), size: z.number().int() }).strict()
export type DocumentHandle = z.infer<typeof DocumentHandleSchema>

const DocRef = z.object({ docId: z.uuid() }).strict()

const PdfRectSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]).refine(([llx, lly, urx, ury]) => llx <= urx && lly <= ury, 'lower-left must not be right of or above upper-right')

/** One signature as the Documents screen shows it: who, when, whether it holds, what it covers. */
export const SignatureViewSchema = z
  .object({
    fieldName: z.string().optional(),
    kind: z.enum(['approval', 'certification', 'document-timestamp', 'usage-rights']),
    subFilter: z.string(),
    signer: z.string().optional(),
    signedAt: z.string().optional(),
    timestampedAt: z.string().optional(),
    reason: z.string().optional(),
    location: z.string().optional(),
    status: z.enum(['valid', 'invalid', 'unsupported']),
    problems: z.array(z.string()),
    coversWholeDocument: z.boolean(),
    bytesAfter: z.number().int(),
    revisionsAfter: z.number().int(),
    certificationLevel: z.number().int().optional(),
    chain: z.array(z.string()),
  })
  .strict()
export type SignatureView = z.infer<typeof SignatureViewSchema>

export const VerificationViewSchema = z
  .object({ signatures: z.array(SignatureViewSchema), allValid: z.boolean(), revisions: z.number().int(), trustNote: z.string() })
  .strict()
export type VerificationView = z.infer<typeof VerificationViewSchema>

export const SignatureBoxSchema = z
  .object({
    pageNumber: z.number().int().min(1),
    rect: PdfRectSchema,
    visible: z.boolean(),
    reason: z.string().max(256),
    location: z.string().max(256),
    certificationLevel: z.enum(['NOT_CERTIFIED', 'NO_CHANGES_ALLOWED']),
  })
  .strict()
/** One box to sign: where, and how the signature looks and what it certifies. */
export type SignatureBox = z.infer<typeof SignatureBoxSchema>

export const documentChannels = {
  /** Main shows the native open dialog and reads the file; the renderer gets a handle, never a path. */
  pickDocument: { request: z.undefined(), response: z.union([DocumentHandleSchema, z.object({ cancelled: z.literal(true) }).strict()]) },
  /** A PDF the user dropped on the window: its bytes go to main, which keeps the document. */
  openDocumentBytes: {
    request: z.object({ fileName: z.string().max(255), base64: z.base64().max(Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4) }).strict(),
    response: DocumentHandleSchema,
  },
  readDocument: { request: DocRef, response: z.object({ base64: z.string() }).strict() },
  closeDocument: { request: DocRef, response: z.object({ closed: z.boolean() }).strict() },
  verifyDocument: { request: DocRef, response: VerificationViewSchema },
  /** Signs with a PKCS#12 identity from the vault, one incremental signature per box, then verifies and saves. */
  signDocument: {
    request: DocRef.extend({
      identityId: z.string().min(1),
      boxes: z.array(SignatureBoxSchema).min(1).max(100),
      /** A handwritten-signature image (PNG or JPEG) drawn in visible boxes. */
      speciment: z.base64().max(4 * 1024 * 1024).optional(),
      timestampUrl: z.url({ protocol: /^https?$/ }).optional(),
    }).strict(),
    response: z.object({ saved: z.boolean(), path: z.string().optional(), verification: VerificationViewSchema }).strict(),
  },
  /** "Save as…" for an open document, such as a signed PDF downloaded from Peruri. */
  saveDocument: { request: DocRef, response: z.object({ saved: z.boolean(), path: z.string().optional() }).strict() },
  /** A placement template (src/shared/placement/template.ts); main validates it before saving. */
  saveTemplate: {
    request: z.object({ name: z.string().trim().min(1).max(120), text: z.string().max(1024 * 1024) }).strict(),
    response: z.object({ saved: z.boolean(), path: z.string().optional() }).strict(),
  },
} as const
