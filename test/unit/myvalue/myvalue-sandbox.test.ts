import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signMyValuePayload } from '../../../src/main/providers/myvalue/payload-signature'
import { startMyValueSandbox, type MyValueSandbox } from '../../../src/main/sandbox/myvalue/myvalue-sandbox'

describe('MyValue sandbox: checks the client id and the payload signature the way Teken reads seed 004', () => {
  let sandbox: MyValueSandbox
  const partner = { clientId: 'partner-1', clientSecret: 'mv-sandbox-secret-✓' }
  const body = '{"phone_number":"6281234567890","note":"a  b"}'
  const hmac = (bytes: string, secret = partner.clientSecret) => createHmac('sha256', secret).update(bytes).digest('hex')

  beforeAll(async () => {
    sandbox = await startMyValueSandbox()
    sandbox.registerPartner(partner)
  })
  afterAll(() => sandbox.close())

  async function post(headers: Record<string, string>, payload = body) {
    const response = await fetch(`${sandbox.url}/v1/any/path?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload })
    return { status: response.status, json: (await response.json()) as { code: string; message: string; data?: Record<string, unknown> } }
  }

  it('accepts HMAC-SHA256 of the exact body with the client secret, in either hex case, on any path', async () => {
    const accepted = await post({ 'X-Client-Id': partner.clientId, 'X-Signature': hmac(body) })
    expect(accepted).toMatchObject({ status: 200, json: { code: 'SUCCESS', data: { client_id: 'partner-1', method: 'POST', path: '/v1/any/path' } } })
    expect((await post({ 'X-Client-Id': partner.clientId, 'X-Signature': hmac(body).toUpperCase() })).status).toBe(200)
    const get = await fetch(`${sandbox.url}/v1/status`, { headers: { 'X-Client-Id': partner.clientId, 'X-Signature': hmac('') } })
    expect(get.status).toBe(200)
  })

  it('says exactly what is wrong with each mistake a partner can make', async () => {
    const cases: [Record<string, string>, string, number, string?][] = [
      [{ 'X-Signature': hmac(body) }, 'MISSING_CLIENT_ID', 401],
      [{ 'X-Client-Id': 'stranger', 'X-Signature': hmac(body) }, 'UNKNOWN_CLIENT', 401],
      [{ 'X-Client-Id': partner.clientId }, 'MISSING_SIGNATURE', 401],
      [{ 'X-Client-Id': partner.clientId, 'X-Signature': Buffer.from(hmac(body), 'hex').toString('base64') }, 'INVALID_SIGNATURE_FORMAT', 401],
      [{ 'X-Client-Id': partner.clientId, 'X-Signature': hmac(body, 'another secret') }, 'INVALID_SIGNATURE', 401],
      // Signed over a re-serialised body: one space less is another message.
      [{ 'X-Client-Id': partner.clientId, 'X-Signature': hmac(body.replace('a  b', 'a b')) }, 'INVALID_SIGNATURE', 401],
      [{ 'X-Client-Id': partner.clientId, 'X-Signature': signMyValuePayload(body, partner.clientSecret, 'sha256-plain').signature }, 'INVALID_SIGNATURE', 401],
      [{ 'X-Client-Id': partner.clientId, 'X-Signature': hmac('not json') }, 'INVALID_BODY', 400, 'not json'],
    ]
    for (const [headers, code, status, payload] of cases) {
      const answer = await post(headers, payload)
      expect(answer, code).toMatchObject({ status, json: { code } })
      expect(answer.json.message.length, code).toBeGreaterThan(10)
    }
  })
})
