import { z } from 'zod'
import { MAX_DOCUMENT_BYTES } from './documents'

export const BATCH_MODE_NAMES = ['peruri-bulk', 'peruri-system', 'peruri-single', 'local'] as const
export const BATCH_STATE_NAMES = ['queued', 'uploading', 'uploaded', 'coordinates-set', 'otp-requested', 'signing', 'signed', 'downloaded', 'verified', 'failed', 'needs-review'] as const
export type BatchStateName = (typeof BATCH_STATE_NAMES)[number]

/** The app's handle on a batch: the renderer makes it (a UUID) when it starts collecting files. */
const BatchId = z.uuid()
const BatchRequest = z.object({ batchId: BatchId }).strict()

export const BatchOverviewSchema = z
  .object({
    batchId: z.string(),
    name: z.string(),
    mode: z.enum(BATCH_MODE_NAMES),
    env: z.string().optional(),
    signer: z.string(),
    status: z.enum(['running', 'paused', 'cancelled', 'finished']),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    inputDir: z.string(),
    outputDir: z.string(),
    total: z.number().int(),
    counts: z.record(z.enum(BATCH_STATE_NAMES), z.number().int()),
    running: z.boolean(),
    interrupted: z.boolean(),
    etaMs: z.number().optional(),
    elapsedMs: z.number().optional(),
    /** The run waits for the signer's OTP: one for the whole group in bulk mode. */
    otp: z.object({ email: z.string(), phone: z.string().optional(), documents: z.number().int(), askedAt: z.string() }).strict().optional(),
    lastStep: z.string().optional(),
    runError: z.string().optional(),
    report: z.object({ csv: z.string(), pdf: z.string() }).strict().optional(),
  })
  .strict()
export type BatchOverviewView = z.infer<typeof BatchOverviewSchema>

export const BatchDocumentSchema = z
  .object({
    id: z.number().int(),
    fileName: z.string(),
    state: z.enum(BATCH_STATE_NAMES),
    orderId: z.string().optional(),
    attempts: z.number().int(),
    failure: z.string().optional(),
    outputPath: z.string(),
    updatedAt: z.string(),
  })
  .strict()
export type BatchDocumentView = z.infer<typeof BatchDocumentSchema>

export const batchChannels = {
  /** Copies one dropped PDF into the batch's own input folder, before it starts. */
  stageBatchFile: {
    request: BatchRequest.extend({ fileName: z.string().min(1).max(255), base64: z.base64().max(Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4) }).strict(),
    response: z.object({ staged: z.number().int() }).strict(),
  },
  /** Records every staged document in a new journal and starts signing; outputs go to the batch's own folder. */
  startBatch: {
    request: BatchRequest.extend({
      templateText: z.string().min(1).max(1024 * 1024),
      mode: z.enum(BATCH_MODE_NAMES),
      env: z.string().min(1).max(64).optional(),
      /** The Peruri email, or (local mode) the vault name of the PKCS#12 identity. */
      signer: z.string().trim().min(1).max(255),
      concurrency: z.number().int().min(1).max(64).optional(),
    }).strict(),
    response: BatchOverviewSchema,
  },
  /** Every batch of this data folder, newest first; interrupted ones say so. */
  listBatches: { request: z.undefined(), response: z.object({ batches: z.array(BatchOverviewSchema) }).strict() },
  /** The batch, and its documents changed after revision `since` (all of them when `since` is 0 or the batch is not running). */
  batchProgress: {
    request: BatchRequest.extend({ since: z.number().int().min(0) }).strict(),
    response: z.object({ batch: BatchOverviewSchema, documents: z.array(BatchDocumentSchema), full: z.boolean(), revision: z.number().int() }).strict(),
  },
  controlBatch: { request: BatchRequest.extend({ action: z.enum(['pause', 'resume', 'cancel']) }).strict(), response: BatchOverviewSchema },
  /** Continues an interrupted or cancelled batch and retries its failed documents. */
  resumeBatch: { request: BatchRequest, response: BatchOverviewSchema },
  submitBatchOtp: { request: BatchRequest.extend({ otp: z.string().trim().min(1).max(16) }).strict(), response: z.object({ accepted: z.literal(true) }).strict() },
  /** A person settles a needs-review document: send it again, or take the signed order they found at Peruri. */
  resolveBatchReview: {
    request: BatchRequest.extend({
      documentId: z.number().int().min(1),
      resolution: z.discriminatedUnion('kind', [z.object({ kind: z.literal('send-again') }).strict(), z.object({ kind: z.literal('signed-order'), orderId: z.string().trim().min(1).max(100) }).strict()]),
    }).strict(),
    response: BatchOverviewSchema,
  },
  /** Opens the output folder or the PDF report with the system; main takes the path from the batch. */
  openBatchOutput: { request: BatchRequest.extend({ what: z.enum(['folder', 'report']) }).strict(), response: z.object({ opened: z.literal(true) }).strict() },
} as const
