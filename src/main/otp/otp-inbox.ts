import { randomUUID } from 'node:crypto'
import { TekenError } from '../../shared/errors'
import type { Clock } from '../ports/clock'

/** The channels seed 002 names for SIMAS-ID's OTP delivery. */
export const OTP_CHANNELS = ['email', 'sms', 'whatsapp'] as const
export type OtpChannel = (typeof OTP_CHANNELS)[number]

export interface OtpDelivery {
  /** Who the code is for: a phone number ("084512340987", "6284…") or an email address. */
  identifier: string
  otp: string
  channel: OtpChannel
  /** Where it came from, e.g. "webhook 127.0.0.1" or "peruri-sandbox". */
  source: string
}

export interface OtpMessage extends OtpDelivery {
  id: string
  receivedAt: Date
}

export type OtpListener = (message: OtpMessage) => void

/** OTPs expire within minutes; keeping a few recent ones is all a waiting prompt or the UI needs. */
export const OTP_INBOX_LIMITS = { maxMessages: 50, maxAgeMs: 15 * 60_000 }

/**
 * OTP codes that arrived (through the webhook, or a sandbox) for the prompts waiting on them. The
 * codes are short-lived secrets: they stay in memory only and are never logged.
 */
export function createOtpInbox(options: { clock: Clock }) {
  let messages: OtpMessage[] = []
  const listeners = new Set<OtpListener>()

  const prune = () => {
    const oldest = options.clock.now().getTime() - OTP_INBOX_LIMITS.maxAgeMs
    messages = messages.filter((message) => message.receivedAt.getTime() >= oldest).slice(-OTP_INBOX_LIMITS.maxMessages)
  }

  const matching = (message: OtpMessage, identifier: string | undefined, since: Date) =>
    message.receivedAt.getTime() >= since.getTime() && (identifier === undefined || sameIdentifier(message.identifier, identifier))

  return {
    deliver(delivery: OtpDelivery): OtpMessage {
      const message: OtpMessage = { ...delivery, id: randomUUID(), receivedAt: options.clock.now() }
      messages.push(message)
      prune()
      for (const listener of listeners) listener(message)
      return message
    },

    /** Recent messages, oldest first. */
    list(): OtpMessage[] {
      prune()
      return messages.map((message) => ({ ...message }))
    },

    /**
     * The first code for `identifier` (any identifier when omitted) received at or after `since`,
     * whether it is already here or still to come.
     */
    waitFor(request: { identifier?: string; since: Date; timeoutMs: number; signal?: AbortSignal }): Promise<OtpMessage> {
      prune()
      const present = messages.find((message) => matching(message, request.identifier, request.since))
      if (present) return Promise.resolve({ ...present })
      return new Promise((resolve, reject) => {
        const finish = (settle: () => void) => {
          clearTimeout(timer)
          listeners.delete(onMessage)
          request.signal?.removeEventListener('abort', onAbort)
          settle()
        }
        const onMessage = (message: OtpMessage) => {
          if (matching(message, request.identifier, request.since)) finish(() => resolve({ ...message }))
        }
        const onAbort = () => finish(() => reject(request.signal?.reason))
        const timer = setTimeout(() => {
          const whom = request.identifier ? ` for ${request.identifier}` : ''
          finish(() => reject(new TekenError('OTP_NOT_RECEIVED', `No OTP code arrived${whom} within ${request.timeoutMs / 1000} s. Check that SIMAS-ID sends its OTPs to this app's webhook, or type the code in.`)))
        }, request.timeoutMs)
        if (request.signal?.aborted) return onAbort()
        listeners.add(onMessage)
        request.signal?.addEventListener('abort', onAbort)
      })
    },

    /** Calls `listener` for every message delivered from now on; returns the unsubscribe. */
    subscribe(listener: OtpListener): () => void {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}

export type OtpInbox = ReturnType<typeof createOtpInbox>

/**
 * Whether two identifiers name the same recipient: emails case-insensitively, phone numbers in
 * either Indonesian form ("0845…" and "62845…", with or without "+", spaces or dashes).
 */
export function sameIdentifier(a: string, b: string): boolean {
  return canonicalIdentifier(a) === canonicalIdentifier(b)
}

function canonicalIdentifier(identifier: string): string {
  const trimmed = identifier.trim()
  if (trimmed.includes('@')) return trimmed.toLowerCase()
  const digits = trimmed.replace(/[\s()+-]/g, '')
  return /^62\d+$/.test(digits) ? `0${digits.slice(2)}` : digits
}
