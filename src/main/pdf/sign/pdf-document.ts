import { PDFHexString, PDFName, PDFRef, PDFString, type PDFDict, type PDFObject } from 'pdf-lib'
import type { PageGeometry, PdfRect } from '../../../shared/pdf-types'
import { normalizePdfRect } from '../../../shared/placement/geometry'
import { resolvePageGeometry } from '../../../shared/placement/page-geometry'
import { decodeTextString } from '../core/pdf-text'
import { pdfDamaged } from './pdf-errors'
import { PdfFile } from './pdf-file'

export interface PageNode {
  ref: PDFRef
  dict: PDFDict
  geometry: PageGeometry
}

/** A terminal form field: one that carries a value, as opposed to a node that only groups kids. */
export interface FieldNode {
  dict: PDFDict
  /** The fully qualified name, parts joined with ".". */
  name: string
  /** /FT, inherited from ancestors. */
  type: string | undefined
  /** The widget annotations: the field itself when field and widget are merged. */
  widgets: { ref: PDFRef | undefined; dict: PDFDict }[]
}

const name = (key: string) => PDFName.of(key)
const INHERITED_PAGE_KEYS = ['MediaBox', 'CropBox', 'Rotate'] as const
type InheritedPageAttributes = Partial<Record<(typeof INHERITED_PAGE_KEYS)[number], PDFObject>>
/** Deeper page or field trees than this are loops or attacks. */
const MAX_TREE_DEPTH = 64

/** The document structure signing needs: catalog, page tree with geometry, form fields, certification. */
export class PdfDocument {
  private pageList: PageNode[] | undefined

  private constructor(
    readonly file: PdfFile,
    readonly catalogRef: PDFRef,
    readonly catalog: PDFDict,
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
    const catalogRef = file.trailer.get(name('Root'))
    const catalog = catalogRef instanceof PDFRef ? await file.dict(catalogRef) : undefined
    if (!(catalogRef instanceof PDFRef) || !catalog) throw pdfDamaged(file.fileName, 'the document catalog is missing')
    return new PdfDocument(file, catalogRef, catalog)
  }

  close(): Promise<void> {
    return this.file.close()
  }

  /** The header version, or the catalog's /Version when that is newer (an update may raise it). */
  version(): string {
    const catalogVersion = this.catalog.get(name('Version'))
    const declared = catalogVersion instanceof PDFName ? catalogVersion.decodeText() : undefined
    return declared && Number(declared) > Number(this.file.headerVersion) ? declared : this.file.headerVersion
  }

  async pages(): Promise<PageNode[]> {
    if (!this.pageList) {
      const root = this.catalog.get(name('Pages'))
      if (!(root instanceof PDFRef)) throw pdfDamaged(this.file.fileName, 'the catalog has no page tree')
      const pages: PageNode[] = []
      await this.walkPages(root, {}, pages, new Set(), 0)
      this.pageList = pages
    }
    return this.pageList
  }

  private async walkPages(ref: PDFRef, inherited: InheritedPageAttributes, pages: PageNode[], visited: Set<number>, depth: number): Promise<void> {
    if (visited.has(ref.objectNumber) || depth > MAX_TREE_DEPTH) throw pdfDamaged(this.file.fileName, 'the page tree contains a loop')
    visited.add(ref.objectNumber)
    const node = await this.file.dict(ref)
    if (!node) throw pdfDamaged(this.file.fileName, `page tree node ${ref.objectNumber} is missing`)
    const attributes: InheritedPageAttributes = { ...inherited }
    for (const key of INHERITED_PAGE_KEYS) {
      const value = node.get(name(key))
      if (value !== undefined) attributes[key] = value
    }
    const kids = await this.file.array(node.get(name('Kids')))
    const type = node.get(name('Type'))
    if (type === name('Pages') || (type !== name('Page') && kids)) {
      for (const kid of kids?.asArray() ?? []) {
        if (!(kid instanceof PDFRef)) throw pdfDamaged(this.file.fileName, 'a page tree entry is not a reference')
        await this.walkPages(kid, attributes, pages, visited, depth + 1)
      }
      return
    }
    pages.push({ ref, dict: node, geometry: await this.geometry(pages.length + 1, node, attributes) })
  }

  /** pdf.js's rules (shared with the renderer), so the box a user drew is checked against the page pdf.js showed. */
  private async geometry(pageNumber: number, page: PDFDict, attributes: InheritedPageAttributes): Promise<PageGeometry> {
    return resolvePageGeometry({
      pageNumber,
      mediaBox: await this.numbers(attributes.MediaBox),
      cropBox: await this.numbers(attributes.CropBox),
      rotate: await this.file.number(attributes.Rotate),
      userUnit: await this.file.number(page.get(name('UserUnit'))),
    })
  }

