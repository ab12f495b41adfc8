import { TekenError } from '../../shared/errors'
import type { PeruriClient } from '../providers/peruri/peruri-client'
import type { BatchRecord, Journal } from './journal'

export type ReviewResolution = { kind: 'send-again' } | { kind: 'signed-order'; orderId: string }

/**
 * Settles a document whose upload answer was lost, once a person has looked at Peruri: send it
 * again (Peruri has no order for it), or take the order they found there, which must be signed.
 * The next run downloads and verifies that order, or sends the document anew. The audit trail
 * records who decided what.
 */
export async function resolveReview(journal: Journal, batch: BatchRecord, documentId: number, resolution: ReviewResolution, peruriClient: (env: string) => Promise<PeruriClient>): Promise<void> {
  const document = journal.documents(batch.id).find((candidate) => candidate.id === documentId)
  if (!document || document.state !== 'needs-review') throw new TekenError('INVALID_REQUEST', `Document ${document?.fileName ?? documentId} does not need review.`, { batch: batch.id })
  const audit = (result: string, orderId?: string) => () => ({ action: 'document.review-resolved', batchId: batch.id, signer: batch.signer, fileName: document.fileName, result, ...(orderId ? { orderId } : {}) })
  if (resolution.kind === 'send-again') {
    journal.update([document], { state: 'queued', orderId: null, failure: null, retryFrom: null }, { audit: audit('not at Peruri: to be sent again') })
    return
  }
  const status = await (await peruriClient(batch.env ?? '')).checkDocumentStatus(resolution.orderId)
  if (status.status !== 'SIGNED') throw new TekenError('BATCH_ORDER_NOT_SIGNED', `Peruri says order ${resolution.orderId} is ${status.status ?? status.resultDesc}, not signed: sign it there first, or send the document again.`, { orderId: resolution.orderId })
  journal.update([document], { state: 'signed', orderId: resolution.orderId, failure: null, retryFrom: null }, { audit: audit('signed at Peruri: downloading that order', resolution.orderId) })
}
