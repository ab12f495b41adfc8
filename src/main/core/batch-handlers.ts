import type { BatchDocumentView } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import type { BatchService } from '../batch/batch-service'
import type { DocumentRecord } from '../batch/journal'
import type { PathOpener } from '../ports/desktop'
import type { Handlers } from './router'

/** What the renderer sees of a document: no input path, placements or hashes (the report has those). */
const documentView = (document: DocumentRecord): BatchDocumentView => ({
  id: document.id,
  fileName: document.fileName,
  state: document.state,
  ...(document.orderId ? { orderId: document.orderId } : {}),
  attempts: document.attempts,
  ...(document.failure ? { failure: document.failure } : {}),
  outputPath: document.outputPath,
  updatedAt: document.updatedAt,
})

type BatchMethods = 'stageBatchFile' | 'startBatch' | 'listBatches' | 'batchProgress' | 'controlBatch' | 'resumeBatch' | 'submitBatchOtp' | 'resolveBatchReview' | 'openBatchOutput'

export function batchHandlers(batches: BatchService, pathOpener: PathOpener): Pick<Handlers, BatchMethods> {
  return {
    stageBatchFile: ({ batchId, fileName, base64 }) => batches.stageFile(batchId, fileName, Buffer.from(base64, 'base64')),
    startBatch: (request) => batches.start(request),
    listBatches: async () => ({ batches: await batches.list() }),
    batchProgress: async ({ batchId, since }) => {
      const progress = batches.progress(batchId, since)
      return { ...progress, documents: progress.documents.map(documentView) }
    },
    controlBatch: async ({ batchId, action }) => batches.control(batchId, action),
    resumeBatch: async ({ batchId }) => batches.resume(batchId),
    submitBatchOtp: async ({ batchId, otp }) => {
      batches.submitOtp(batchId, otp)
      return { accepted: true as const }
    },
    resolveBatchReview: ({ batchId, documentId, resolution }) => batches.resolveReview(batchId, documentId, resolution),
    // Main picks the path from the batch's own record: the renderer never names a path to open.
    openBatchOutput: async ({ batchId, what }) => {
      const batch = batches.overview(batchId)
      const path = what === 'folder' ? batch.outputDir : batch.report?.pdf
      if (!path) throw new TekenError('BATCH_NOT_FOUND', 'This batch has no report yet: it is written when a run ends.', { batch: batchId })
      await pathOpener.open(path)
      return { opened: true as const }
    },
  }
}
