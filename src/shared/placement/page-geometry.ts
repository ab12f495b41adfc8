/**
 * Derives a {@link PageGeometry} from a page's raw entries with pdf.js's rules (pdfjs-dist 6,
 * `src/core/document.js`, `Page`), so main (which reads the PDF itself) and the renderer (which
 * shows it with pdf.js) agree on the visible box, the rotation and the unit size of every page.
 */
import type { PageGeometry, PdfRect } from '../pdf-types'
import type { PageView } from './geometry'
import { normalizePdfRect, normalizeRotation } from './geometry'

/** pdf.js's fallback when a page has no usable MediaBox. */
export const LETTER_MEDIA_BOX: PdfRect = [0, 0, 612, 792]

/**
 * A page's entries as stored, after /Parent inheritance for MediaBox, CropBox and Rotate (UserUnit
 * is not inheritable). Anything absent, malformed or of the wrong type is passed as `undefined`.
 */
export interface RawPageEntries {
  /** 1-based. */
  pageNumber: number
  mediaBox: readonly number[] | undefined
  cropBox: readonly number[] | undefined
  rotate: number | undefined
  userUnit: number | undefined
}

/**
 * - A box counts only if it has four finite numbers and a positive area once its corners are ordered.
 * - No usable MediaBox: US Letter. No usable CropBox: the MediaBox.
 * - The visible box is CropBox ∩ MediaBox; if that is empty, the MediaBox.
 * - /Rotate: see `normalizeRotation`. /UserUnit: a positive number, else 1.
 */
export function resolvePageGeometry(raw: RawPageEntries): PageGeometry {
  const mediaBox = usableBox(raw.mediaBox) ?? LETTER_MEDIA_BOX
  const cropBox = usableBox(raw.cropBox)
  const visible = cropBox ? intersectBoxes(cropBox, mediaBox) : undefined
  return {
    pageNumber: raw.pageNumber,
    mediaBox,
    cropBox: visible ?? mediaBox,
    rotate: normalizeRotation(raw.rotate ?? 0),
    userUnit: raw.userUnit !== undefined && raw.userUnit > 0 && Number.isFinite(raw.userUnit) ? raw.userUnit : 1,
  }
}

/** The parts of a pdf.js `PDFPageProxy` the mapping needs, typed structurally so src/shared does not import pdf.js. */
export interface PdfJsPageLike {
  /** The visible box pdf.js renders (CropBox ∩ MediaBox). */
  readonly view: readonly number[]
  readonly rotate: number
  readonly userUnit: number
}

/**
 * The mapping's view of a page pdf.js has loaded: what the renderer has before main's
 * {@link PageGeometry} arrives. pdf.js does not expose the MediaBox, hence a {@link PageView}.
 */
export function pageViewFromPdfJs(page: PdfJsPageLike): PageView {
  const view = fourNumbers(page.view)
  if (!view) throw new RangeError(`pdf.js page.view must be four finite numbers, got [${page.view.join(', ')}].`)
  return { cropBox: view, rotate: normalizeRotation(page.rotate), userUnit: page.userUnit }
}

function fourNumbers(values: readonly number[]): PdfRect | undefined {
  const [a, b, c, d] = values
  if (values.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) return undefined
  return [a, b, c, d].every(Number.isFinite) ? [a, b, c, d] : undefined
}

function usableBox(raw: readonly number[] | undefined): PdfRect | undefined {
  const box = raw && fourNumbers(raw)
  if (!box) return undefined
  const [llx, lly, urx, ury] = normalizePdfRect(box)
  return urx - llx > 0 && ury - lly > 0 ? [llx, lly, urx, ury] : undefined
}

function intersectBoxes(a: PdfRect, b: PdfRect): PdfRect | undefined {
  const llx = Math.max(a[0], b[0])
  const lly = Math.max(a[1], b[1])
  const urx = Math.min(a[2], b[2])
  const ury = Math.min(a[3], b[3])
  return urx - llx > 0 && ury - lly > 0 ? [llx, lly, urx, ury] : undefined
}
