import { describe, expect, it } from 'vitest'
import { createOtpInbox, OTP_INBOX_LIMITS, sameIdentifier, type OtpDelivery } from '../../../src/main/otp/otp-inbox'
import { expectTekenError, rejectionOf } from '../../support/teken-error'

const code = (identifier: string, otp: string): OtpDelivery => ({ identifier, otp, channel: 'whatsapp', source: 'test' })

function setup(start = Date.parse('2026-11-22T05:00:00Z')) {
  let now = start
  const clock = { now: () => new Date(now) }
  return { inbox: createOtpInbox({ clock }), advance: (ms: number) => void (now += ms), at: (offsetMs = 0) => new Date(now + offsetMs) }
}

describe('OTP inbox', () => {
  it('keeps delivered codes with the time they arrived, oldest first', () => {
    const { inbox, advance, at } = setup()
    const first = inbox.deliver(code('084512340987', '111111'))
    advance(1000)
    inbox.deliver({ identifier: 'user@example.com', otp: '222222', channel: 'email', source: 'webhook 127.0.0.1' })
    expect(first).toMatchObject({ identifier: '084512340987', otp: '111111', channel: 'whatsapp', source: 'test', receivedAt: at(-1000) })
    expect(inbox.list().map((message) => message.otp)).toEqual(['111111', '222222'])
    expect(new Set(inbox.list().map((message) => message.id)).size).toBe(2)
  })

  it('waitFor resolves with the first code for that identifier that arrives after `since`', async () => {
    const { inbox, advance, at } = setup()
    inbox.deliver(code('084512340987', 'before'))
    advance(1000)
    const since = at()
    const waiting = inbox.waitFor({ identifier: '084512340987', since, timeoutMs: 5000 })
    inbox.deliver(code('089999999999', 'other-person'))
    advance(10)
    inbox.deliver(code('6284512340987', '123456'))
    inbox.deliver(code('084512340987', 'later'))
    await expect(waiting).resolves.toMatchObject({ otp: '123456', identifier: '6284512340987' })
  })

  it('waitFor resolves at once with a code that already arrived after `since`', async () => {
    const { inbox, advance, at } = setup()
    const since = at()
    advance(500)
    inbox.deliver(code('user@example.com', '654321'))
    inbox.deliver(code('user@example.com', '777777'))
    await expect(inbox.waitFor({ identifier: 'USER@example.com', since, timeoutMs: 10 })).resolves.toMatchObject({ otp: '654321' })
    await expect(inbox.waitFor({ since, timeoutMs: 10 })).resolves.toMatchObject({ otp: '654321' })
  })

  it('waitFor rejects with OTP_NOT_RECEIVED when nothing for that identifier arrives in time', async () => {
    const { inbox, at } = setup()
    const waiting = inbox.waitFor({ identifier: '084512340987', since: at(), timeoutMs: 30 })
    inbox.deliver(code('089999999999', '999999'))
    const error = expectTekenError(await rejectionOf(waiting), 'OTP_NOT_RECEIVED', ['999999'])
    expect(error.message).toBe("No OTP code arrived for 084512340987 within 0.03 s. Check that SIMAS-ID sends its OTPs to this app's webhook, or type the code in.")
  })

  it('waitFor stops when its signal aborts', async () => {
    const { inbox, at } = setup()
    const controller = new AbortController()
    const waiting = inbox.waitFor({ since: at(), timeoutMs: 60_000, signal: controller.signal })
    controller.abort(new Error('the user typed the code in'))
    await expect(waiting).rejects.toThrow('the user typed the code in')
    const aborted = new AbortController()
    aborted.abort(new Error('already cancelled'))
    await expect(inbox.waitFor({ since: at(), timeoutMs: 60_000, signal: aborted.signal })).rejects.toThrow('already cancelled')
  })

  it('tells subscribers about each new code until they unsubscribe', () => {
    const { inbox } = setup()
    const seen: string[] = []
    const unsubscribe = inbox.subscribe((message) => seen.push(message.otp))
    inbox.deliver(code('084512340987', '111111'))
    unsubscribe()
    inbox.deliver(code('084512340987', '222222'))
    expect(seen).toEqual(['111111'])
  })

  it(`keeps only the last ${OTP_INBOX_LIMITS.maxMessages} codes of the last 15 minutes`, () => {
    const { inbox, advance } = setup()
    for (let index = 0; index < OTP_INBOX_LIMITS.maxMessages + 5; index += 1) inbox.deliver(code('084512340987', String(index)))
    expect(inbox.list()).toHaveLength(OTP_INBOX_LIMITS.maxMessages)
    expect(inbox.list()[0]!.otp).toBe('5')
    advance(OTP_INBOX_LIMITS.maxAgeMs - 1)
    inbox.deliver(code('084512340987', 'fresh'))
    advance(2)
    expect(inbox.list().map((message) => message.otp)).toEqual(['fresh'])
  })

  it('matches a phone number in its 0… and 62… forms, and emails case-insensitively', () => {
    expect(sameIdentifier('084512340987', '6284512340987')).toBe(true)
    expect(sameIdentifier('+62 845-1234-0987', '084512340987')).toBe(true)
    expect(sameIdentifier('084512340987', '084512340988')).toBe(false)
    expect(sameIdentifier('User@Example.com', 'user@example.com')).toBe(true)
    expect(sameIdentifier('user@example.com', 'other@example.com')).toBe(false)
  })
})
