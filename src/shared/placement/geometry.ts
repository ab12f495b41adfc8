/**
 * The one mapping between what the user sees and PDF user space.
 *
 * The renderer shows a page with pdf.js, `page.getViewport({ scale })`, at the page's own /Rotate. A
 * box the user draws is a {@link ViewportRect} in CSS pixels, origin at the top-left of the rendered
 * page. Signing needs a {@link PdfRect}: user space of the page, origin bottom-left, unrotated. That is
 * the widget /Rect and Peruri's lowerLeftX/lowerLeftY/upperRightX/upperRightY.
 *
 * The mapping reproduces pdf.js's `PageViewport` transform (pdfjs-dist 6,
 * `src/display/page_viewport.js`) exactly. test/unit/placement/pdfjs-crosscheck.test.ts checks it
 * against pdf.js itself on the real corpus:
 *
 * - **Visible area.** pdf.js renders `page.view`, the CropBox ∩ MediaBox (see `page-geometry.ts`),
 *   which is `PageGeometry.cropBox`. Viewport (0, 0) is a corner of that box, never of the MediaBox.
 * - **Rotation.** The viewport is the visible area turned clockwise by /Rotate. At /Rotate 0 its
 *   top-left is the box's upper-left corner, at 90 the lower-left, at 180 the lower-right and at 270
 *   the upper-right.
 * - **UserUnit.** pdf.js 6 honours /UserUnit: `PageViewport` multiplies the scale by it, so a page
 *   with UserUnit 2 renders twice as large as its numbers say, at its physical size. The mapping does
 *   the same, so boxes land where pdf.js draws. PdfRect values stay in *user-space units* (what /Rect
 *   and Peruri take). On such a page one unit is UserUnit/72 inch, not one point. A viewer that
 *   ignores UserUnit shows the whole page at another size, but the box stays at the same spot on it.
 * - **Scale.** `scale` is the number passed to `getViewport({ scale })`, without the UserUnit.
 */
import type { PageGeometry, PageRotation, PdfRect } from '../pdf-types'

/** What the mapping needs to know about a page. A whole {@link PageGeometry} fits. */
export type PageView = Pick<PageGeometry, 'cropBox' | 'rotate' | 'userUnit'>

/** CSS pixels, origin at the top-left of the rendered page, y growing downwards. */
export interface ViewportPoint {
  x: number
  y: number
}

/** CSS pixels, origin at the top-left of the rendered page. Width and height are ≥ 0 when this module returns one. */
export interface ViewportRect {
  x: number
  y: number
  width: number
  height: number
}

/** PDF user space: units (points unless /UserUnit says otherwise), origin bottom-left, unrotated. */
export interface PdfPoint {
  x: number
  y: number
}

/**
 * A box as fractions (0…1) of the page *as the user sees it*: the rotated view of the visible area,
 * measured from its top-left corner. It is the same at every zoom level and for every UserUnit.
 */
export interface RelativeRect {
  x: number
  y: number
  width: number
  height: number
}

/** Arrow-key directions, in the rotated view the user sees. */
export type NudgeDirection = 'left' | 'right' | 'up' | 'down'

/**
 * How far outside the visible area a rect may reach and still count as inside, in user-space units.
 * It absorbs floating-point noise from the mapping (a box drawn up to the edge can map to
 * 582.0000000000001), not user error.
 */
export const CROP_BOX_TOLERANCE = 1e-6

/**
 * /Rotate as pdf.js applies it: any multiple of 90, negative or ≥ 360, is reduced to 0, 90, 180 or
 * 270. A value that is not a multiple of 90 (or not a finite number) is ignored and becomes 0.
 */
export function normalizeRotation(raw: number): PageRotation {
  if (!Number.isFinite(raw) || raw % 90 !== 0) return 0
  const degrees = ((raw % 360) + 360) % 360
  return degrees === 90 ? 90 : degrees === 180 ? 180 : degrees === 270 ? 270 : 0
}

/** The same rect with its corners ordered: lower-left first, upper-right second. */
export function normalizePdfRect(rect: PdfRect): PdfRect {
  const [ax, ay, bx, by] = rect
  return [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)]
}

/** Size of the rendered page in CSS pixels; equals pdf.js's `viewport.width` and `viewport.height`. */
export function viewportSize(page: PageView, scale: number): { width: number; height: number } {
  const [x0, y0, x1, y1] = visibleBox(page)
  const pixelsPerUnit = pixelsPerUserUnit(page, scale)
  const boxWidth = (x1 - x0) * pixelsPerUnit
  const boxHeight = (y1 - y0) * pixelsPerUnit
  return isQuarterTurn(page.rotate) ? { width: boxHeight, height: boxWidth } : { width: boxWidth, height: boxHeight }
}

/** pdf.js's `viewport.convertToViewportPoint`. */
export function pdfPointToViewport(page: PageView, scale: number, point: PdfPoint): ViewportPoint {
  const [x0, y0, x1, y1] = visibleBox(page)
  const s = pixelsPerUserUnit(page, scale)
  const { x, y } = point
  switch (page.rotate) {
    case 0:
      return { x: (x - x0) * s, y: (y1 - y) * s }
    case 90:
      return { x: (y - y0) * s, y: (x - x0) * s }
    case 180:
      return { x: (x1 - x) * s, y: (y - y0) * s }
    case 270:
      return { x: (y1 - y) * s, y: (x1 - x) * s }
  }
}

/** pdf.js's `viewport.convertToPdfPoint`. */
export function viewportPointToPdf(page: PageView, scale: number, point: ViewportPoint): PdfPoint {
  const [x0, y0, x1, y1] = visibleBox(page)
  const s = pixelsPerUserUnit(page, scale)
  const across = point.x / s
  const down = point.y / s
  switch (page.rotate) {
    case 0:
      return { x: x0 + across, y: y1 - down }
    case 90:
      return { x: x0 + down, y: y0 + across }
    case 180:
      return { x: x1 - across, y: y0 + down }
    case 270:
      return { x: x1 - down, y: y1 - across }
  }
}

