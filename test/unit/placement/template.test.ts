import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TekenError } from '../../../src/shared/errors'
import type { PageGeometry, PageRotation, PdfRect } from '../../../src/shared/pdf-types'
import { isRectInsideCropBox, pdfRectToRelative, pdfRectToViewport, viewportSize } from '../../../src/shared/placement/geometry'
import { resolvePageGeometry } from '../../../src/shared/placement/page-geometry'
import type { DrawnBox } from '../../../src/shared/placement/template'
import { applyTemplate, createTemplateFromBoxes, parseTemplate, parseTemplateText } from '../../../src/shared/placement/template'
import { coordinate, pageArbitrary } from './arbitraries'

/** The form `batch run --template` must accept, verbatim from issue 6. */
const ISSUE_6_EXAMPLE = `{"version": 1, "boxes": [{"page": 1, "rect": [454, 45, 529, 116], "visible": true, "reason": "Disetujui", "location": "Jakarta", "certificationLevel": "NOT_CERTIFIED"}]}`

function page(pageNumber: number, mediaBox: number[], rotate: PageRotation = 0, cropBox?: number[], userUnit?: number): PageGeometry {
  return resolvePageGeometry({ pageNumber, mediaBox, cropBox, rotate, userUnit })
}

const A4 = [0, 0, 595.276, 841.89]
const LETTER = [0, 0, 612, 792]
const threeA4Pages = [page(1, A4), page(2, A4), page(3, A4)]

/** The TekenError a call throws, for asserting its code, message and details. */
function thrown(call: () => unknown): TekenError {
  try {
    call()
  } catch (error) {
    if (error instanceof TekenError) return error
    throw error
  }
  throw new Error('expected a TekenError, nothing was thrown')
}

function problemsOf(json: unknown): string[] {
  const error = thrown(() => parseTemplate(json))
  expect(error.code).toBe('PLACEMENT_TEMPLATE_INVALID')
  return error.details?.problems?.split('\n') ?? []
}

const box = (fields: Record<string, unknown>) => ({ version: 1, boxes: [{ page: 1, rect: [454, 45, 529, 116], ...fields }] })

