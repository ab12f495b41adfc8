import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PageGeometry, PageRotation, PdfRect } from '../../../src/shared/pdf-types'
import type { NudgeDirection, PageView, ViewportPoint } from '../../../src/shared/placement/geometry'
import {
  clampRectToCropBox,
  isRectInsideCropBox,
  normalizePdfRect,
  normalizeRotation,
  nudgeRect,
  pdfPointToViewport,
  pdfRectToRelative,
  pdfRectToViewport,
  relativeToPdfRect,
  shiftRectIntoCropBox,
  viewportPointToPdf,
  viewportRectToPdf,
  viewportSize,
} from '../../../src/shared/placement/geometry'
import { resolvePageGeometry } from '../../../src/shared/placement/page-geometry'
import { coordinate, pageArbitrary, scaleArbitrary } from './arbitraries'

const ROTATIONS: readonly PageRotation[] = [0, 90, 180, 270]
const EXACT = 1e-9

/** A fraction in [0, 1], with the edges likely. */
const unitFraction = fc.oneof(fc.constantFrom(0, 1), coordinate(0, 1))

function box(page: PageView) {
  const [x0, y0, x1, y1] = page.cropBox
  return { x0, y0, x1, y1, width: x1 - x0, height: y1 - y0 }
}

/** A point inside the visible box, from two fractions. */
function pdfPointAt(page: PageView, fx: number, fy: number) {
  const { x0, y0, width, height } = box(page)
  return { x: x0 + fx * width, y: y0 + fy * height }
}

/** A rect inside the visible box, from four fractions. */
function pdfRectAt(page: PageView, [a, b, c, d]: [number, number, number, number]): PdfRect {
  const p = pdfPointAt(page, a, b)
  const q = pdfPointAt(page, c, d)
  return normalizePdfRect([p.x, p.y, q.x, q.y])
}

/** The largest coordinate of the visible box: float error in user space grows with it. */
function magnitude(page: PageView): number {
  return Math.max(1, ...page.cropBox.map(Math.abs))
}

function expectClose(actual: number, expected: number, tolerance = EXACT) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance)
}

function expectPointClose(actual: { x: number; y: number }, expected: { x: number; y: number }, tolerance = EXACT) {
  expectClose(actual.x, expected.x, tolerance)
  expectClose(actual.y, expected.y, tolerance)
}

function expectRectClose(actual: PdfRect, expected: PdfRect, tolerance = EXACT) {
  actual.forEach((value, index) => expectClose(value, expected[index]!, tolerance))
}

describe('normalizeRotation', () => {
  it('reduces every multiple of 90, negative or beyond 360, as pdf.js does', () => {
    const cases: [number, PageRotation][] = [
      [0, 0],
      [90, 90],
      [180, 180],
      [270, 270],
      [360, 0],
      [450, 90],
      [540, 180],
      [990, 270],
      [-90, 270],
      [-180, 180],
      [-270, 90],
      [-360, 0],
      [-450, 270],
      [-0, 0],
    ]
    for (const [raw, expected] of cases) expect(normalizeRotation(raw), String(raw)).toBe(expected)
  })

  it('ignores a /Rotate that is not a multiple of 90, as pdf.js does', () => {
    for (const raw of [45, -45, 1, 89.999, 90.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(normalizeRotation(raw), String(raw)).toBe(0)
    }
  })

  it('is periodic in 360 and always yields 0, 90, 180 or 270', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000, max: 10_000 }), fc.integer({ min: -50, max: 50 }), (quarterTurns, fullTurns) => {
        const raw = quarterTurns * 90
        const rotation = normalizeRotation(raw)
        expect(ROTATIONS).toContain(rotation)
        expect(normalizeRotation(raw + fullTurns * 360)).toBe(rotation)
        expect(rotation).toBe((((quarterTurns % 4) + 4) % 4) * 90)
      }),
    )
  })
})