/**
 * A box drawn on the rendered page, in user space. A rect with a negative width or height (dragged
 * up or left) is accepted; the result always has lower-left < upper-right.
 */
export function viewportRectToPdf(page: PageView, scale: number, rect: ViewportRect): PdfRect {
  const a = viewportPointToPdf(page, scale, { x: rect.x, y: rect.y })
  const b = viewportPointToPdf(page, scale, { x: rect.x + rect.width, y: rect.y + rect.height })
  return normalizePdfRect([a.x, a.y, b.x, b.y])
}

/**
 * Where a user-space rect shows on the rendered page: both corners through the viewport transform,
 * ordered. That is what pdf.js's `convertToViewportRectangle` returned before pdfjs-dist 6 removed it.
 */
export function pdfRectToViewport(page: PageView, scale: number, rect: PdfRect): ViewportRect {
  const a = pdfPointToViewport(page, scale, { x: rect[0], y: rect[1] })
  const b = pdfPointToViewport(page, scale, { x: rect[2], y: rect[3] })
  const left = Math.min(a.x, b.x)
  const top = Math.min(a.y, b.y)
  return { x: left, y: top, width: Math.max(a.x, b.x) - left, height: Math.max(a.y, b.y) - top }
}

/** A user-space rect as fractions of the page the user sees (see {@link RelativeRect}). */
export function pdfRectToRelative(page: PageView, rect: PdfRect): RelativeRect {
  const size = viewportSize(page, 1)
  const shown = pdfRectToViewport(page, 1, rect)
  return { x: shown.x / size.width, y: shown.y / size.height, width: shown.width / size.width, height: shown.height / size.height }
}

/** The user-space rect that covers the same fractions of this page as the user sees it. */
export function relativeToPdfRect(page: PageView, relative: RelativeRect): PdfRect {
  const size = viewportSize(page, 1)
  return viewportRectToPdf(page, 1, {
    x: relative.x * size.width,
    y: relative.y * size.height,
    width: relative.width * size.width,
    height: relative.height * size.height,
  })
}

/** Whether the rect lies within the visible area (CropBox ∩ MediaBox), give or take `tolerance` units. */
export function isRectInsideCropBox(page: PageView, rect: PdfRect, tolerance = CROP_BOX_TOLERANCE): boolean {
  const [x0, y0, x1, y1] = visibleBox(page)
  const [llx, lly, urx, ury] = normalizePdfRect(rect)
  return llx >= x0 - tolerance && lly >= y0 - tolerance && urx <= x1 + tolerance && ury <= y1 + tolerance
}

/**
 * Clips the rect to the visible area by clamping each coordinate, as a resize handle that hits the
 * edge should. A rect wholly outside becomes a zero-width or zero-height rect on the nearest edge.
 */
export function clampRectToCropBox(page: PageView, rect: PdfRect): PdfRect {
  const [x0, y0, x1, y1] = visibleBox(page)
  const [llx, lly, urx, ury] = normalizePdfRect(rect)
  return [clamp(llx, x0, x1), clamp(lly, y0, y1), clamp(urx, x0, x1), clamp(ury, y0, y1)]
}

/**
 * Moves the rect, keeping its size, until it lies within the visible area, as dragging a box against
 * the edge should. Only a rect larger than the area in some direction is shrunk to fit in that direction.
 */
export function shiftRectIntoCropBox(page: PageView, rect: PdfRect): PdfRect {
  const [x0, y0, x1, y1] = visibleBox(page)
  const [llx, lly, urx, ury] = normalizePdfRect(rect)
  const [left, right] = shiftSpanInto(llx, urx, x0, x1)
  const [bottom, top] = shiftSpanInto(lly, ury, y0, y1)
  return [left, bottom, right, top]
}

/**
 * Moves the rect `step` user-space units in a direction of the rotated view (the arrow key the user
 * pressed), staying within the visible area. On a /Rotate 90 page "up" lowers x, for example.
 */
export function nudgeRect(page: PageView, rect: PdfRect, direction: NudgeDirection, step: number): PdfRect {
  const across = direction === 'right' ? step : direction === 'left' ? -step : 0
  const down = direction === 'down' ? step : direction === 'up' ? -step : 0
  // The linear part of viewportPointToPdf, per rotation.
  const [dx, dy] = (() => {
    switch (page.rotate) {
      case 0:
        return [across, -down]
      case 90:
        return [down, across]
      case 180:
        return [-across, down]
      case 270:
        return [-down, -across]
    }
  })()
  const [llx, lly, urx, ury] = normalizePdfRect(rect)
  return shiftRectIntoCropBox(page, [llx + dx, lly + dy, urx + dx, ury + dy])
}

function visibleBox(page: PageView): PdfRect {
  return normalizePdfRect(page.cropBox)
}

function pixelsPerUserUnit(page: PageView, scale: number): number {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`The viewport scale must be a positive number, got ${scale}.`)
  if (!(page.userUnit > 0) || !Number.isFinite(page.userUnit)) throw new RangeError(`The page's UserUnit must be a positive number, got ${page.userUnit}.`)
  return scale * page.userUnit
}

function isQuarterTurn(rotate: PageRotation): boolean {
  return rotate === 90 || rotate === 270
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high)
}

function shiftSpanInto(start: number, end: number, low: number, high: number): [number, number] {
  if (end - start >= high - low) return [low, high]
  if (start < low) return [low, low + (end - start)]
  if (end > high) return [high - (end - start), high]
  return [start, end]
}