describe('parseTemplate: the file format', () => {
  it('accepts the exact issue-6 example, unchanged', () => {
    expect(parseTemplateText(ISSUE_6_EXAMPLE)).toEqual(JSON.parse(ISSUE_6_EXAMPLE))
  })

  it('fills the defaults: visible, NOT_CERTIFIED', () => {
    expect(parseTemplate({ version: 1, boxes: [{ page: 'last', rect: [0, 0, 10, 10] }] })).toEqual({
      version: 1,
      boxes: [{ page: 'last', rect: [0, 0, 10, 10], visible: true, certificationLevel: 'NOT_CERTIFIED' }],
    })
  })

  it('accepts what the app saves: a name, "every", a relative form, a signer, an invisible box', () => {
    const template = {
      version: 1,
      name: 'Kontrak vendor',
      boxes: [
        { page: 'every', rect: [500, 20, 580, 60], relative: { x: 0.84, y: 0.93, width: 0.13, height: 0.05 }, visible: true, signer: 'Paraf', certificationLevel: 'NOT_CERTIFIED' },
        { page: 'last', rect: [400, 100, 560, 180], relative: { x: 0, y: 0, width: 1, height: 1 }, visible: false, reason: 'Disetujui', location: 'Jakarta', signer: 'Direktur', certificationLevel: 'NOT_CERTIFIED' },
        { page: 2, rect: [-10.5, -20.25, 100, 100], visible: true, certificationLevel: 'NOT_CERTIFIED' },
      ],
    }
    expect(parseTemplate(template)).toEqual(template)
  })

  it('accepts a NO_CHANGES_ALLOWED certification as the only box', () => {
    expect(parseTemplate(box({ certificationLevel: 'NO_CHANGES_ALLOWED' })).boxes[0]?.certificationLevel).toBe('NO_CHANGES_ALLOWED')
  })

  it.each([
    ['version 2', { version: 2, boxes: [] }, 'version: version must be 1'],
    ['no version', { boxes: [{ page: 1, rect: [0, 0, 1, 1] }] }, 'version: version must be 1'],
    ['no boxes', { version: 1 }, 'boxes:'],
    ['an empty box list', { version: 1, boxes: [] }, 'boxes: a template needs at least one box'],
    ['page 0', box({ page: 0 }), 'boxes[0].page: page must be a 1-based page number, "last" or "every"'],
    ['page -1', box({ page: -1 }), 'boxes[0].page: page must be'],
    ['page 1.5', box({ page: 1.5 }), 'boxes[0].page: page must be'],
    ['page "1"', box({ page: '1' }), 'boxes[0].page: page must be'],
    ['page "first"', box({ page: 'first' }), 'boxes[0].page: page must be'],
    ['a missing page', { version: 1, boxes: [{ rect: [0, 0, 1, 1] }] }, 'boxes[0].page: page must be'],
    ['a rect of three numbers', box({ rect: [0, 0, 1] }), 'boxes[0].rect: rect must be [lowerLeftX, lowerLeftY, upperRightX, upperRightY], four numbers'],
    ['a rect of strings', box({ rect: ['454', '45', '529', '116'] }), 'boxes[0].rect'],
    ['a rect as an object', box({ rect: { llx: 0, lly: 0, urx: 1, ury: 1 } }), 'boxes[0].rect: rect must be'],
    ['a rect upper-right first', box({ rect: [529, 116, 454, 45] }), 'boxes[0].rect: rect must be [lowerLeftX, lowerLeftY, upperRightX, upperRightY] with lowerLeftX < upperRightX'],
    ['a rect of zero width', box({ rect: [454, 45, 454, 116] }), 'lowerLeftX < upperRightX'],
    ['a missing rect', { version: 1, boxes: [{ page: 1 }] }, 'boxes[0].rect'],
    ['an unknown certification level', box({ certificationLevel: 'CERTIFIED' }), 'boxes[0].certificationLevel: certificationLevel must be "NOT_CERTIFIED" or "NO_CHANGES_ALLOWED"'],
    ['visible as a string', box({ visible: 'yes' }), 'boxes[0].visible'],
    ['a misspelt field', box({ certificationlevel: 'NO_CHANGES_ALLOWED' }), 'boxes[0]: Unrecognized key: "certificationlevel"'],
    ['an unknown top-level field', { ...box({}), pages: 3 }, 'template: Unrecognized key: "pages"'],
    ['a reason over 256 characters', box({ reason: 'x'.repeat(257) }), 'boxes[0].reason'],
    ['an empty name', { ...box({}), name: '  ' }, 'name'],
    ['relative beyond the right edge', box({ relative: { x: 0.9, y: 0, width: 0.2, height: 0.1 } }), 'boxes[0].relative.width: relative box must end within the page: x + width ≤ 1'],
    ['relative beyond the bottom edge', box({ relative: { x: 0, y: 0.95, width: 0.2, height: 0.1 } }), 'boxes[0].relative.height: relative box must end within the page: y + height ≤ 1'],
    ['a negative relative x', box({ relative: { x: -0.1, y: 0, width: 0.2, height: 0.1 } }), 'boxes[0].relative.x'],
    ['a zero relative width', box({ relative: { x: 0, y: 0, width: 0, height: 0.1 } }), 'boxes[0].relative.width'],
    ['relative in points', box({ relative: { x: 454, y: 45, width: 75, height: 71 } }), 'boxes[0].relative.x'],
    ['an unknown relative field', box({ relative: { x: 0, y: 0, width: 1, height: 1, unit: 'fraction' } }), 'boxes[0].relative: Unrecognized key: "unit"'],
    [
      'a certification with another box',
      { version: 1, boxes: [{ page: 1, rect: [0, 0, 9, 9], certificationLevel: 'NO_CHANGES_ALLOWED' }, { page: 2, rect: [0, 0, 9, 9] }] },
      'boxes[0].certificationLevel: a NO_CHANGES_ALLOWED certification must be the only signature',
    ],
    ['a certification on every page', box({ page: 'every', certificationLevel: 'NO_CHANGES_ALLOWED' }), 'boxes[0].certificationLevel: a NO_CHANGES_ALLOWED certification must be the only signature'],
    ['null', null, 'template:'],
    ['an array', [], 'template:'],
  ])('rejects %s, saying where', (_name, json, expected) => {
    expect(problemsOf(json).join('\n')).toContain(expected)
  })

  it('lists every problem in one message', () => {
    const error = thrown(() => parseTemplate({ version: 1, boxes: [{ page: 0, rect: [5, 5, 1, 1] }, { page: 'last', rect: [0, 0, 1, 1], visibel: true }] }))
    expect(error.message).toMatch(/^The placement template is not valid\. /)
    expect(error.details?.problems?.split('\n')).toEqual([
      'boxes[0].page: page must be a 1-based page number, "last" or "every"',
      'boxes[0].rect: rect must be [lowerLeftX, lowerLeftY, upperRightX, upperRightY] with lowerLeftX < upperRightX and lowerLeftY < upperRightY',
      'boxes[1]: Unrecognized key: "visibel"',
    ])
  })

  it('says when the file is not JSON', () => {
    const error = thrown(() => parseTemplateText('{"version": 1, "boxes": ['))
    expect(error.code).toBe('PLACEMENT_TEMPLATE_INVALID')
    expect(error.message).toMatch(/^The placement template is not JSON: /)
  })
})

