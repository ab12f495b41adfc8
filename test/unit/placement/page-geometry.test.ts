import { describe, expect, it } from 'vitest'
import type { RawPageEntries } from '../../../src/shared/placement/page-geometry'
import { LETTER_MEDIA_BOX, pageViewFromPdfJs, resolvePageGeometry } from '../../../src/shared/placement/page-geometry'

const raw = (entries: Partial<RawPageEntries>): RawPageEntries => ({
  pageNumber: 1,
  mediaBox: [0, 0, 595, 842],
  cropBox: undefined,
  rotate: undefined,
  userUnit: undefined,
  ...entries,
})

describe('resolvePageGeometry: pdf.js rules for the visible box, /Rotate and /UserUnit', () => {
  it('uses the MediaBox when there is no CropBox, with rotation 0 and unit 1 by default', () => {
    expect(resolvePageGeometry(raw({}))).toEqual({ pageNumber: 1, mediaBox: [0, 0, 595, 842], cropBox: [0, 0, 595, 842], rotate: 0, userUnit: 1 })
  })

  it('shows the CropBox ∩ MediaBox, with corners in any order', () => {
    expect(resolvePageGeometry(raw({ mediaBox: [612, 792, 0, 0], cropBox: [-10, 20, 582, 900] }))).toMatchObject({
      mediaBox: [0, 0, 612, 792],
      cropBox: [0, 20, 582, 792],
    })
    expect(resolvePageGeometry(raw({ mediaBox: [-11.962, 11.991, 583.238, 853.671] })).cropBox).toEqual([-11.962, 11.991, 583.238, 853.671])
  })

  it('falls back to the MediaBox when the CropBox misses it or is unusable', () => {
    for (const cropBox of [[700, 900, 800, 1000], [10, 10, 10, 500], [1, 2, 3], [0, 0, Number.NaN, 5]]) {
      expect(resolvePageGeometry(raw({ cropBox })).cropBox, JSON.stringify(cropBox)).toEqual([0, 0, 595, 842])
    }
  })

  it('falls back to US Letter without a usable MediaBox', () => {
    for (const mediaBox of [undefined, [0, 0, 0, 0], [0, 0, 612]]) {
      expect(resolvePageGeometry(raw({ mediaBox })).cropBox).toEqual(LETTER_MEDIA_BOX)
    }
  })

  it('normalises /Rotate and ignores a non-positive /UserUnit', () => {
    expect(resolvePageGeometry(raw({ rotate: -450, userUnit: 0.75 }))).toMatchObject({ rotate: 270, userUnit: 0.75 })
    expect(resolvePageGeometry(raw({ rotate: 45, userUnit: 0 }))).toMatchObject({ rotate: 0, userUnit: 1 })
    expect(resolvePageGeometry(raw({ userUnit: -2 })).userUnit).toBe(1)
  })
})

describe('pageViewFromPdfJs', () => {
  it('takes view, rotate and userUnit from a pdf.js page', () => {
    expect(pageViewFromPdfJs({ view: [10, 20, 582, 752], rotate: 630, userUnit: 2 })).toEqual({ cropBox: [10, 20, 582, 752], rotate: 270, userUnit: 2 })
  })

  it('rejects a view that is not four numbers', () => {
    expect(() => pageViewFromPdfJs({ view: [0, 0, 612], rotate: 0, userUnit: 1 })).toThrow(RangeError)
  })
})
