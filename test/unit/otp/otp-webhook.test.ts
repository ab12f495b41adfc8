import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/ports/clock'
import { createOtpInbox } from '../../../src/main/otp/otp-inbox'
import { startOtpWebhook, type OtpWebhook } from '../../../src/main/otp/otp-webhook'
import { sendSimasOtp } from '../../../src/main/sandbox/simas/simas-sandbox'

const credentials = { username: 'simas-id', password: 'webhook-Pa55:with colon' }
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

describe('OTP webhook (seed 002 contract)', () => {
  const inbox = createOtpInbox({ clock: systemClock })
  let webhook: OtpWebhook

  beforeAll(async () => {
    webhook = await startOtpWebhook({ inbox, credentials })
  })
  afterAll(() => webhook.close())

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(webhook.url, { method: 'POST', headers: { authorization: basic(credentials.username, credentials.password), 'content-type': 'application/json', ...headers }, body })
  const answer = async (response: Response) => ({ status: response.status, body: await response.json() })

  it('listens on loopback at /otp by default', () => {
    expect(webhook.url).toBe(`http://127.0.0.1:${webhook.port}/otp`)
  })

  it('accepts an OTP exactly as SIMAS-ID sends it and delivers it to the inbox', async () => {
    const since = new Date()
    const waiting = inbox.waitFor({ identifier: '084512340987', since, timeoutMs: 5000 })
    const result = await sendSimasOtp({ url: webhook.url, ...credentials, identifier: '084512340987', otp: '123456', channel: 'whatsapp' })
    expect(result).toEqual({ status: 200, body: { status: 'received' } })
    await expect(waiting).resolves.toMatchObject({ identifier: '084512340987', otp: '123456', channel: 'whatsapp', source: 'webhook 127.0.0.1' })
  })

  it('accepts each channel of the contract, and a request without a Content-Type', async () => {
    for (const channel of ['email', 'sms', 'whatsapp']) {
      expect((await sendSimasOtp({ url: webhook.url, ...credentials, identifier: 'user@example.com', otp: '000123', channel })).status, channel).toBe(200)
    }
    const bare = await fetch(webhook.url, { method: 'POST', headers: { authorization: basic(credentials.username, credentials.password) }, body: Buffer.from(JSON.stringify({ identifier: '0811', otp: '42', channel: 'sms' })) })
    expect(bare.status).toBe(200)
    expect(inbox.list().at(-1)).toMatchObject({ identifier: '0811', otp: '42', channel: 'sms' })
  })

  it('refuses a request without Basic auth, with a challenge', async () => {
    const before = inbox.list().length
    const response = await fetch(webhook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: '0845', otp: '1', channel: 'sms' }) })
    expect(await answer(response)).toEqual({ status: 401, body: { error: 'unauthorized', error_description: 'Basic authentication with the webhook username and password is required.' } })
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="teken-otp-webhook", charset="UTF-8"')
    expect(inbox.list()).toHaveLength(before)
  })

  it('refuses a wrong password, a wrong username and a Bearer token alike', async () => {
    const body = JSON.stringify({ identifier: '0845', otp: '1', channel: 'sms' })
    for (const authorization of [basic('simas-id', 'wrong'), basic('someone', credentials.password), basic('simas-id', `${credentials.password}x`), 'Bearer abc', 'Basic !!!']) {
      expect(await answer(await post(body, { authorization })), authorization).toEqual({
        status: 401,
        body: { error: 'unauthorized', error_description: 'Basic authentication with the webhook username and password is required.' },
      })
    }
    const wrong = await sendSimasOtp({ url: webhook.url, username: 'simas-id', password: 'wrong', identifier: '0845', otp: '1', channel: 'sms' })
    expect(wrong.status).toBe(401)
  })

  it('refuses a body that is not JSON', async () => {
    expect(await answer(await post('{"identifier": "0845", "otp": '))).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'The body is not valid JSON.' } })
    expect(await answer(await post(''))).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'The body is not valid JSON.' } })
  })

  it('names the missing or wrong field', async () => {
    const cases: [unknown, string][] = [
      [{ otp: '123456', channel: 'sms' }, '"identifier" is required and must be a non-empty string.'],
      [{ identifier: '0845', channel: 'sms' }, '"otp" is required and must be a non-empty string.'],
      [{ identifier: '0845', otp: 123456, channel: 'sms' }, '"otp" is required and must be a non-empty string.'],
      [{ identifier: '   ', otp: '1', channel: 'sms' }, '"identifier" is required and must be a non-empty string.'],
      [{ identifier: '0845', otp: '1' }, '"channel" must be one of email, sms, whatsapp.'],
      [{ identifier: '0845', otp: '1', channel: 'pigeon' }, '"channel" must be one of email, sms, whatsapp.'],
      [['0845', '1', 'sms'], 'The body must be a JSON object with identifier, otp and channel.'],
      [null, 'The body must be a JSON object with identifier, otp and channel.'],
    ]
    for (const [body, description] of cases) {
      expect(await answer(await post(JSON.stringify(body))), JSON.stringify(body)).toEqual({ status: 400, body: { error: 'invalid_request', error_description: description } })
    }
  })

  it('refuses other methods, other paths, other media types and oversized bodies', async () => {
    const get = await fetch(webhook.url, { headers: { authorization: basic(credentials.username, credentials.password) } })
    expect(await answer(get)).toEqual({ status: 405, body: { error: 'method_not_allowed', error_description: 'Use POST for /otp, not GET.' } })
    expect(get.headers.get('allow')).toBe('POST')

    const elsewhere = await fetch(webhook.url.replace('/otp', '/otp/extra'), { method: 'POST', body: '{}' })
    expect(await answer(elsewhere)).toEqual({ status: 404, body: { error: 'not_found', error_description: 'There is nothing at /otp/extra; the OTP webhook is /otp.' } })

    const form = await post('identifier=0845&otp=1&channel=sms', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(await answer(form)).toEqual({ status: 415, body: { error: 'unsupported_media_type', error_description: 'The body must be JSON (application/json), not application/x-www-form-urlencoded.' } })

    const huge = await post(JSON.stringify({ identifier: '0845', otp: '1', channel: 'sms', padding: 'x'.repeat(20_000) }))
    expect(await answer(huge)).toEqual({ status: 413, body: { error: 'payload_too_large', error_description: 'The request body is larger than 16384 bytes.' } })
  })
})