  /** A rectangle (a /Rect or a box), corners ordered lower-left then upper-right. */
  async rect(value: PDFObject | undefined): Promise<PdfRect | undefined> {
    const numbers = await this.numbers(value)
    if (numbers?.length !== 4 || !numbers.every(Number.isFinite)) return undefined
    return normalizePdfRect(numbers as unknown as PdfRect)
  }

  /** An array of numbers, references resolved; undefined when it is not an array or holds anything else. */
  private async numbers(value: PDFObject | undefined): Promise<number[] | undefined> {
    const array = await this.file.array(value)
    if (!array) return undefined
    const numbers: number[] = []
    for (const element of array.asArray()) {
      const number = await this.file.number(element)
      if (number === undefined) return undefined
      numbers.push(number)
    }
    return numbers
  }

  async acroForm(): Promise<PDFDict | undefined> {
    return this.file.dict(this.catalog.get(name('AcroForm')))
  }

  /** Every terminal field of the AcroForm, in document order. */
  async fields(): Promise<FieldNode[]> {
    const form = await this.acroForm()
    const roots = await this.file.array(form?.get(name('Fields')))
    const fields: FieldNode[] = []
    const visited = new Set<number>()
    const walk = async (value: PDFObject, parentName: string, parentType: string | undefined, depth: number): Promise<void> => {
      const ref = value instanceof PDFRef ? value : undefined
      if (ref) {
        if (visited.has(ref.objectNumber)) return
        visited.add(ref.objectNumber)
      }
      const dict = await this.file.dict(value)
      if (!dict || depth > MAX_TREE_DEPTH) return
      const partial = textOf(dict.get(name('T')))
      const fullName = partial === undefined ? parentName : parentName ? `${parentName}.${partial}` : partial
      const fieldType = dict.get(name('FT'))
      const type = fieldType instanceof PDFName ? fieldType.decodeText() : parentType
      const kids = (await this.file.array(dict.get(name('Kids'))))?.asArray() ?? []
      const kidDicts = await Promise.all(kids.map(async (kid) => ({ ref: kid instanceof PDFRef ? kid : undefined, dict: await this.file.dict(kid) })))
      const childFields = kidDicts.filter((kid) => kid.dict?.has(name('T')))
      if (childFields.length > 0) {
        for (const kid of kids) await walk(kid, fullName, type, depth + 1)
        return
      }
      const widgets = kidDicts.flatMap((kid) => (kid.dict ? [{ ref: kid.ref, dict: kid.dict }] : []))
      fields.push({ dict, name: fullName, type, widgets: widgets.length > 0 ? widgets : [{ ref, dict }] })
    }
    for (const root of roots?.asArray() ?? []) await walk(root, '', undefined, 0)
    return fields
  }

  /**
   * The /P of the document's certification (DocMDP) signature: 1 no changes, 2 form filling and
   * signing, 3 also annotations; undefined when the document is not certified.
   */
  async certificationPermission(): Promise<number | undefined> {
    const permissions = await this.file.dict(this.catalog.get(name('Perms')))
    const certification = await this.file.dict(permissions?.get(name('DocMDP')))
    if (!certification) return undefined
    for (const reference of (await this.file.array(certification.get(name('Reference'))))?.asArray() ?? []) {
      const transform = await this.file.dict(reference)
      if (transform?.get(name('TransformMethod')) !== name('DocMDP')) continue
      const parameters = await this.file.dict(transform.get(name('TransformParams')))
      return (await this.file.number(parameters?.get(name('P')))) ?? 2
    }
    return 2
  }

  /** The page a widget is on: its /P, else the page whose /Annots lists it. */
  async pageOfWidget(widget: { ref: PDFRef | undefined; dict: PDFDict }): Promise<number | undefined> {
    const pages = await this.pages()
    const declared = widget.dict.get(name('P'))
    const declaredPage = declared instanceof PDFRef ? pages.find((page) => page.ref.objectNumber === declared.objectNumber) : undefined
    if (declaredPage) return declaredPage.geometry.pageNumber
    if (!widget.ref) return undefined
    for (const page of pages) {
      const annotations = await this.file.array(page.dict.get(name('Annots')))
      if (annotations?.asArray().some((annotation) => annotation instanceof PDFRef && annotation.objectNumber === widget.ref?.objectNumber)) return page.geometry.pageNumber
    }
    return undefined
  }
}

/** A text string's value (see `decodeTextString`), or undefined when `value` is not a string. */
function textOf(value: PDFObject | undefined): string | undefined {
  if (value instanceof PDFString || value instanceof PDFHexString) return decodeTextString(Buffer.from(value.asBytes()))
  return undefined
}

