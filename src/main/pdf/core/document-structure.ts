import { asInteger, asName, PdfDict, PdfRef, type PdfValue } from './pdf-syntax'
import { textOf } from './pdf-text'

/**
 * Walking a document's logical structure (form fields, DocMDP) for the signer and the verifier,
 * over whatever reads their objects: the signer's strict reader or the verifier's repairing one.
 */
export interface ObjectResolver {
  /** Follows references until a direct object; undefined (or null) when there is none. */
  resolve(value: PdfValue | undefined): Promise<PdfValue | undefined>
}

async function resolveDict(resolver: ObjectResolver, value: PdfValue | undefined): Promise<PdfDict | undefined> {
  const resolved = await resolver.resolve(value)
  return resolved instanceof PdfDict ? resolved : undefined
}

async function resolveArray(resolver: ObjectResolver, value: PdfValue | undefined): Promise<PdfValue[] | undefined> {
  const resolved = await resolver.resolve(value)
  return Array.isArray(resolved) ? resolved : undefined
}

export type DocMdpPermission = 1 | 2 | 3

/**
 * The DocMDP permission level (/P) of a signature's reference dictionaries (ISO 32000-2
 * §12.8.2.2): 1 no changes, 2 form filling and signing (also what a missing or unknown /P means),
 * 3 also annotations; undefined when no reference is a DocMDP transform.
 */
export async function docMdpPermission(resolver: ObjectResolver, signature: PdfDict): Promise<DocMdpPermission | undefined> {
  for (const referenceValue of (await resolveArray(resolver, signature.get('Reference'))) ?? []) {
    const reference = await resolveDict(resolver, referenceValue)
    if (!reference || asName(reference.get('TransformMethod')) !== 'DocMDP') continue
    const parameters = await resolveDict(resolver, reference.get('TransformParams'))
    const level = asInteger(await resolver.resolve(parameters?.get('P')))
    return level === 1 || level === 3 ? level : 2
  }
  return undefined
}

/** A terminal form field: one that carries a value, as opposed to a node that only groups kids. */
export interface TerminalField {
  /** How the field was reached: its reference, or the dictionary itself when it is direct. */
  value: PdfValue
  dict: PdfDict
  /** The fully qualified name, partial names joined with "."; undefined when neither it nor an ancestor has a /T. */
  name: string | undefined
  /** /FT, inherited from ancestors. */
  type: string | undefined
  /** Its kids, which are its widget annotations; empty when field and widget are merged. */
  widgetKids: { ref: PdfRef | undefined; dict: PdfDict }[]
}

export interface FieldWalk {
  /** Field references already walked (by `PdfRef.key`): share one set to walk several roots once each. */
  visited: Set<string>
  /** Deeper field trees than this are loops or attacks; their deeper parts are left out. */
  maxDepth: number
}

/** Walks the field tree under `root` in document order, calling `onField` for each terminal field. */
export async function walkFields(
  resolver: ObjectResolver,
  root: PdfValue,
  walk: FieldWalk,
  onField: (field: TerminalField) => Promise<void> | void,
  parent: { name: string | undefined; type: string | undefined; depth: number } = { name: undefined, type: undefined, depth: 0 },
): Promise<void> {
  if (parent.depth > walk.maxDepth) return
  if (root instanceof PdfRef) {
    if (walk.visited.has(root.key)) return
    walk.visited.add(root.key)
  }
  const dict = await resolveDict(resolver, root)
  if (!dict) return
  const partialName = textOf(dict.get('T'))
  const name = partialName === undefined ? parent.name : parent.name === undefined ? partialName : `${parent.name}.${partialName}`
  const type = asName(dict.get('FT')) ?? parent.type
  const kids = (await resolveArray(resolver, dict.get('Kids'))) ?? []
  const kidDicts = await Promise.all(kids.map(async (kid) => ({ ref: kid instanceof PdfRef ? kid : undefined, dict: await resolveDict(resolver, kid) })))
  // A field whose kids carry names has child fields; otherwise its kids are only its widgets.
  if (kidDicts.some((kid) => kid.dict?.has('T'))) {
    for (const kid of kids) await walkFields(resolver, kid, walk, onField, { name, type, depth: parent.depth + 1 })
    return
  }
  const widgetKids = kidDicts.flatMap((kid) => (kid.dict ? [{ ref: kid.ref, dict: kid.dict }] : []))
  await onField({ value: root, dict, name, type, widgetKids })
}

/** Page attributes a page inherits from its ancestors when it does not set them (ISO 32000-2 §7.7.3.4). */
export const INHERITED_PAGE_KEYS = ['MediaBox', 'CropBox', 'Rotate'] as const
export type InheritedPageAttributes = Partial<Record<(typeof INHERITED_PAGE_KEYS)[number], PdfValue>>

/** A leaf of the page tree. */
export interface PageLeaf {
  /** Its reference; undefined for a page written directly into its parent's /Kids (only a lenient walk gets there). */
  ref: PdfRef | undefined
  dict: PdfDict
  inherited: InheritedPageAttributes
}

export interface PageTreeWalk {
  /** Deeper page trees than this are loops or attacks. */
  maxDepth: number
  /**
   * Makes the walk strict: a loop, a missing node or a kid that is not a reference is reported
   * here (which throws). Without it such parts are skipped, as viewers do.
   */
  fail?: (problem: string) => never
}

/** Walks the page tree from `root` and calls `onPage` for each page, in page order. */
export async function walkPageTree(resolver: ObjectResolver, root: PdfValue | undefined, walk: PageTreeWalk, onPage: (page: PageLeaf) => Promise<void> | void): Promise<void> {
  const visited = new Set<string>()
  const problem = (description: string): void => {
    walk.fail?.(description)
  }
  const visit = async (node: PdfValue, inherited: InheritedPageAttributes, depth: number): Promise<void> => {
    if (depth > walk.maxDepth || (node instanceof PdfRef && visited.has(node.key))) return problem('the page tree contains a loop')
    if (node instanceof PdfRef) visited.add(node.key)
    const dict = await resolveDict(resolver, node)
    if (!dict) return problem(`page tree node ${node instanceof PdfRef ? node.num : '(direct)'} is missing`)
    const attributes: InheritedPageAttributes = { ...inherited }
    for (const key of INHERITED_PAGE_KEYS) {
      const value = dict.get(key)
      if (value !== undefined) attributes[key] = value
    }
    const kids = await resolveArray(resolver, dict.get('Kids'))
    const type = asName(dict.get('Type'))
    if (type === 'Pages' || (type !== 'Page' && kids)) {
      for (const kid of kids ?? []) {
        if (!(kid instanceof PdfRef)) problem('a page tree entry is not a reference')
        await visit(kid, attributes, depth + 1)
      }
      return
    }
    await onPage({ ref: node instanceof PdfRef ? node : undefined, dict, inherited: attributes })
  }
  if (root !== undefined) await visit(root, {}, 0)
}
