import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist'
import { viewportSize, type PageView } from '../../../../shared/placement/geometry'

/**
 * One page: laid out at its exact size from the start, rendered only while it is near the visible
 * area and released when it scrolls away, so a 300-page file opens at once and memory stays flat.
 */
export function PdfPage(props: { pdf: PDFDocumentProxy; pageNumber: number; view: PageView; scale: number; label: string; children?: ReactNode; onNear?(pageNumber: number, near: boolean): void }) {
  const { pdf, pageNumber, scale, onNear } = props
  const box = useRef<HTMLDivElement>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const [near, setNear] = useState(false)
  const size = viewportSize(props.view, scale)

  useEffect(() => {
    const element = box.current
    if (!element) return
    const observer = new IntersectionObserver(([entry]) => {
      const isNear = entry?.isIntersecting ?? false
      setNear(isNear)
      onNear?.(pageNumber, isNear)
    }, { rootMargin: '100% 0px' })
    observer.observe(element)
    return () => observer.disconnect()
  }, [pageNumber, onNear])

  useEffect(() => {
    const target = canvas.current
    if (!target) return
    if (!near) {
      // Free the bitmap of pages far from view.
      target.width = 0
      target.height = 0
      return
    }
    let task: RenderTask | undefined
    let cancelled = false
    void pdf.getPage(pageNumber).then((page) => {
      if (cancelled) return
      const viewport = page.getViewport({ scale })
      const ratio = window.devicePixelRatio || 1
      target.width = Math.floor(viewport.width * ratio)
      target.height = Math.floor(viewport.height * ratio)
      task = page.render({ canvas: target, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] })
      task.promise.catch(() => undefined)
    })
    return () => {
      cancelled = true
      task?.cancel()
    }
  }, [near, pdf, pageNumber, scale])

  return (
    <div ref={box} className="pdf-page" style={{ width: size.width, height: size.height }} data-page={pageNumber} role="group" aria-label={props.label}>
      <canvas ref={canvas} style={{ width: size.width, height: size.height }} />
      {props.children}
    </div>
  )
}
