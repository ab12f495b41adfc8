import { useState, type FormEvent } from 'react'
import type { BatchDocumentView } from '../../../../shared/contract'
import type { MessageKey } from '../../i18n/messages'
import { useT } from '../../i18n/useT'
import { useBatches } from '../../stores'

const ROW_HEIGHT = 40
const VISIBLE_ROWS = 12
/** Rows drawn beyond the visible ones, so fast scrolling shows no blank gap. */
const OVERSCAN = 6

export const stateLabel = (state: BatchDocumentView['state']): MessageKey => `batch.state.${state}`

/**
 * Every document of the batch, with thousands of rows in mind: only the rows in view (plus a few)
 * are in the DOM, laid out at their place in one tall scroll area.
 */
export function BatchDocumentTable({ documents, canResolve }: { documents: BatchDocumentView[]; canResolve: boolean }) {
  const t = useT()
  const [scrollTop, setScrollTop] = useState(0)
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN)
  const last = Math.min(documents.length, Math.ceil(scrollTop / ROW_HEIGHT) + VISIBLE_ROWS + OVERSCAN)

  return (
    <div role="table" aria-label={t('batch.table')} aria-rowcount={documents.length + 1} className="batch-table" data-testid="batch-table">
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className="batch-row batch-head">
          {(['batch.col.file', 'batch.col.state', 'batch.col.order', 'batch.col.attempts', 'batch.col.reason'] as const).map((key) => (
            <span key={key} role="columnheader">
              {t(key)}
            </span>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="batch-rows" style={{ height: Math.min(documents.length, VISIBLE_ROWS) * ROW_HEIGHT }} onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}>
        <div style={{ height: documents.length * ROW_HEIGHT, position: 'relative' }}>
          {documents.slice(first, last).map((document, offset) => (
            <div key={document.id} role="row" aria-rowindex={first + offset + 2} className={`batch-row state-${document.state}`} style={{ top: (first + offset) * ROW_HEIGHT, height: ROW_HEIGHT }}>
              <span role="cell" title={document.fileName}>
                {document.fileName}
              </span>
              <span role="cell">{t(stateLabel(document.state))}</span>
              <span role="cell">{document.orderId ?? ''}</span>
              <span role="cell">{document.attempts || ''}</span>
              <span role="cell" title={document.failure}>
                {document.state === 'needs-review' && canResolve ? <ReviewActions document={document} /> : (document.failure ?? '')}
              </span>
            </div>
          ))}
        </div>
      </div>
    </div>
  )
}

/** A person decides what became of a document whose upload answer was lost. */
function ReviewActions({ document }: { document: BatchDocumentView }) {
  const t = useT()
  const resolveReview = useBatches((state) => state.resolveReview)
  const [orderId, setOrderId] = useState<string>()

  function takeOrder(event: FormEvent) {
    event.preventDefault()
    if (orderId?.trim()) void resolveReview(document.id, { kind: 'signed-order', orderId: orderId.trim() })
  }

  if (orderId !== undefined)
    return (
      <form className="review-actions" onSubmit={takeOrder}>
        <input aria-label={t('batch.review.orderId', { file: document.fileName })} value={orderId} onChange={(event) => setOrderId(event.target.value)} maxLength={100} autoFocus />
        <button type="submit">{t('batch.review.take')}</button>
        <button type="button" onClick={() => setOrderId(undefined)}>
          {t('common.cancel')}
        </button>
      </form>
    )
  return (
    <span className="review-actions" title={document.failure}>
      <button type="button" onClick={() => void resolveReview(document.id, { kind: 'send-again' })} aria-label={t('batch.review.sendAgainFor', { file: document.fileName })}>
        {t('batch.review.sendAgain')}
      </button>
      <button type="button" onClick={() => setOrderId('')} aria-label={t('batch.review.foundFor', { file: document.fileName })}>
        {t('batch.review.found')}
      </button>
    </span>
  )
}
