import {
  beginText,
  concatTransformationMatrix,
  drawObject,
  endText,
  JpegEmbedder,
  moveText,
  PDFContentStream,
  PDFName,
  PngEmbedder,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingRgbColor,
  setFontAndSize,
  setLineWidth,
  setStrokingRgbColor,
  showText,
  StandardFontEmbedder,
  StandardFonts,
  stroke,
  type PDFContext,
  type PDFDict,
  type PDFOperator,
  type PDFRef,
} from 'pdf-lib'
import { TekenError } from '../../../shared/errors'
import type { PageRotation } from '../../../shared/pdf-types'
import { formatWib } from '../../../shared/time'

export type AppearanceLanguage = 'id' | 'en'

export interface VisibleAppearance {
  /** The widget /Rect's size in unrotated user space. */
  width: number
  height: number
  /** The page's /Rotate: the appearance turns against it so that it reads upright on screen. */
  rotation: PageRotation
  signerName: string
  signedAt: Date
  reason?: string
  location?: string
  language: AppearanceLanguage
  /** A PNG or JPEG of the handwritten signature. */
  speciment?: Uint8Array
}

const LABELS: Record<AppearanceLanguage, { signedBy: string; date: string; reason: string; location: string }> = {
  id: { signedBy: 'Ditandatangani secara digital oleh', date: 'Tanggal', reason: 'Alasan', location: 'Lokasi' },
  en: { signedBy: 'Digitally signed by', date: 'Date', reason: 'Reason', location: 'Location' },
}

/**
 * Form XObject /Matrix per page rotation: text along the form's x axis must run left-to-right on
 * screen after the viewer turns the page clockwise by /Rotate.
 */
const MATRIX_FOR_ROTATION: Record<PageRotation, [number, number, number, number, number, number]> = {
  0: [1, 0, 0, 1, 0, 0],
  90: [0, 1, -1, 0, 0, 0],
  180: [-1, 0, 0, -1, 0, 0],
  270: [0, -1, 1, 0, 0, 0],
}

const MAX_FONT_SIZE = 11
const LINE_HEIGHT = 1.2
const ASCENT = 0.75
const INK = [0.1, 0.1, 0.12] as const
const FRAME = [0.16, 0.33, 0.62] as const

let fonts: { regular: StandardFontEmbedder; bold: StandardFontEmbedder } | undefined
// pdf-lib's public StandardFonts enum and the embedder's FontNames are the same strings under two types.
type EmbedderFontName = Parameters<typeof StandardFontEmbedder.for>[0]
const standardFonts = () =>
  (fonts ??= {
    regular: StandardFontEmbedder.for(StandardFonts.Helvetica as string as EmbedderFontName),
    bold: StandardFontEmbedder.for(StandardFonts.HelveticaBold as string as EmbedderFontName),
  })

/** An empty appearance for an invisible signature: readers and PDF/A expect one on every widget. */
export function addInvisibleAppearance(context: PDFContext): PDFRef {
  return context.register(formXObject([], context.obj({ BBox: [0, 0, 0, 0], Resources: {} })))
}

/** Left uncompressed: a few hundred bytes, where deflating in JavaScript would cost more than it saves. */
function formXObject(operators: PDFOperator[], dict: PDFDict): PDFContentStream {
  dict.set(PDFName.of('Type'), PDFName.of('XObject'))
  dict.set(PDFName.of('Subtype'), PDFName.of('Form'))
  return PDFContentStream.of(dict, operators, false)
}

/** Registers the appearance and its fonts and image in `context`; returns the form XObject. */
export async function addVisibleAppearance(context: PDFContext, appearance: VisibleAppearance): Promise<PDFRef> {
  const sideways = appearance.rotation === 90 || appearance.rotation === 270
  // The form's own coordinates are the upright view of the box.
  const width = sideways ? appearance.height : appearance.width
  const height = sideways ? appearance.width : appearance.height
  const padding = Math.min(4, Math.min(width, height) * 0.06)
  const operators: PDFOperator[] = [
    pushGraphicsState(),
    setStrokingRgbColor(...FRAME),
    setLineWidth(Math.min(0.75, padding / 2)),
    rectangle(padding / 4, padding / 4, width - padding / 2, height - padding / 2),
    stroke(),
  ]
  const resources: { Font: Record<string, PDFRef>; XObject?: Record<string, PDFRef> } = { Font: {} }

  let textBox = { x: padding, y: padding, width: width - 2 * padding, height: height - 2 * padding }
  if (appearance.speciment) {
    const image = await embedImage(context, appearance.speciment)
    resources.XObject = { Im1: image.ref }
    // A wide box puts the handwriting left of the text, a tall one above it.
    const imageBox = width >= height ? { ...textBox, width: textBox.width * 0.4 } : { ...textBox, y: textBox.y + textBox.height * 0.55, height: textBox.height * 0.45 }
    textBox = width >= height ? { ...textBox, x: textBox.x + imageBox.width + padding, width: textBox.width - imageBox.width - padding } : { ...textBox, height: textBox.height * 0.55 - padding }
    const scale = Math.min(imageBox.width / image.width, imageBox.height / image.height)
    const drawnWidth = image.width * scale
    const drawnHeight = image.height * scale
    operators.push(
      pushGraphicsState(),
      concatTransformationMatrix(drawnWidth, 0, 0, drawnHeight, imageBox.x + (imageBox.width - drawnWidth) / 2, imageBox.y + (imageBox.height - drawnHeight) / 2),
      drawObject('Im1'),
      popGraphicsState(),
    )
  }

  const { regular, bold } = standardFonts()
  resources.Font = { F1: regular.embedIntoContext(context), F2: bold.embedIntoContext(context) }
  operators.push(...textOperators(textBox, appearance, regular, bold), popGraphicsState())

  const matrix = MATRIX_FOR_ROTATION[appearance.rotation]
  return context.register(formXObject(operators, context.obj({ BBox: [0, 0, width, height], Matrix: matrix, Resources: resources })))
}

