import { describe, expect, it } from 'vitest'
import { minifyJson } from '../../../src/main/providers/snap/minify'
import { expectTekenError } from '../../support/teken-error'

describe('SNAP minify(body): whitespace between JSON tokens only', () => {
  it('keeps spaces inside string values and removes every kind of whitespace between tokens', () => {
    const body = '{\r\n\t"name" :  "Budi  Santoso ",\n  "note":"a\\tb",\t"empty" : "" ,\r"list" : [ 1 , 2 ]\n}\n'
    expect(minifyJson(body)).toBe('{"name":"Budi  Santoso ","note":"a\\tb","empty":"","list":[1,2]}')
  })

  it('keeps key order exactly as written, including keys JavaScript objects would reorder', () => {
    const body = '{ "z": 1, "10": "ten", "a": { "y": true, "2": null, "b": false } }'
    expect(minifyJson(body)).toBe('{"z":1,"10":"ten","a":{"y":true,"2":null,"b":false}}')
    // JSON.stringify(JSON.parse(…)) puts integer-like keys first: a different string, a different hash.
    expect(JSON.stringify(JSON.parse(body))).toBe('{"10":"ten","z":1,"a":{"2":null,"y":true,"b":false}}')
  })

  it('keeps escapes as written: \\/, \\u00e9, \\" and \\\\ stay, where parse-and-stringify rewrites them', () => {
    const body = '{ "url" : "https:\\/\\/kronos.ifortepay.id\\/api", "nama" : "Jos\\u00e9", "quote" : "say \\"hi\\" \\\\ ok", "line":"a\\nb" }'
    const minified = '{"url":"https:\\/\\/kronos.ifortepay.id\\/api","nama":"Jos\\u00e9","quote":"say \\"hi\\" \\\\ ok","line":"a\\nb"}'
    expect(minifyJson(body)).toBe(minified)
    expect(JSON.stringify(JSON.parse(body))).toBe('{"url":"https://kronos.ifortepay.id/api","nama":"José","quote":"say \\"hi\\" \\\\ ok","line":"a\\nb"}')
  })

  it('keeps unicode characters written directly, and a string ending in an escaped backslash', () => {
    expect(minifyJson('{ "kota" : "Sérang 日本 🙂" , "path" : "C:\\\\" , "x" : 1 }')).toBe('{"kota":"Sérang 日本 🙂","path":"C:\\\\","x":1}')
  })

  it('handles nested arrays and objects and numbers with exponents and fractions, unchanged', () => {
    const body = '[ [ 1 , [ 2.50 , -0.0 ] ] , { "amount" : 1.5E+3 , "tiny" : -2e-7 , "big" : 12345678901234567890 } , [ ] , { } ]'
    const minified = '[[1,[2.50,-0.0]],{"amount":1.5E+3,"tiny":-2e-7,"big":12345678901234567890},[],{}]'
    expect(minifyJson(body)).toBe(minified)
    // Parse-and-stringify would rewrite the numbers themselves.
    expect(JSON.stringify(JSON.parse(body))).toBe('[[1,[2.5,0]],{"amount":1500,"tiny":-2e-7,"big":12345678901234567000},[],{}]')
  })

  it('matches JSON.stringify(JSON.parse(x)) where that is equivalent: plain ASCII, no escapes, already-canonical numbers', () => {
    const body = `{
  "partnerReferenceNo": "2020102900000000000001",
  "amount": { "value": "12345678.00", "currency": "IDR" },
  "additionalInfo": { "deviceId": "12345679237", "channel": "mobilephone" },
  "flags": [true, false, null]
}`
    expect(minifyJson(body)).toBe(JSON.stringify(JSON.parse(body)))
  })

  it('turns an empty or whitespace-only body into the empty string, and leaves top-level scalars alone', () => {
    expect(minifyJson('')).toBe('')
    expect(minifyJson(' \r\n\t')).toBe('')
    expect(minifyJson(' "a b" ')).toBe('"a b"')
    expect(minifyJson(' 42 ')).toBe('42')
  })

  it('refuses invalid JSON with INVALID_REQUEST rather than signing something the provider cannot re-minify', () => {
    for (const invalid of ['{"a":1,}', "{'a':1}", '{"a":1} x', '{"a":\u00a01}', '\uFEFF{"a":1}', '{"a":"unterminated}']) {
      const error = expectTekenError(() => minifyJson(invalid), 'INVALID_REQUEST')
      expect(error.message, JSON.stringify(invalid)).toMatch(/not valid JSON/)
    }
  })
})
