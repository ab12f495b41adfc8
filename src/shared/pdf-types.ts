/**
 * PDF geometry shared by main (signing, Peruri coordinates) and the renderer (placement UI).
 * All rectangles are in PDF user space of their page: user-space units (points, unless the page sets
 * /UserUnit), origin bottom-left, unrotated — exactly Peruri's lowerLeftX/lowerLeftY/upperRightX/upperRightY.
 */
export type PdfRect = readonly [lowerLeftX: number, lowerLeftY: number, upperRightX: number, upperRightY: number]

export type PageRotation = 0 | 90 | 180 | 270

export interface PageGeometry {
  /** 1-based, as Peruri and the CLI count. */
  pageNumber: number
  mediaBox: PdfRect
  /** The visible area: the CropBox intersected with the MediaBox (the MediaBox when there is no CropBox). */
  cropBox: PdfRect
  /** /Rotate (inherited through the page tree), normalised to 0, 90, 180 or 270. */
  rotate: PageRotation
  /** /UserUnit, 1 when absent. */
  userUnit: number
}

export type CertificationLevel = 'NOT_CERTIFIED' | 'NO_CHANGES_ALLOWED'