describe('applyTemplate: absolute boxes, "last" and "every"', () => {
  it('places the issue-6 example on page 1', () => {
    expect(applyTemplate(parseTemplateText(ISSUE_6_EXAMPLE), threeA4Pages)).toEqual([
      { pageNumber: 1, rect: [454, 45, 529, 116], visible: true, reason: 'Disetujui', location: 'Jakarta', certificationLevel: 'NOT_CERTIFIED' },
    ])
  })

  it('resolves "last" and "every" on a 3-page document, in box order, leaving out absent fields', () => {
    const template = parseTemplate({
      version: 1,
      boxes: [
        { page: 'every', rect: [500, 20, 580, 60], signer: 'Paraf' },
        { page: 'last', rect: [400, 100, 560, 180], reason: 'Disetujui', visible: false },
        { page: 2, rect: [10, 10, 50, 50] },
      ],
    })
    const placements = applyTemplate(template, threeA4Pages)
    expect(placements).toEqual([
      { pageNumber: 1, rect: [500, 20, 580, 60], visible: true, certificationLevel: 'NOT_CERTIFIED', signer: 'Paraf' },
      { pageNumber: 2, rect: [500, 20, 580, 60], visible: true, certificationLevel: 'NOT_CERTIFIED', signer: 'Paraf' },
      { pageNumber: 3, rect: [500, 20, 580, 60], visible: true, certificationLevel: 'NOT_CERTIFIED', signer: 'Paraf' },
      { pageNumber: 3, rect: [400, 100, 560, 180], visible: false, reason: 'Disetujui', certificationLevel: 'NOT_CERTIFIED' },
      { pageNumber: 2, rect: [10, 10, 50, 50], visible: true, certificationLevel: 'NOT_CERTIFIED' },
    ])
    expect(Object.keys(placements[4]!)).toEqual(['pageNumber', 'rect', 'visible', 'certificationLevel'])
  })

  it('puts "last" and "every" on the only page of a one-page document, and refuses a page beyond it', () => {
    const template = parseTemplate({ version: 1, boxes: [{ page: 'every', rect: [0, 0, 9, 9] }, { page: 'last', rect: [0, 0, 9, 9] }] })
    expect(applyTemplate(template, [page(1, A4)]).map((placement) => placement.pageNumber)).toEqual([1, 1])
    const error = thrown(() => applyTemplate(parseTemplate({ version: 1, boxes: [{ page: 'last', rect: [0, 0, 9, 9] }, { page: 4, rect: [0, 0, 9, 9] }] }), threeA4Pages))
    expect(error.code).toBe('PDF_PAGE_OUT_OF_RANGE')
    expect(error.message).toBe('Template box 2 goes on page 4, but the document has 3 pages.')
    expect(error.details).toEqual({ box: '2', page: '4', pageCount: '3' })
  })

  it('refuses a document without pages', () => {
    expect(thrown(() => applyTemplate(parseTemplateText(ISSUE_6_EXAMPLE), [])).code).toBe('PDF_PAGE_OUT_OF_RANGE')
  })

  it('refuses an absolute box outside the visible area of a target page, naming the page', () => {
    // Fits A4, but page 3 is A5 (420 points wide) …
    const pages = [page(1, A4), page(2, A4), page(3, [0, 0, 419.53, 595.28])]
    const template = parseTemplate({ version: 1, boxes: [{ page: 'every', rect: [454, 45, 529, 116] }] })
    const error = thrown(() => applyTemplate(template, pages))
    expect(error.code).toBe('PDF_RECT_OUTSIDE_PAGE')
    expect(error.message).toBe('Template box 1 [454, 45, 529, 116] does not fit inside the visible area of page 3 [0, 0, 419.53, 595.28].')
    expect(error.details).toEqual({ box: '1', page: '3', rect: '454, 45, 529, 116', cropBox: '0, 0, 419.53, 595.28' })
    // … and inside the MediaBox but outside a smaller CropBox is outside too: it would not show.
    const cropped = [page(1, A4, 0, [50, 50, 500, 800])]
    expect(thrown(() => applyTemplate(parseTemplateText(ISSUE_6_EXAMPLE), cropped)).code).toBe('PDF_RECT_OUTSIDE_PAGE')
  })
})

