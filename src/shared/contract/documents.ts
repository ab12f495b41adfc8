import { z } from 'zod'

/** 200 MB: bigger than any document a back office signs, small enough to hold in memory. */
export const MAX_DOCUMENT_BYTES = 200 * 1024 * 1024

export const DocumentHandleSchema = z.object({ docId: z.uuid(), fileName: z.string(), size: z.number().int() }).strict()
export type DocumentHandle = z.infer<typeof DocumentHandleSchema>

const DocRef = z.object({ docId: z.uuid() }).strict()

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
  /** A placement template (src/shared/placement/template.ts); main validates it before saving. */
  saveTemplate: {
    request: z.object({ name: z.string().trim().min(1).max(120), text: z.string().max(1024 * 1024) }).strict(),
    response: z.object({ saved: z.boolean(), path: z.string().optional() }).strict(),
  },
} as const
