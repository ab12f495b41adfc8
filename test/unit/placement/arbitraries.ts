import fc from 'fast-check'
import type { PageGeometry } from '../../../src/shared/pdf-types'
import { resolvePageGeometry } from '../../../src/shared/placement/page-geometry'

/** Floats in a range, with the interesting values (0, the ends) likely. */
export const coordinate = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true })

/**
 * A page as real files have them: a MediaBox anywhere (negative or positive origin), a CropBox inset
 * into it, or sticking out of it so that the visible area is their intersection, any multiple of 90
 * as /Rotate, and a UserUnit.
 */
export const pageArbitrary: fc.Arbitrary<PageGeometry> = fc
  .record({
    originX: coordinate(-3000, 3000),
    originY: coordinate(-3000, 3000),
    width: coordinate(1, 6000),
    height: coordinate(1, 6000),
    // Fractions of the MediaBox; below 0 or above 1 the CropBox sticks out and is intersected.
    cropLeft: fc.option(coordinate(-0.2, 0.45), { nil: undefined }),
    cropBottom: coordinate(-0.2, 0.45),
    cropRight: coordinate(-0.2, 0.45),
    cropTop: coordinate(-0.2, 0.45),
    rawRotate: fc.integer({ min: -12, max: 12 }).map((turns) => turns * 90),
    userUnit: fc.oneof(fc.constant(1), fc.constantFrom(0.75, 1.25, 1.5, 2), coordinate(0.1, 10)),
  })
  .map((raw) => {
    const mediaBox = [raw.originX, raw.originY, raw.originX + raw.width, raw.originY + raw.height]
    const cropBox =
      raw.cropLeft === undefined
        ? undefined
        : [
            raw.originX + raw.cropLeft * raw.width,
            raw.originY + raw.cropBottom * raw.height,
            raw.originX + raw.width - raw.cropRight * raw.width,
            raw.originY + raw.height - raw.cropTop * raw.height,
          ]
    return resolvePageGeometry({ pageNumber: 1, mediaBox, cropBox, rotate: raw.rawRotate, userUnit: raw.userUnit })
  })

export const scaleArbitrary = fc.oneof(fc.constantFrom(1, 0.5, 96 / 72, 2), coordinate(0.05, 8))
