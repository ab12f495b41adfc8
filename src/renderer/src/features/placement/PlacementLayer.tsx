import { useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react'
import type { PdfRect } from '../../../../shared/pdf-types'
import { clampRectToCropBox, nudgeRect, pdfRectToViewport, shiftRectIntoCropBox, viewportRectToPdf, type NudgeDirection, type PageView, type ViewportRect } from '../../../../shared/placement/geometry'
import { useT } from '../../i18n/useT'
import { usePlacement } from '../../stores'

const ARROWS: Record<string, NudgeDirection> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' }
/** Boxes smaller than this (CSS px) are treated as a stray click, not a drawing. */
const MIN_DRAWN_PX = 6

type Gesture = { kind: 'draw'; startX: number; startY: number } | { kind: 'move' | 'resize'; boxId: string; startX: number; startY: number; origin: ViewportRect }

/** Signature boxes over one rendered page; the boxes live in PDF user space, pixels are only for display. */
export function PlacementLayer({ pageNumber, view, scale }: { pageNumber: number; view: PageView; scale: number }) {
  const t = useT()
  const { boxes, signers, selectedId, drawing, addBox, updateBox, removeBox, select } = usePlacement()
  const pageBoxes = useMemo(() => boxes.filter((box) => box.pageNumber === pageNumber), [boxes, pageNumber])
  const layer = useRef<HTMLDivElement>(null)
  const gesture = useRef<Gesture>(undefined)
  const [draft, setDraft] = useState<ViewportRect>()

  const local = (event: PointerEvent) => {
    const bounds = layer.current!.getBoundingClientRect()
    return { x: event.clientX - bounds.left, y: event.clientY - bounds.top }
  }
  const toPdf = (rect: ViewportRect): PdfRect => shiftRectIntoCropBox(view, viewportRectToPdf(view, scale, rect))

  function onLayerPointerDown(event: PointerEvent) {
    if (!drawing || event.target !== layer.current) return
    const { x, y } = local(event)
    gesture.current = { kind: 'draw', startX: x, startY: y }
    layer.current?.setPointerCapture(event.pointerId)
  }

  function onBoxPointerDown(event: PointerEvent, boxId: string, rect: ViewportRect, kind: 'move' | 'resize') {
    event.stopPropagation()
    select(boxId)
    const { x, y } = local(event)
    gesture.current = { kind, boxId, startX: x, startY: y, origin: rect }
    layer.current?.setPointerCapture(event.pointerId)
  }

  function onPointerMove(event: PointerEvent) {
    const active = gesture.current
    if (!active) return
    const { x, y } = local(event)
    if (active.kind === 'draw') {
      setDraft({ x: Math.min(active.startX, x), y: Math.min(active.startY, y), width: Math.abs(x - active.startX), height: Math.abs(y - active.startY) })
      return
    }
    const dx = x - active.startX
    const dy = y - active.startY
    const next = active.kind === 'move' ? { ...active.origin, x: active.origin.x + dx, y: active.origin.y + dy } : { ...active.origin, width: Math.max(MIN_DRAWN_PX, active.origin.width + dx), height: Math.max(MIN_DRAWN_PX, active.origin.height + dy) }
    updateBox(active.boxId, { rect: toPdf(next) })
  }

  function onPointerUp() {
    const active = gesture.current
    gesture.current = undefined
    if (active?.kind === 'draw' && draft && draft.width >= MIN_DRAWN_PX && draft.height >= MIN_DRAWN_PX) addBox(pageNumber, toPdf(draft))
    setDraft(undefined)
  }

  function onBoxKeyDown(event: KeyboardEvent, boxId: string, rect: PdfRect) {
    const direction = ARROWS[event.key]
    const step = event.shiftKey ? 10 : 1
    if (direction && (event.ctrlKey || event.metaKey)) {
      // Resize from the bottom-right corner as seen on screen: right/down grow, left/up shrink.
      event.preventDefault()
      const shown = pdfRectToViewport(view, scale, rect)
      const delta = step * scale * view.userUnit * (direction === 'right' || direction === 'down' ? 1 : -1)
      const horizontal = direction === 'left' || direction === 'right'
      const resized = { ...shown, width: Math.max(MIN_DRAWN_PX, shown.width + (horizontal ? delta : 0)), height: Math.max(MIN_DRAWN_PX, shown.height + (horizontal ? 0 : delta)) }
      updateBox(boxId, { rect: clampRectToCropBox(view, viewportRectToPdf(view, scale, resized)) })
    } else if (direction) {
      event.preventDefault()
      updateBox(boxId, { rect: nudgeRect(view, rect, direction, step) })
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault()
      removeBox(boxId)
    }
  }

  return (
    <div
      ref={layer}
      className={`placement-layer${drawing ? ' drawing' : ''}`}
      onPointerDown={onLayerPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      data-testid={`placement-layer-${pageNumber}`}
    >
      {pageBoxes.map((box) => {
        const rect = pdfRectToViewport(view, scale, box.rect)
        const signer = signers.find((candidate) => candidate.id === box.signerId)
        const label = t('place.box.label', { signer: signer?.name ?? '', page: pageNumber, rect: box.rect.map((value) => value.toFixed(1)).join(', ') })
        return (
          <div
            key={box.id}
            className={`signature-box${box.id === selectedId ? ' selected' : ''}${box.visible ? '' : ' invisible-signature'}`}
            style={{ left: rect.x, top: rect.y, width: rect.width, height: rect.height, borderColor: signer?.color, color: signer?.color }}
            tabIndex={0}
            role="button"
            aria-label={label}
            aria-pressed={box.id === selectedId}
            onFocus={() => select(box.id)}
            onPointerDown={(event) => onBoxPointerDown(event, box.id, rect, 'move')}
            onKeyDown={(event) => onBoxKeyDown(event, box.id, box.rect)}
          >
            <span className="signature-box-name">{signer?.name}</span>
            <span className="resize-handle" aria-hidden="true" onPointerDown={(event) => onBoxPointerDown(event, box.id, rect, 'resize')} />
          </div>
        )
      })}
      {draft && <div className="signature-box draft" style={{ left: draft.x, top: draft.y, width: draft.width, height: draft.height }} />}
    </div>
  )
}
