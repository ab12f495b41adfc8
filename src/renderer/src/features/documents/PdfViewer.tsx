import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { PDFDocumentProxy } from 'pdfjs-dist'
import { viewportSize, type PageView } from '../../../../shared/placement/geometry'
import { useT } from '../../i18n/useT'
import { PlacementLayer } from '../placement/PlacementLayer'
import { PdfPage } from './PdfPage'

export type Zoom = 'fit-width' | 'fit-page' | number
const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4]
const PAGE_GAP = 16
const THUMBNAIL_WIDTH = 96
const EPSILON = 1e-6

/** The next zoom step out from (or in from) the current scale, which may be a fitted value between steps. */
const zoomOutFrom = (scale: number) => [...ZOOM_STEPS].reverse().find((step) => step < scale - EPSILON) ?? ZOOM_STEPS[0]!
const zoomInFrom = (scale: number) => ZOOM_STEPS.find((step) => step > scale + EPSILON) ?? ZOOM_STEPS.at(-1)!

/** Continuous scroll with thumbnails, zoom and page navigation; each page carries its placement layer. */
export function PdfViewer({ pdf, pages, scrollToPage, onCurrentPage }: { pdf: PDFDocumentProxy; pages: PageView[]; scrollToPage?: { pageNumber: number; nonce: number }; onCurrentPage(pageNumber: number): void }) {
  const t = useT()
  const scroller = useRef<HTMLDivElement>(null)
  const [zoom, setZoom] = useState<Zoom>('fit-width')
  const [available, setAvailable] = useState({ width: 800, height: 600 })
  const [currentPage, setCurrentPage] = useState(1)
  const [pageInput, setPageInput] = useState('1')

  useEffect(() => {
    const element = scroller.current
    if (!element) return
    const observer = new ResizeObserver(() => setAvailable({ width: element.clientWidth - 2 * PAGE_GAP, height: element.clientHeight - 2 * PAGE_GAP }))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  const first = viewportSize(pages[0]!, 1)
  const scale = zoom === 'fit-width' ? available.width / first.width : zoom === 'fit-page' ? Math.min(available.width / first.width, available.height / first.height) : zoom
  // Top offset of every page, so navigation and the current-page readout need no DOM queries.
  const offsets = useMemo(() => {
    const tops = [PAGE_GAP]
    for (const page of pages.slice(0, -1)) tops.push(tops.at(-1)! + viewportSize(page, scale).height + PAGE_GAP)
    return tops
  }, [pages, scale])

  const showPage = useCallback(
    (pageNumber: number) => {
      const target = offsets[Math.min(Math.max(pageNumber, 1), pages.length) - 1]
      if (target !== undefined) scroller.current?.scrollTo({ top: target - PAGE_GAP })
    },
    [offsets, pages.length],
  )
  useEffect(() => {
    if (scrollToPage) showPage(scrollToPage.pageNumber)
  }, [scrollToPage, showPage])

  // Keep the current page's thumbnail in sight.
  const thumbnails = useRef<HTMLElement>(null)
  useEffect(() => {
    thumbnails.current?.querySelector(`[data-thumbnail="${currentPage}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [currentPage])

  function onScroll() {
    const middle = (scroller.current?.scrollTop ?? 0) + (scroller.current?.clientHeight ?? 0) / 3
    let page = 1
    for (const [index, offset] of offsets.entries()) if (offset <= middle) page = index + 1
    if (page !== currentPage) {
      setCurrentPage(page)
      setPageInput(String(page))
      onCurrentPage(page)
    }
  }

  return (
    <div className="viewer">
      <div className="viewer-toolbar" role="toolbar" aria-label={t('doc.toolbar')}>
        <button type="button" onClick={() => showPage(currentPage - 1)} disabled={currentPage <= 1} aria-label={t('doc.prev')}>
          ‹
        </button>
        <label className="inline">
          <span className="visually-hidden">{t('doc.page')}</span>
          <input className="page-input" type="number" min={1} max={pages.length} value={pageInput} onChange={(event) => setPageInput(event.target.value)} onKeyDown={(event) => event.key === 'Enter' && showPage(Number(pageInput))} aria-label={t('doc.page')} />
          <span>/ {pages.length}</span>
        </label>
        <button type="button" onClick={() => showPage(currentPage + 1)} disabled={currentPage >= pages.length} aria-label={t('doc.next')}>
          ›
        </button>
        <span className="toolbar-gap" />
        <button type="button" onClick={() => setZoom(zoomOutFrom(scale))} aria-label={t('doc.zoomOut')}>
          −
        </button>
        <span className="zoom-readout" aria-live="polite">
          {Math.round(scale * 100)}%
        </span>
        <button type="button" onClick={() => setZoom(zoomInFrom(scale))} aria-label={t('doc.zoomIn')}>
          +
        </button>
        <button type="button" aria-pressed={zoom === 'fit-width'} onClick={() => setZoom('fit-width')}>
          {t('doc.fitWidth')}
        </button>
        <button type="button" aria-pressed={zoom === 'fit-page'} onClick={() => setZoom('fit-page')}>
          {t('doc.fitPage')}
        </button>
      </div>
      <div className="viewer-body">
        <nav className="thumbnails" aria-label={t('doc.thumbnails')} ref={thumbnails}>
          {pages.map((view, index) => (
            <button key={index} type="button" data-thumbnail={index + 1} className={index + 1 === currentPage ? 'current' : ''} onClick={() => showPage(index + 1)} aria-label={t('doc.goto', { page: index + 1 })}>
              <PdfPage pdf={pdf} pageNumber={index + 1} view={view} scale={THUMBNAIL_WIDTH / viewportSize(view, 1).width} label={t('doc.thumbnail', { page: index + 1 })} />
              <span>{index + 1}</span>
            </button>
          ))}
        </nav>
        <div className="pages" ref={scroller} onScroll={onScroll} data-testid="pdf-pages">
          {pages.map((view, index) => (
            <PdfPage key={index} pdf={pdf} pageNumber={index + 1} view={view} scale={scale} label={t('doc.pageLabel', { page: index + 1 })}>
              <PlacementLayer pageNumber={index + 1} view={view} scale={scale} />
            </PdfPage>
          ))}
        </div>
      </div>
    </div>
  )
}
