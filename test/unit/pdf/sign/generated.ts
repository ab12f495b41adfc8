import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { degrees, PDFDocument, PDFName, StandardFonts } from 'pdf-lib'

/*
 * Inputs the corpus has too few of, made with pdf-lib (only to create inputs; signing never uses
 * pdf-lib's save): every rotation, boxes away from the origin, object streams and xref streams,
 * an existing form, an indirect /Annots array.
 */

export interface GeneratedPdf {
  name: string
  path: string
}

async function save(dir: string, name: string, document: PDFDocument, useObjectStreams: boolean): Promise<GeneratedPdf> {
  const path = join(dir, `${name}.pdf`)
  await writeFile(path, await document.save({ useObjectStreams }))
  return { name, path }
}

async function labelled(pages: { size: [number, number]; rotation: number; mediaBox?: [number, number, number, number]; cropBox?: [number, number, number, number] }[]): Promise<PDFDocument> {
  const document = await PDFDocument.create()
  const font = await document.embedFont(StandardFonts.Helvetica)
  for (const [index, spec] of pages.entries()) {
    const page = document.addPage(spec.size)
    if (spec.mediaBox) page.setMediaBox(...spec.mediaBox)
    if (spec.cropBox) page.setCropBox(...spec.cropBox)
    page.setRotation(degrees(spec.rotation))
    const { x, y } = page.getMediaBox()
    page.drawText(`page ${index + 1}, /Rotate ${spec.rotation}`, { x: x + 20, y: y + 20, size: 14, font })
  }
  return document
}

export async function makeGeneratedPdfs(dir: string): Promise<GeneratedPdf[]> {
  const rotations = await labelled([0, 90, 180, 270].map((rotation) => ({ size: [400, 300] as [number, number], rotation })))

  // pdf-lib's setMediaBox/setCropBox take x, y, width, height.
  const offset = await labelled([
    { size: [400, 500], rotation: 90, mediaBox: [100, 200, 400, 500], cropBox: [150, 250, 300, 400] },
    { size: [400, 500], rotation: 0, mediaBox: [100, 200, 400, 500], cropBox: [120, 220, 200, 300] },
  ])
  const negative = await labelled([
    { size: [600, 800], rotation: 270, mediaBox: [-300, -400, 600, 800] },
    { size: [600, 800], rotation: 180, mediaBox: [-300, -400, 600, 800], cropBox: [-250, -350, 500, 700] },
  ])

  const form = await labelled([
    { size: [595, 842], rotation: 0 },
    { size: [595, 842], rotation: 0 },
    { size: [842, 595], rotation: 90 },
  ])
  const nameField = form.getForm().createTextField('applicant.name')
  nameField.setText('Siti Rahayu')
  nameField.addToPage(form.getPage(0), { x: 50, y: 700, width: 200, height: 24 })

  // /Annots as a reference to a shared array object, which the signer must update in place.
  const indirectAnnots = await labelled([{ size: [595, 842], rotation: 0 }])
  const link = indirectAnnots.context.register(indirectAnnots.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [50, 50, 150, 70], Border: [0, 0, 0] }))
  indirectAnnots.getPage(0).node.set(PDFName.of('Annots'), indirectAnnots.context.register(indirectAnnots.context.obj([link])))

  return [
    await save(dir, 'generated-rotations-0-90-180-270-classic', rotations, false),
    await save(dir, 'generated-rotations-0-90-180-270-objstm', rotations, true),
    await save(dir, 'generated-nonzero-origin-smaller-cropbox', offset, false),
    await save(dir, 'generated-negative-origin-objstm', negative, true),
    await save(dir, 'generated-acroform-in-object-stream', form, true),
    await save(dir, 'generated-indirect-annots-array', indirectAnnots, false),
  ]
}
