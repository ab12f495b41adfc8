/**
 * Placement templates: a named set of signature boxes, saved by the app and applied to other
 * documents (bulk batches and `batch run --template PATH` use them).
 *
 * ## File format, version 1 (JSON)
 *
 * ```json
 * {
 *   "version": 1,
 *   "name": "Kontrak vendor",
 *   "boxes": [
 *     {
 *       "page": 1,
 *       "rect": [454, 45, 529, 116],
 *       "relative": { "x": 0.7628, "y": 0.8622, "width": 0.1261, "height": 0.0843 },
 *       "visible": true,
 *       "reason": "Disetujui",
 *       "location": "Jakarta",
 *       "certificationLevel": "NOT_CERTIFIED",
 *       "signer": "Direktur Keuangan"
 *     }
 *   ]
 * }
 * ```
 *
 * | field | required | meaning |
 * |---|---|---|
 * | `version` | yes | Always `1`. |
 * | `name` | no | 1–120 characters; how the app lists the template. |
 * | `boxes` | yes | 1–100 boxes. They are signed in this order. |
 * | `boxes[].page` | yes | Which pages get the box: a 1-based page number, `"last"` (the document's last page) or `"every"` (each page, first to last). |
 * | `boxes[].rect` | yes | `[lowerLeftX, lowerLeftY, upperRightX, upperRightY]`: PDF user space (points; origin bottom-left; unrotated) of the page the box was drawn on. Four finite numbers with lowerLeftX < upperRightX and lowerLeftY < upperRightY. |
 * | `boxes[].relative` | no | `{x, y, width, height}`: the same box as fractions of the page **as displayed**. That is the visible area (CropBox ∩ MediaBox) turned by the page's /Rotate, measured from its top-left corner. `x, y ≥ 0`, `width, height > 0`, `x + width ≤ 1`, `y + height ≤ 1`. When present, it is used instead of `rect`. |
 * | `boxes[].visible` | no | `true` (the default) draws the signature in the box; `false` signs invisibly. |
 * | `boxes[].reason` | no | Signature reason, at most 256 characters. |
 * | `boxes[].location` | no | Signature location, at most 256 characters. |
 * | `boxes[].certificationLevel` | no | `"NOT_CERTIFIED"` (the default) or `"NO_CHANGES_ALLOWED"` (a DocMDP certification). |
 * | `boxes[].signer` | no | A label for who signs this box, e.g. a role. At most 120 characters. |
 *
 * Files are read strictly. An unknown field, for example a misspelt `certificationLevel`, is an
 * error, never silently ignored. A `"NO_CHANGES_ALLOWED"` box must be the template's only box and
 * cannot use `"every"`. A certification that allows no changes must be the document's first
 * signature, and every later signature breaks it.
 *
 * ## Applying a template to a document
 *
 * - Each box becomes one signature per page it names.
 * - A box with `relative` lands at the same fractions of each target page as displayed. A box
 *   drawn at the bottom-right of a portrait A4 page lands at the bottom-right of a Letter page,
 *   of a landscape page and of a page shown turned by /Rotate, scaled with the page.
 * - A box without `relative` (the minimal form `batch run` accepts) uses `rect` as absolute
 *   coordinates on every target page.
 * - A page beyond the document is a `PDF_PAGE_OUT_OF_RANGE` error.
 * - A box that does not fit in the target page's visible area is a `PDF_RECT_OUTSIDE_PAGE` error.
 *   Nothing is moved silently.
 *
 * **Why relative boxes are measured in the displayed view and not from the unrotated lower-left.**
 * The user places a box by looking at the page as displayed, and the engine draws the appearance
 * upright in that view. Fractions of the unrotated box would send a box drawn at the bottom-right
 * of an upright page to the bottom-left of a page displayed turned by /Rotate 90.
 *
 * **Units.** `rect` is in user-space units, as /Rect and Peruri's coordinates are. These are points
 * unless the page sets /UserUnit. Fractions are independent of the zoom, the page size and /UserUnit.
 */
import { z } from 'zod'
import { TekenError } from '../errors'
import type { CertificationLevel, PdfRect } from '../pdf-types'
import type { PageView, RelativeRect } from './geometry'
import { clampRectToCropBox, isRectInsideCropBox, pdfRectToRelative, relativeToPdfRect } from './geometry'

const CERTIFICATION_LEVELS = ['NOT_CERTIFIED', 'NO_CHANGES_ALLOWED'] as const satisfies readonly CertificationLevel[]

