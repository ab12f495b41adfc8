import { TekenError } from '../../shared/errors'

/**
 * What a failed provider call tells a batch, which decides between retrying, failing and asking a
 * human:
 * - `outcome`: `not-done` when the provider certainly did nothing (the gateway refused the call, the
 *   host was never reached, the service answered with an error code); `unknown` when the request
 *   may have been carried out and only its answer was lost (a timeout, a dropped connection, a 5xx
 *   from behind the gateway, a garbled 2xx).
 * - `transient`: worth another attempt after a pause (faults), as opposed to a refusal that would
 *   only repeat itself.
 */
export interface FailureVerdict {
  outcome: 'not-done' | 'unknown'
  transient: boolean
  reason: string
}

/** Connection errors that happen before a single byte of the request leaves this machine. */
const NEVER_SENT = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/

export function judgeFailure(error: unknown): FailureVerdict {
  const reason = error instanceof Error ? error.message : String(error)
  if (!(error instanceof TekenError)) return { outcome: 'unknown', transient: true, reason }
  switch (error.code) {
    case 'PROVIDER_HTTP_ERROR': {
      const status = Number(error.details?.status)
      // 503 and 429 say "not now" before any work; other 5xx may come from behind the gateway after it.
      if (status === 503 || status === 429) return { outcome: 'not-done', transient: true, reason }
      return status >= 500 ? { outcome: 'unknown', transient: true, reason } : { outcome: 'not-done', transient: false, reason }
    }
    case 'PERURI_AUTH_FAILED':
    case 'PERURI_GATEWAY_EXCEPTION':
      // The gateway stopped the call before the service saw it; a JWT or quota problem may pass.
      return { outcome: 'not-done', transient: true, reason }
    case 'PROVIDER_UNREACHABLE':
      return { outcome: NEVER_SENT.test(reason) ? 'not-done' : 'unknown', transient: true, reason }
    case 'PROVIDER_TIMEOUT':
    case 'PROVIDER_BAD_RESPONSE':
      return { outcome: 'unknown', transient: true, reason }
    default:
      // Peruri's own error codes (an answer, so nothing was done), OTP problems, local PDF errors.
      return { outcome: 'not-done', transient: false, reason }
  }
}
