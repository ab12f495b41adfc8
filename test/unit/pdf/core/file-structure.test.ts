import { describe, expect, it } from 'vitest'
import { parseObjectStreamIndex } from '../../../../src/main/pdf/core/file-structure'

describe('object stream index', () => {
  it('reads count pairs of object number and offset', () => {
    const data = Buffer.from('12 0 13 25 14 40 <<>>', 'latin1')
    const expected = [
      { objectNumber: 12, offset: 0 },
      { objectNumber: 13, offset: 25 },
    ]
    expect(parseObjectStreamIndex(data, 2, true)).toEqual(expected)
    expect(parseObjectStreamIndex(data, 2, false)).toEqual(expected)
  })

  it('strictly refuses a member that is not two integers; leniently ends the index there', () => {
    const data = Buffer.from('12 0 /Oops 25 14 40', 'latin1')
    expect(() => parseObjectStreamIndex(data, 3, true)).toThrow()
    expect(parseObjectStreamIndex(data, 3, false)).toEqual([{ objectNumber: 12, offset: 0 }])
    expect(parseObjectStreamIndex(Buffer.from('12 0', 'latin1'), 3, false)).toEqual([{ objectNumber: 12, offset: 0 }])
  })
})