interface Line {
  text: string
  font: StandardFontEmbedder
  fontKey: string
  /** Relative to the body size; the signer's name stands out. */
  scale: number
  /** Lines the user typed may be cut with an ellipsis; the name and date are what the size must fit. */
  essential: boolean
}

function textOperators(box: { x: number; y: number; width: number; height: number }, appearance: VisibleAppearance, regular: StandardFontEmbedder, bold: StandardFontEmbedder): PDFOperator[] {
  if (box.width <= 0 || box.height <= 0) return []
  const labels = LABELS[appearance.language]
  const encodable = (text: string) => winAnsiSafe(text, regular)
  const lines: Line[] = [
    { text: labels.signedBy, font: regular, fontKey: 'F1', scale: 0.8, essential: false },
    { text: encodable(appearance.signerName), font: bold, fontKey: 'F2', scale: 1.15, essential: true },
    { text: `${labels.date}: ${formatWib(appearance.signedAt, appearance.language, { seconds: true })}`, font: regular, fontKey: 'F1', scale: 0.9, essential: true },
  ]
  if (appearance.reason) lines.push({ text: `${labels.reason}: ${encodable(appearance.reason)}`, font: regular, fontKey: 'F1', scale: 0.9, essential: false })
  if (appearance.location) lines.push({ text: `${labels.location}: ${encodable(appearance.location)}`, font: regular, fontKey: 'F1', scale: 0.9, essential: false })

  const totalScale = lines.reduce((sum, line) => sum + line.scale * LINE_HEIGHT, 0)
  let size = Math.min(MAX_FONT_SIZE, box.height / totalScale)
  for (const line of lines.filter((candidate) => candidate.essential)) {
    size = Math.min(size, box.width / Math.max(1e-6, line.font.widthOfTextAtSize(line.text, line.scale)))
  }

  const operators: PDFOperator[] = [setFillingRgbColor(...INK), beginText()]
  let baseline = box.y + box.height
  let previous = { x: 0, y: 0 }
  for (const line of lines) {
    const lineSize = size * line.scale
    baseline -= lineSize * (line === lines[0] ? ASCENT : LINE_HEIGHT)
    const text = fitWithEllipsis(line.text, line.font, lineSize, box.width)
    // Td moves relative to the previous line's start.
    operators.push(setFontAndSize(line.fontKey, lineSize), moveText(box.x - previous.x, baseline - previous.y), showText(line.font.encodeText(text)))
    previous = { x: box.x, y: baseline }
  }
  operators.push(endText())
  return operators
}

function fitWithEllipsis(text: string, font: StandardFontEmbedder, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text
  let kept = text
  while (kept.length > 0 && font.widthOfTextAtSize(`${kept}…`, size) > width) kept = kept.slice(0, -1)
  return `${kept.trimEnd()}…`
}

/** Helvetica's WinAnsi encoding covers Indonesian; anything else becomes "?" rather than failing the signature. */
function winAnsiSafe(text: string, font: StandardFontEmbedder): string {
  const normalized = text.normalize('NFC')
  try {
    font.encodeText(normalized)
    return normalized
  } catch {
    // Only then character by character, to keep what can be shown.
  }
  return Array.from(normalized, (character) => {
    try {
      font.encodeText(character)
      return character
    } catch {
      return '?'
    }
  }).join('')
}

async function embedImage(context: PDFContext, bytes: Uint8Array): Promise<{ ref: PDFRef; width: number; height: number }> {
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
  if (!isPng && !isJpeg) throw new TekenError('INVALID_REQUEST', 'The signature specimen must be a PNG or JPEG image. Save it in one of those formats and try again.')
  try {
    const embedder = isPng ? await PngEmbedder.for(bytes) : await JpegEmbedder.for(bytes)
    return { ref: await embedder.embedIntoContext(context), width: embedder.width, height: embedder.height }
  } catch {
    throw new TekenError('INVALID_REQUEST', `The signature specimen is not a readable ${isPng ? 'PNG' : 'JPEG'} image. Export it again and try again.`)
  }
}
