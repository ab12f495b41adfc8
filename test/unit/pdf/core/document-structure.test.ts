import { describe, expect, it } from 'vitest'
import { docMdpPermission, walkFields, walkPageTree, type ObjectResolver, type PageLeaf, type TerminalField } from '../../../../src/main/pdf/core/document-structure'
import { PdfDict, PdfName, PdfRef, PdfString, type PdfValue } from '../../../../src/main/pdf/core/pdf-syntax'

const dict = (entries: Record<string, PdfValue>) => new PdfDict(new Map(Object.entries(entries)))
const name = (value: string) => new PdfName(value)
const text = (value: string) => new PdfString(Buffer.from(value, 'latin1'), false, -1, -1)
const ref = (num: number) => new PdfRef(num, 0)

/** Objects by number, resolved the way both readers do it. */
function resolver(objects: Record<number, PdfValue>): ObjectResolver {
  return {
    resolve(value) {
      let current = value
      for (let hops = 0; current instanceof PdfRef && hops < 32; hops += 1) current = objects[current.num] ?? null
      return Promise.resolve(current instanceof PdfRef ? undefined : current)
    },
  }
}

describe('document structure', () => {
  it('walks fields to their terminal fields, joining names and inheriting /FT', async () => {
    const objects = resolver({
      1: dict({ T: text('approvals'), FT: name('Sig'), Kids: [ref(2), ref(3)] }),
      2: dict({ T: text('manager'), Kids: [ref(4)] }),
      3: dict({ T: text('clerk'), FT: name('Tx') }),
      4: dict({ Subtype: name('Widget') }),
    })
    const found: TerminalField[] = []
    const walk = { visited: new Set<string>(), maxDepth: 8 }
    await walkFields(objects, ref(1), walk, (field) => {
      found.push(field)
    })
    expect(found.map((field) => [field.name, field.type, field.widgetKids.length])).toEqual([
      ['approvals.manager', 'Sig', 1],
      ['approvals.clerk', 'Tx', 0],
    ])
    // A shared visited set walks each field once.
    await walkFields(objects, ref(3), walk, (field) => {
      found.push(field)
    })
    expect(found).toHaveLength(2)
  })

  it('walks the page tree with inherited attributes; strictly it refuses loops, leniently it skips them', async () => {
    const objects = resolver({
      1: dict({ Type: name('Pages'), MediaBox: [0, 0, 612, 792], Kids: [ref(2), ref(3), ref(1)] }),
      2: dict({ Type: name('Page') }),
      3: dict({ Type: name('Page'), Rotate: 90 }),
    })
    const pages: PageLeaf[] = []
    await walkPageTree(objects, ref(1), { maxDepth: 8 }, (page) => {
      pages.push(page)
    })
    expect(pages.map((page) => [page.ref?.num, page.inherited.MediaBox, page.inherited.Rotate])).toEqual([
      [2, [0, 0, 612, 792], undefined],
      [3, [0, 0, 612, 792], 90],
    ])
    const fail = (problem: string): never => {
      throw new Error(problem)
    }
    await expect(walkPageTree(objects, ref(1), { maxDepth: 8, fail }, () => undefined)).rejects.toThrow('loop')
  })

  it('reads the DocMDP permission of a signature, 2 when /P is missing or unknown', async () => {
    const transform = (parameters: PdfValue) => dict({ Reference: [dict({ TransformMethod: name('DocMDP'), TransformParams: parameters })] })
    const objects = resolver({ 5: dict({ P: 1 }) })
    expect(await docMdpPermission(objects, transform(ref(5)))).toBe(1)
    expect(await docMdpPermission(objects, transform(dict({ P: 3 })))).toBe(3)
    expect(await docMdpPermission(objects, transform(dict({ P: 7 })))).toBe(2)
    expect(await docMdpPermission(objects, transform(dict({})))).toBe(2)
    expect(await docMdpPermission(objects, dict({ Reference: [dict({ TransformMethod: name('FieldMDP') })] }))).toBeUndefined()
    expect(await docMdpPermission(objects, dict({}))).toBeUndefined()
  })
})
