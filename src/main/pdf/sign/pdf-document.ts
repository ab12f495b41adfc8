import type { PageGeometry, PdfRect } from '../../../shared/pdf-types'
import { normalizePdfRect } from '../../../shared/placement/geometry'
import { resolvePageGeometry } from '../../../shared/placement/page-geometry'
import { docMdpPermission, walkFields, walkPageTree, type InheritedPageAttributes } from '../core/document-structure'
import { asName, PdfRef, type PdfDict, type PdfValue } from '../core/pdf-syntax'
import { pdfDamaged } from './pdf-errors'
import { PdfFile } from './pdf-file'

export interface PageNode {
  ref: PdfRef
  dict: PdfDict
  geometry: PageGeometry
}

/** A terminal form field: one that carries a value, as opposed to a node that only groups kids. */
export interface FieldNode {
  dict: PdfDict
  /** The fully qualified name, parts joined with ".". */
  name: string
  /** /FT, inherited from ancestors. */
  type: string | undefined
  /** The widget annotations: the field itself when field and widget are merged. */
  widgets: { ref: PdfRef | undefined; dict: PdfDict }[]
}

/** Deeper page or field trees than this are loops or attacks. */
const MAX_TREE_DEPTH = 64

/** The document structure signing needs: catalog, page tree with geometry, form fields, certification. */
export class PdfDocument {
  private pageList: PageNode[] | undefined

  private constructor(
    readonly file: PdfFile,
    readonly catalogRef: PdfRef,
    readonly catalog: PdfDict,
  ) {}

  static async open(path: string): Promise<PdfDocument> {
    const file = await PdfFile.open(path)
    try {
      return await PdfDocument.fromFile(file)
    } catch (error) {
      await file.close()
      throw error
    }
  }

  static async fromFile(file: PdfFile): Promise<PdfDocument> {
    const catalogRef = file.trailer.get('Root')
    const catalog = catalogRef instanceof PdfRef ? await file.dict(catalogRef) : undefined
    if (!(catalogRef instanceof PdfRef) || !catalog) throw pdfDamaged(file.fileName, 'the document catalog is missing')
    return new PdfDocument(file, catalogRef, catalog)
  }

  close(): Promise<void> {
    return this.file.close()
  }

  /** The header version, or the catalog's /Version when that is newer (an update may raise it). */
  version(): string {
    const declared = asName(this.catalog.get('Version'))
    return declared && Number(declared) > Number(this.file.headerVersion) ? declared : this.file.headerVersion
  }

  async pages(): Promise<PageNode[]> {
    if (!this.pageList) {
      const root = this.catalog.get('Pages')
      if (!(root instanceof PdfRef)) throw pdfDamaged(this.file.fileName, 'the catalog has no page tree')
      const pages: PageNode[] = []
      const fail = (problem: string): never => {
        throw pdfDamaged(this.file.fileName, problem)
      }
      await walkPageTree(this.file, root, { maxDepth: MAX_TREE_DEPTH, fail }, async ({ ref, dict, inherited }) => {
        if (!ref) fail('a page tree entry is not a reference')
        else pages.push({ ref, dict, geometry: await this.geometry(pages.length + 1, dict, inherited) })
      })
      this.pageList = pages
    }
    return this.pageList
  }

  /** pdf.js's rules (shared with the renderer), so the box a user drew is checked against the page pdf.js showed. */
  private async geometry(pageNumber: number, page: PdfDict, attributes: InheritedPageAttributes): Promise<PageGeometry> {
    return resolvePageGeometry({
      pageNumber,
      mediaBox: await this.numbers(attributes.MediaBox),
      cropBox: await this.numbers(attributes.CropBox),
      rotate: await this.file.number(attributes.Rotate),
      userUnit: await this.file.number(page.get('UserUnit')),
    })
  }

  /** A rectangle (a /Rect or a box), corners ordered lower-left then upper-right. */
  async rect(value: PdfValue | undefined): Promise<PdfRect | undefined> {
    const numbers = await this.numbers(value)
    if (numbers?.length !== 4 || !numbers.every(Number.isFinite)) return undefined
    return normalizePdfRect(numbers as unknown as PdfRect)
  }

  /** An array of numbers, references resolved; undefined when it is not an array or holds anything else. */
  private async numbers(value: PdfValue | undefined): Promise<number[] | undefined> {
    const array = await this.file.array(value)
    if (!array) return undefined
    const numbers: number[] = []
    for (const element of array) {
      const number = await this.file.number(element)
      if (number === undefined) return undefined
      numbers.push(number)
    }
    return numbers
  }

  async acroForm(): Promise<PdfDict | undefined> {
    return this.file.dict(this.catalog.get('AcroForm'))
  }

  /** Every terminal field of the AcroForm, in document order. */
  async fields(): Promise<FieldNode[]> {
    const form = await this.acroForm()
    const roots = await this.file.array(form?.get('Fields'))
    const fields: FieldNode[] = []
    const walk = { visited: new Set<string>(), maxDepth: MAX_TREE_DEPTH }
    for (const root of roots ?? []) {
      await walkFields(this.file, root, walk, ({ value, dict, name, type, widgetKids }) => {
        const ref = value instanceof PdfRef ? value : undefined
        fields.push({ dict, name: name ?? '', type, widgets: widgetKids.length > 0 ? widgetKids : [{ ref, dict }] })
      })
    }
    return fields
  }

  /**
   * The /P of the document's certification (DocMDP) signature: 1 no changes, 2 form filling and
   * signing, 3 also annotations; undefined when the document is not certified.
   */
  async certificationPermission(): Promise<number | undefined> {
    const permissions = await this.file.dict(this.catalog.get('Perms'))
    const certification = await this.file.dict(permissions?.get('DocMDP'))
    if (!certification) return undefined
    return (await docMdpPermission(this.file, certification)) ?? 2
  }

  /** The page a widget is on: its /P, else the page whose /Annots lists it. */
  async pageOfWidget(widget: { ref: PdfRef | undefined; dict: PdfDict }): Promise<number | undefined> {
    const pages = await this.pages()
    const declared = widget.dict.get('P')
    const declaredPage = declared instanceof PdfRef ? pages.find((page) => page.ref.num === declared.num) : undefined
    if (declaredPage) return declaredPage.geometry.pageNumber
    if (!widget.ref) return undefined
    for (const page of pages) {
      const annotations = await this.file.array(page.dict.get('Annots'))
      if (annotations?.some((annotation) => annotation instanceof PdfRef && annotation.num === widget.ref?.num)) return page.geometry.pageNumber
    }
    return undefined
  }
}