describe('the viewport ↔ PDF mapping, properties over rotation × box offsets × CropBox × scale × UserUnit', () => {
  it('pdf → viewport → pdf is the identity (within 1e-9), inside and outside the page', () => {
    fc.assert(
      fc.property(pageArbitrary, scaleArbitrary, coordinate(-0.5, 1.5), coordinate(-0.5, 1.5), (page, scale, fx, fy) => {
        const point = pdfPointAt(page, fx, fy)
        expectPointClose(viewportPointToPdf(page, scale, pdfPointToViewport(page, scale, point)), point)
      }),
      { numRuns: 2000 },
    )
  })

  it('viewport → pdf → viewport is the identity (within 1e-9 of the viewport size)', () => {
    fc.assert(
      fc.property(pageArbitrary, scaleArbitrary, coordinate(-0.5, 1.5), coordinate(-0.5, 1.5), (page, scale, fx, fy) => {
        const size = viewportSize(page, scale)
        const point = { x: fx * size.width, y: fy * size.height }
        const tolerance = EXACT * Math.max(1, size.width, size.height)
        expectPointClose(pdfPointToViewport(page, scale, viewportPointToPdf(page, scale, point)), point, tolerance)
      }),
      { numRuns: 2000 },
    )
  })

  it('pdf rect → viewport rect → pdf rect is the identity (within 1e-9)', () => {
    fc.assert(
      fc.property(pageArbitrary, scaleArbitrary, fc.tuple(unitFraction, unitFraction, unitFraction, unitFraction), (page, scale, fractions) => {
        const rect = pdfRectAt(page, fractions)
        expectRectClose(viewportRectToPdf(page, scale, pdfRectToViewport(page, scale, rect)), rect)
      }),
      { numRuns: 2000 },
    )
  })

  it('maps every viewport rect inside the rendered page to a rect inside the CropBox, corners ordered', () => {
    fc.assert(
      fc.property(pageArbitrary, scaleArbitrary, fc.tuple(unitFraction, unitFraction, unitFraction, unitFraction), (page, scale, [a, b, c, d]) => {
        const size = viewportSize(page, scale)
        // Drawn in any direction: width and height may be negative, as a drag up-left gives.
        const rect = { x: a * size.width, y: b * size.height, width: (c - a) * size.width, height: (d - b) * size.height }
        const pdf = viewportRectToPdf(page, scale, rect)
        expect(pdf[0]).toBeLessThanOrEqual(pdf[2])
        expect(pdf[1]).toBeLessThanOrEqual(pdf[3])
        expect(isRectInsideCropBox(page, pdf, 1e-9)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('maps the viewport corners to the CropBox corners the rotation turns there', () => {
    // [top-left, top-right, bottom-left, bottom-right] of the rendered page, as CropBox corners.
    const cornersByRotation: Record<PageRotation, (b: ReturnType<typeof box>) => [number, number][]> = {
      0: ({ x0, y0, x1, y1 }) => [[x0, y1], [x1, y1], [x0, y0], [x1, y0]],
      // Turned a quarter clockwise: the page's left edge is now on top, its lower-left at the top-left.
      90: ({ x0, y0, x1, y1 }) => [[x0, y0], [x0, y1], [x1, y0], [x1, y1]],
      180: ({ x0, y0, x1, y1 }) => [[x1, y0], [x0, y0], [x1, y1], [x0, y1]],
      270: ({ x0, y0, x1, y1 }) => [[x1, y1], [x1, y0], [x0, y1], [x0, y0]],
    }
    fc.assert(
      fc.property(pageArbitrary, scaleArbitrary, (page, scale) => {
        const { width, height } = viewportSize(page, scale)
        const viewportCorners: ViewportPoint[] = [{ x: 0, y: 0 }, { x: width, y: 0 }, { x: 0, y: height }, { x: width, y: height }]
        const expected = cornersByRotation[page.rotate](box(page))
        viewportCorners.forEach((corner, index) => {
          const [x, y] = expected[index]!
          expectPointClose(viewportPointToPdf(page, scale, corner), { x, y })
        })
      }),
      { numRuns: 1000 },
    )
  })

  it('sizes the viewport as the CropBox times scale × UserUnit, turned for 90 and 270', () => {
    fc.assert(
      fc.property(pageArbitrary, scaleArbitrary, (page, scale) => {
        const { width, height } = box(page)
        const pixels = scale * page.userUnit
        const size = viewportSize(page, scale)
        const [across, down] = page.rotate === 90 || page.rotate === 270 ? [height, width] : [width, height]
        expectClose(size.width, across * pixels, EXACT * size.width)
        expectClose(size.height, down * pixels, EXACT * size.height)
      }),
    )
  })

  it('scales areas by (scale × UserUnit)² and is linear in the scale', () => {
    fc.assert(
      fc.property(pageArbitrary, scaleArbitrary, coordinate(0.1, 10), fc.tuple(unitFraction, unitFraction, unitFraction, unitFraction), (page, scale, factor, fractions) => {
        const rect = pdfRectAt(page, fractions)
        const shown = pdfRectToViewport(page, scale, rect)
        const pdfArea = (rect[2] - rect[0]) * (rect[3] - rect[1])
        const pixels = scale * page.userUnit
        // Each edge carries rounding error proportional to the coordinates' size, in pixels.
        const edgeError = 1e-12 * magnitude(page) * pixels * factor + EXACT
        expectClose(shown.width * shown.height, pdfArea * pixels * pixels, edgeError * (shown.width + shown.height + edgeError))
        const zoomed = pdfRectToViewport(page, scale * factor, rect)
        for (const key of ['x', 'y', 'width', 'height'] as const) {
          expectClose(zoomed[key], shown[key] * factor, edgeError)
        }
      }),
    )
  })

  it('moves a point the same way whatever the page offset: only the CropBox origin matters', () => {
    fc.assert(
      fc.property(pageArbitrary, scaleArbitrary, coordinate(-5000, 5000), coordinate(-5000, 5000), unitFraction, unitFraction, (page, scale, dx, dy, fx, fy) => {
        const [x0, y0, x1, y1] = page.cropBox
        const shifted: PageView = { ...page, cropBox: [x0 + dx, y0 + dy, x1 + dx, y1 + dy] }
        const point = pdfPointAt(page, fx, fy)
        const tolerance = 1e-8 * Math.max(1, scale * page.userUnit)
        expectPointClose(pdfPointToViewport(shifted, scale, { x: point.x + dx, y: point.y + dy }), pdfPointToViewport(page, scale, point), tolerance)
      }),
    )
  })
})

describe('the mapping on worked examples', () => {
  // An A4 MediaBox at a negative origin with a CropBox inset 10/20 points, as in qpdf's boxes test files.
  const a4 = (rotate: PageRotation, userUnit = 1): PageGeometry =>
    resolvePageGeometry({ pageNumber: 1, mediaBox: [-20, -30, 575, 812], cropBox: [-10, -10, 565, 792], rotate, userUnit })

  it('at /Rotate 0: x grows right, y grows down from the CropBox top', () => {
    const page = a4(0)
    expect(viewportSize(page, 2)).toEqual({ width: 1150, height: 1604 })
    expect(viewportRectToPdf(page, 2, { x: 20, y: 40, width: 150, height: 100 })).toEqual([0, 722, 75, 772])
  })

  it('at /Rotate 90: the page is landscape and viewport x runs up the PDF y axis', () => {
    const page = a4(90)
    expect(viewportSize(page, 1)).toEqual({ width: 802, height: 575 })
    // 100 px right, 50 px down from the top-left (the CropBox's lower-left) …
    expect(viewportPointToPdf(page, 1, { x: 100, y: 50 })).toEqual({ x: 40, y: 90 })
    expect(viewportRectToPdf(page, 1, { x: 100, y: 50, width: 80, height: 30 })).toEqual([40, 90, 70, 170])
  })

  it('at /Rotate 180: the top-left is the CropBox lower-right', () => {
    const page = a4(180)
    expect(viewportRectToPdf(page, 1, { x: 0, y: 0, width: 75, height: 71 })).toEqual([490, -10, 565, 61])
  })

  it('at /Rotate 270: the top-left is the CropBox upper-right', () => {
    const page = a4(270)
    expect(viewportPointToPdf(page, 1, { x: 0, y: 0 })).toEqual({ x: 565, y: 792 })
    expect(viewportRectToPdf(page, 1, { x: 100, y: 50, width: 80, height: 30 })).toEqual([485, 612, 515, 692])
  })

  it('with /UserUnit 2: pdf.js renders twice as large, the PDF rect is in user units', () => {
    const page = a4(0, 2)
    expect(viewportSize(page, 1)).toEqual({ width: 1150, height: 1604 })
    expect(viewportRectToPdf(page, 1, { x: 20, y: 40, width: 150, height: 100 })).toEqual([0, 722, 75, 772])
  })

  it('rejects a scale or UserUnit that is not a positive number', () => {
    for (const scale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => viewportSize(a4(0), scale)).toThrow(RangeError)
    }
    expect(() => viewportPointToPdf({ ...a4(0), userUnit: 0 }, 1, { x: 0, y: 0 })).toThrow(RangeError)
  })
})

describe('keeping boxes on the page', () => {
  const rectArbitrary = (page: PageView) =>
    fc.tuple(coordinate(-0.5, 1.5), coordinate(-0.5, 1.5), coordinate(-0.5, 1.5), coordinate(-0.5, 1.5)).map((fractions) => pdfRectAt(page, fractions))
  const pageAndRect = pageArbitrary.chain((page) => fc.tuple(fc.constant(page), rectArbitrary(page)))

  it('isRectInsideCropBox: inside means every corner within the visible box (plus tolerance)', () => {
    const page = resolvePageGeometry({ pageNumber: 1, mediaBox: [0, 0, 612, 792], cropBox: [10, 20, 582, 752], rotate: 0, userUnit: 1 })
    expect(isRectInsideCropBox(page, [10, 20, 582, 752])).toBe(true)
    expect(isRectInsideCropBox(page, [582, 752, 10, 20])).toBe(true)
    expect(isRectInsideCropBox(page, [9.9999999, 20, 100, 100])).toBe(true)
    expect(isRectInsideCropBox(page, [9.99, 20, 100, 100])).toBe(false)
    expect(isRectInsideCropBox(page, [9.99, 20, 100, 100], 0.01)).toBe(true)
    // Inside the MediaBox but outside the CropBox: not visible, so not inside.
    expect(isRectInsideCropBox(page, [0, 0, 50, 50])).toBe(false)
    expect(isRectInsideCropBox(page, [500, 700, 590, 760])).toBe(false)
  })

  it('clampRectToCropBox yields a rect inside, keeps inside rects, and is idempotent', () => {
    fc.assert(
      fc.property(pageAndRect, ([page, rect]) => {
        const clamped = clampRectToCropBox(page, rect)
        expect(isRectInsideCropBox(page, clamped, 0)).toBe(true)
        expect(clampRectToCropBox(page, clamped)).toEqual(clamped)
        if (isRectInsideCropBox(page, rect, 0)) expect(clamped).toEqual(normalizePdfRect(rect))
      }),
    )
  })

  it('shiftRectIntoCropBox keeps the size of a box that fits, and lands inside', () => {
    fc.assert(
      fc.property(pageAndRect, ([page, rect]) => {
        const shifted = shiftRectIntoCropBox(page, rect)
        const [llx, lly, urx, ury] = normalizePdfRect(rect)
        const { width, height } = box(page)
        const tolerance = 1e-9 * magnitude(page)
        expect(isRectInsideCropBox(page, shifted, tolerance)).toBe(true)
        expectClose(shifted[2] - shifted[0], Math.min(urx - llx, width), tolerance)
        expectClose(shifted[3] - shifted[1], Math.min(ury - lly, height), tolerance)
      }),
    )
  })

  it('nudgeRect moves the box by the step in the direction the user sees, and stops at the edge', () => {
    const directions: [NudgeDirection, number, number][] = [
      ['left', -1, 0],
      ['right', 1, 0],
      ['up', 0, -1],
      ['down', 0, 1],
    ]
    fc.assert(
      fc.property(pageArbitrary, scaleArbitrary, fc.constantFrom(...directions), coordinate(0.01, 20), (page, scale, [direction, across, down], step) => {
        const { width, height } = box(page)
        fc.pre(width > 4 * step && height > 4 * step)
        // A box in the middle, a step's width away from every edge.
        const rect = pdfRectAt(page, [0.25, 0.25, 0.75, 0.75])
        const before = pdfRectToViewport(page, scale, rect)
        const after = pdfRectToViewport(page, scale, nudgeRect(page, rect, direction, step))
        const pixels = step * scale * page.userUnit
        const tolerance = 1e-9 * Math.max(1, before.x + before.width, before.y + before.height)
        expectClose(after.x - before.x, across * pixels, tolerance)
        expectClose(after.y - before.y, down * pixels, tolerance)
        expectClose(after.width, before.width, tolerance)
        expectClose(after.height, before.height, tolerance)
      }),
    )
    const page = resolvePageGeometry({ pageNumber: 1, mediaBox: [0, 0, 612, 792], cropBox: undefined, rotate: 90, userUnit: 1 })
    // At /Rotate 90, "up" on screen is towards lower x; at the edge the box stops.
    expect(nudgeRect(page, [100, 100, 200, 150], 'up', 10)).toEqual([90, 100, 190, 150])
    expect(nudgeRect(page, [5, 100, 105, 150], 'up', 10)).toEqual([0, 100, 100, 150])
  })
})

describe('relative boxes: fractions of the page as the user sees it', () => {
  it('round-trips through the relative form and does not depend on the zoom', () => {
    fc.assert(
      fc.property(pageArbitrary, fc.tuple(unitFraction, unitFraction, unitFraction, unitFraction), (page, fractions) => {
        const rect = pdfRectAt(page, fractions)
        const relative = pdfRectToRelative(page, rect)
        expectRectClose(relativeToPdfRect(page, relative), rect, 1e-9 * magnitude(page))
        const shown = pdfRectToViewport(page, 3, rect)
        const size = viewportSize(page, 3)
        expectClose(relative.x, shown.x / size.width)
        expectClose(relative.height, shown.height / size.height)
      }),
    )
  })

  it('measures from the top-left of the rotated view', () => {
    const page = (rotate: PageRotation) => resolvePageGeometry({ pageNumber: 1, mediaBox: [0, 0, 600, 800], cropBox: undefined, rotate, userUnit: 1 })
    // A box at the visual bottom-right corner, 10% by 10% of the page as shown.
    const bottomRight = { x: 0.9, y: 0.9, width: 0.1, height: 0.1 }
    expectRectClose(relativeToPdfRect(page(0), bottomRight), [540, 0, 600, 80])
    // Shown landscape (800 wide, 600 high): the visual bottom-right is the MediaBox's upper-right.
    expectRectClose(relativeToPdfRect(page(90), bottomRight), [540, 720, 600, 800])
    expectRectClose(relativeToPdfRect(page(180), bottomRight), [0, 720, 60, 800])
    expectRectClose(relativeToPdfRect(page(270), bottomRight), [0, 0, 60, 80])
    expect(pdfRectToRelative(page(90), [0, 0, 600, 800])).toEqual({ x: 0, y: 0, width: 1, height: 1 })
  })
})
