import { describe, expect, it } from 'vitest'
import { describeResponseCode, parseResponseCode } from '../../../src/main/providers/snap/response-code'

describe('SNAP responseCode: HTTP status + service code + case code', () => {
  it('takes 2007300 apart: HTTP 200, Access Token B2B, success', () => {
    expect(parseResponseCode('2007300')).toEqual({ code: '2007300', httpStatus: 200, serviceCode: '73', caseCode: '00', service: 'Access Token B2B', meaning: 'Successful.', tokenRejected: false })
  })

  it.each([
    ['4017300', 401, '73', /^Unauthorized: .*signature/, true],
    ['4017301', 401, '73', /^Invalid token \(B2B\).*expired/, true],
    ['4011101', 401, '11', /^Invalid token \(B2B\)/, true],
    ['4012403', 401, '24', /^Token not found/, false],
    ['4092400', 409, '24', /X-EXTERNAL-ID was already used today/, false],
    ['4091101', 409, '11', /^Duplicate partnerReferenceNo/, false],
    ['4007301', 400, '73', /^Invalid field format/, false],
    ['4007302', 400, '73', /^Invalid mandatory field/, false],
    ['4007300', 400, '73', /^Bad request/, false],
    ['4042401', 404, '24', /^Transaction not found/, false],
    ['4034714', 403, '47', /^Insufficient funds/, false],
    ['4291100', 429, '11', /^Too many requests/, false],
    ['5001100', 500, '11', /^General error/, false],
    ['5002501', 500, '25', /^Internal server error/, false],
    ['5041100', 504, '11', /^Timeout.*check the transaction status/, false],
  ] as const)('%s: HTTP %i, service %s', (code, httpStatus, serviceCode, meaning, tokenRejected) => {
    const parsed = parseResponseCode(code)!
    expect(parsed).toMatchObject({ httpStatus, serviceCode, tokenRejected })
    expect(parsed.meaning).toMatch(meaning)
  })

  it("reads OVO's 401XX00 with AGW-002-05 as an expired token that a new one fixes", () => {
    const message = 'Unauthorized. Signature Failed: AGW-002-05.'
    const parsed = parseResponseCode('401XX00', message)!
    expect(parsed).toMatchObject({ httpStatus: 401, serviceCode: 'XX', caseCode: '00', tokenRejected: true })
    expect(parsed.service).toBeUndefined()
    expect(parsed.meaning).toBe('The access token has expired (OVO AGW-002-05); request a new one.')
    expect(describeResponseCode(parsed, message)).toBe(`401XX00 (service XX): The access token has expired (OVO AGW-002-05); request a new one. The provider said: "${message}".`)
  })

  it('falls back to the status class for cases it has no text for, and names unknown services by code', () => {
    const parsed = parseResponseCode('4039999')!
    expect(parsed).toMatchObject({ httpStatus: 403, serviceCode: '99', caseCode: '99', meaning: 'The provider rejected the request.' })
    expect(describeResponseCode(parsed, '')).toBe('4039999 (service 99): The provider rejected the request.')
    expect(parseResponseCode('2009900')?.meaning).toBe('Successful.')
  })

  it('rejects anything that is not 7 characters of status, service and case', () => {
    for (const invalid of ['', '200730', '20073000', '200AB00', 'abcdefg', '9997300', ' 2007300']) expect(parseResponseCode(invalid), invalid).toBeUndefined()
  })
})