/** Fractions computed by the app may overshoot 1 by floating-point noise. */
const RELATIVE_TOLERANCE = 1e-9

const PAGE_RULE = 'page must be a 1-based page number, "last" or "every"'
const TemplatePageSchema = z.union([z.number().int({ error: PAGE_RULE }).min(1, { error: PAGE_RULE }), z.literal('last'), z.literal('every')], { error: PAGE_RULE })

const PdfRectSchema = z
  .tuple([z.number(), z.number(), z.number(), z.number()], {
    error: 'rect must be [lowerLeftX, lowerLeftY, upperRightX, upperRightY], four numbers in PDF points',
  })
  .refine(([llx, lly, urx, ury]) => llx < urx && lly < ury, {
    error: 'rect must be [lowerLeftX, lowerLeftY, upperRightX, upperRightY] with lowerLeftX < upperRightX and lowerLeftY < upperRightY',
  })

const fraction = z.number().min(0).max(1)

const RelativeRectSchema = z
  .strictObject({ x: fraction, y: fraction, width: fraction.positive(), height: fraction.positive() })
  .refine(({ x, width }) => x + width <= 1 + RELATIVE_TOLERANCE, { error: 'relative box must end within the page: x + width ≤ 1', path: ['width'] })
  .refine(({ y, height }) => y + height <= 1 + RELATIVE_TOLERANCE, { error: 'relative box must end within the page: y + height ≤ 1', path: ['height'] })

const TemplateBoxSchema = z.strictObject({
  page: TemplatePageSchema,
  rect: PdfRectSchema,
  relative: RelativeRectSchema.optional(),
  visible: z.boolean().default(true),
  reason: z.string().max(256).optional(),
  location: z.string().max(256).optional(),
  certificationLevel: z.enum(CERTIFICATION_LEVELS, { error: 'certificationLevel must be "NOT_CERTIFIED" or "NO_CHANGES_ALLOWED"' }).default('NOT_CERTIFIED'),
  signer: z.string().min(1).max(120).optional(),
})

export const TemplateSchema = z
  .strictObject({
    version: z.literal(1, { error: 'version must be 1, the only template version this Teken reads' }),
    name: z.string().trim().min(1).max(120).optional(),
    boxes: z.array(TemplateBoxSchema).min(1, { error: 'a template needs at least one box' }).max(100),
  })
  .superRefine((template, ctx) => {
    template.boxes.forEach((box, index) => {
      if (box.certificationLevel !== 'NO_CHANGES_ALLOWED') return
      if (template.boxes.length > 1 || box.page === 'every') {
        ctx.addIssue({
          code: 'custom',
          path: ['boxes', index, 'certificationLevel'],
          message: 'a NO_CHANGES_ALLOWED certification must be the only signature: use it in a one-box template, not with page "every"',
        })
      }
    })
  })

/** A template as read: defaults applied (`visible` true, `certificationLevel` NOT_CERTIFIED). */
export type PlacementTemplate = z.output<typeof TemplateSchema>
/** A template as written in a file, where defaulted fields may be absent. */
export type PlacementTemplateFile = z.input<typeof TemplateSchema>
export type TemplateBox = PlacementTemplate['boxes'][number]
export type TemplatePage = TemplateBox['page']

/** One signature to make: a box resolved against a document's pages. */
export interface ResolvedPlacement {
  /** 1-based. */
  pageNumber: number
  /** User space of that page, inside its visible area. */
  rect: PdfRect
  visible: boolean
  reason?: string
  location?: string
  certificationLevel: CertificationLevel
  signer?: string
}

/** Validates an already-parsed JSON value. Throws `PLACEMENT_TEMPLATE_INVALID` listing every problem with its path. */
export function parseTemplate(json: unknown): PlacementTemplate {
  const result = TemplateSchema.safeParse(json)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
  throw new TekenError('PLACEMENT_TEMPLATE_INVALID', `The placement template is not valid. ${problems.join('; ')}.`, { problems: problems.join('\n') })
}