describe('relative boxes: the same visual spot on every page', () => {
  // Drawn on a 600 × 800 portrait page: a box at the bottom-right, 25 % of the width and 10 % of the height.
  const drawnOn = page(1, [0, 0, 600, 800])
  const drawn: DrawnBox = { page: 'every', drawnOn, rect: [450, 0, 600, 80], visible: true, certificationLevel: 'NOT_CERTIFIED', reason: 'Disetujui' }

  it('saves the drawn rect and its fractions of the page as seen, and reads back the same', () => {
    const template = createTemplateFromBoxes({ name: 'Pojok kanan bawah', boxes: [drawn] })
    expect(template).toEqual({
      version: 1,
      name: 'Pojok kanan bawah',
      boxes: [{ page: 'every', rect: [450, 0, 600, 80], relative: { x: 0.75, y: 0.9, width: 0.25, height: 0.1 }, visible: true, reason: 'Disetujui', certificationLevel: 'NOT_CERTIFIED' }],
    })
    expect(parseTemplateText(JSON.stringify(template))).toEqual(template)
  })

  it('lands proportionally on Letter, landscape, rotated, offset and UserUnit pages', () => {
    const template = createTemplateFromBoxes({ boxes: [drawn] })
    const pages = [
      page(1, LETTER),
      // Landscape by its MediaBox.
      page(2, [0, 0, 800, 600]),
      // Portrait MediaBox shown landscape by /Rotate 90: the visual bottom-right is the MediaBox's upper-right.
      page(3, [0, 0, 600, 800], 90),
      page(4, [0, 0, 600, 800], 180),
      page(5, [0, 0, 600, 800], 270),
      // A negative origin and a smaller CropBox: fractions are of the CropBox.
      page(6, [-100, -200, 700, 900], 0, [0, 0, 600, 800]),
      // UserUnit 2: the same fractions, in user units.
      page(7, [0, 0, 300, 400], 0, undefined, 2),
    ]
    const expected: PdfRect[] = [
      [459, 0, 612, 79.2],
      [600, 0, 800, 60],
      [540, 600, 600, 800],
      [0, 720, 150, 800],
      [0, 0, 60, 200],
      [450, 0, 600, 80],
      [225, 0, 300, 40],
    ]
    const placements = applyTemplate(template, pages)
    expect(placements.map((placement) => placement.pageNumber)).toEqual([1, 2, 3, 4, 5, 6, 7])
    placements.forEach((placement, index) => {
      placement.rect.forEach((value, corner) => expect(value, `page ${index + 1}`).toBeCloseTo(expected[index]![corner]!, 9))
      // On screen, it is at the bottom-right of every page.
      const target = pages[index]!
      const shown = pdfRectToViewport(target, 1, placement.rect)
      const size = viewportSize(target, 1)
      expect(shown.x + shown.width).toBeCloseTo(size.width, 9)
      expect(shown.y + shown.height).toBeCloseTo(size.height, 9)
    })
  })

  it('drawn on a rotated page, lands at the same visual spot of an upright one', () => {
    // Drawn at the visual top-left of an A4 shown landscape by /Rotate 270: the MediaBox's upper-right.
    const rotated = page(1, A4, 270)
    const template = createTemplateFromBoxes({ boxes: [{ ...drawn, page: 1, drawnOn: rotated, rect: [A4[2]! - 50, A4[3]! - 100, A4[2]!, A4[3]!] }] })
    expect(template.boxes[0]?.relative?.x).toBe(0)
    expect(template.boxes[0]?.relative?.y).toBe(0)
    const [placement] = applyTemplate(template, [page(1, [0, 0, 842, 595])])
    const shown = pdfRectToViewport(page(1, [0, 0, 842, 595]), 1, placement!.rect)
    expect(shown.x).toBeCloseTo(0, 9)
    expect(shown.y).toBeCloseTo(0, 9)
  })

  it('always lands inside the target CropBox at the same fractions, for any pages (property)', () => {
    const fraction = fc.oneof(fc.constantFrom(0, 1), coordinate(0, 1))
    fc.assert(
      fc.property(pageArbitrary, pageArbitrary, fc.tuple(fraction, fraction, fraction, fraction), (source, target, [a, b, c, d]) => {
        const [x0, y0, x1, y1] = source.cropBox
        const rect: PdfRect = [x0 + Math.min(a, c) * (x1 - x0), y0 + Math.min(b, d) * (y1 - y0), x0 + Math.max(a, c) * (x1 - x0), y0 + Math.max(b, d) * (y1 - y0)]
        // Boxes of at least a millionth of the page: smaller ones underflow to nothing.
        fc.pre(rect[2] - rect[0] > 1e-6 * (x1 - x0) && rect[3] - rect[1] > 1e-6 * (y1 - y0))
        const template = createTemplateFromBoxes({ boxes: [{ ...drawn, drawnOn: source, rect, page: 1 }] })
        const [placement] = applyTemplate(template, [target])
        expect(isRectInsideCropBox(target, placement!.rect, 0)).toBe(true)
        const relative = pdfRectToRelative(target, placement!.rect)
        const saved = template.boxes[0]!.relative!
        for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(relative[key] - saved[key])).toBeLessThan(1e-9)
      }),
      { numRuns: 500 },
    )
  })

  it('trims the rounding overshoot the format tolerates, even on a huge page', () => {
    const huge = page(1, [0, 0, 7800, 7800])
    const template = parseTemplate(box({ relative: { x: 0.5, y: 0.5, width: 0.5 + 1e-9, height: 0.5 + 1e-9 } }))
    expect(applyTemplate(template, [huge])[0]?.rect).toEqual([3900, 0, 7800, 3900])
  })

  it('refuses a drawn box outside the page it was drawn on', () => {
    const error = thrown(() => createTemplateFromBoxes({ boxes: [{ ...drawn, rect: [550, -10, 650, 80] }] }))
    expect(error.code).toBe('PDF_RECT_OUTSIDE_PAGE')
    expect(error.message).toBe('Template box 1 [550, -10, 650, 80] does not fit inside the visible area of the page it was drawn on [0, 0, 600, 800].')
    expect(error.details).toEqual({ box: '1', rect: '550, -10, 650, 80', cropBox: '0, 0, 600, 800' })
  })

  it('refuses to save what the format forbids, such as a certification next to another box', () => {
    const certifying: DrawnBox = { ...drawn, page: 1, certificationLevel: 'NO_CHANGES_ALLOWED' }
    expect(thrown(() => createTemplateFromBoxes({ boxes: [certifying, drawn] })).code).toBe('PLACEMENT_TEMPLATE_INVALID')
    expect(createTemplateFromBoxes({ boxes: [certifying] }).boxes).toHaveLength(1)
  })
})