/** Parses a template file's text (what `batch run --template PATH` reads). */
export function parseTemplateText(text: string): PlacementTemplate {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new TekenError('PLACEMENT_TEMPLATE_INVALID', `The placement template is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  return parseTemplate(json)
}

/** A box as the user placed it in the app: the same settings as a resolved placement, plus where it goes. */
export interface DrawnBox extends Omit<ResolvedPlacement, 'pageNumber'> {
  /** Which pages of other documents get the box. */
  page: TemplatePage
  /** The page the box was drawn on. `rect` is its user space; the relative form is measured on it. */
  drawnOn: PageView
}

/**
 * Builds the template the app saves. Each box keeps its absolute rect and gains its relative form.
 * Throws `PDF_RECT_OUTSIDE_PAGE` for a box outside the page it was drawn on, and `PLACEMENT_TEMPLATE_INVALID`
 * for anything else the file format forbids.
 */
export function createTemplateFromBoxes(input: { name?: string; boxes: readonly DrawnBox[] }): PlacementTemplate {
  const boxes = input.boxes.map((box, index): PlacementTemplateFile['boxes'][number] => {
    if (!isRectInsideCropBox(box.drawnOn, box.rect)) {
      throw rectOutsidePage(index, box.rect, box.drawnOn)
    }
    const rect = clampRectToCropBox(box.drawnOn, box.rect)
    return withoutUndefined({
      page: box.page,
      rect: [...rect],
      relative: pdfRectToRelative(box.drawnOn, rect),
      visible: box.visible,
      reason: box.reason,
      location: box.location,
      certificationLevel: box.certificationLevel,
      signer: box.signer,
    })
  })
  return parseTemplate(withoutUndefined({ version: 1, name: input.name, boxes }))
}

/**
 * Resolves a template against a document: one placement per box and target page, in box order
 * ("every" from the first page to the last). `documentPages` are the document's pages in order.
 */
export function applyTemplate(template: PlacementTemplate, documentPages: readonly PageView[]): ResolvedPlacement[] {
  const pageCount = documentPages.length
  if (pageCount === 0) throw new TekenError('PDF_PAGE_OUT_OF_RANGE', 'The document has no pages to place a signature on.', { pageCount: '0' })
  return template.boxes.flatMap((box, index) => {
    const pageNumbers = box.page === 'every' ? Array.from({ length: pageCount }, (_, pageIndex) => pageIndex + 1) : [box.page === 'last' ? pageCount : box.page]
    return pageNumbers.map((pageNumber): ResolvedPlacement => {
      const page = documentPages[pageNumber - 1]
      if (!page) throw pageOutOfRange(index, pageNumber, pageCount)
      const rect = box.relative ? relativeToPdfRect(page, withinPage(box.relative)) : box.rect
      if (!isRectInsideCropBox(page, rect)) throw rectOutsidePage(index, rect, page, pageNumber)
      return withoutUndefined({
        pageNumber,
        // Only floating-point noise (within the tolerance) is clamped away here.
        rect: clampRectToCropBox(page, rect),
        visible: box.visible,
        reason: box.reason,
        location: box.location,
        certificationLevel: box.certificationLevel,
        signer: box.signer,
      })
    })
  })
}

function pageOutOfRange(boxIndex: number, pageNumber: number, pageCount: number): TekenError {
  return new TekenError('PDF_PAGE_OUT_OF_RANGE', `Template box ${boxIndex + 1} goes on page ${pageNumber}, but the document has ${pageCount} page${pageCount === 1 ? '' : 's'}.`, {
    box: String(boxIndex + 1),
    page: String(pageNumber),
    pageCount: String(pageCount),
  })
}

/** `pageNumber` is absent for the page a box was drawn on. */
function rectOutsidePage(boxIndex: number, rect: PdfRect, page: PageView, pageNumber?: number): TekenError {
  const where = pageNumber === undefined ? 'the page it was drawn on' : `page ${pageNumber}`
  return new TekenError(
    'PDF_RECT_OUTSIDE_PAGE',
    `Template box ${boxIndex + 1} [${formatRect(rect)}] does not fit inside the visible area of ${where} [${formatRect(page.cropBox)}].`,
    { box: String(boxIndex + 1), ...(pageNumber === undefined ? {} : { page: String(pageNumber) }), rect: formatRect(rect), cropBox: formatRect(page.cropBox) },
  )
}

function formatRect(rect: PdfRect): string {
  return rect.map((value) => String(Math.round(value * 1000) / 1000)).join(', ')
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'template'
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`)).join('')
}

/** Trims the overshoot the schema tolerates (x + width up to 1 + 1e-9), which on a large page would be more than the CropBox tolerance. */
function withinPage(relative: RelativeRect): RelativeRect {
  return {
    ...relative,
    width: relative.x + relative.width > 1 ? 1 - relative.x : relative.width,
    height: relative.y + relative.height > 1 ? 1 - relative.y : relative.height,
  }
}

/** Optional fields are left out rather than written as `undefined`, so saved files and IPC payloads stay clean. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}
