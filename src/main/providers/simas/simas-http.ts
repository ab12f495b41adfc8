import { TekenError } from '../../../shared/errors'
import type { HttpResponse } from '../../ports/http-client'

export const SIMAS_PROVIDER = 'SIMAS-ID'

/**
 * The human text in a SIMAS-ID error body: `meta.message` (common-KYC), `error_description`
 * (OIDC, the webhook contract) or a plain `message`.
 */
export function simasErrorText(response: HttpResponse): string | undefined {
  let body: unknown
  try {
    body = JSON.parse(response.body.toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof body !== 'object' || body === null) return undefined
  const { meta, error_description: description, message, error } = body as Record<string, unknown>
  const metaMessage = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).message : undefined
  const text = [metaMessage, description, message, error].find((value) => typeof value === 'string' && value.trim() !== '')
  return text as string | undefined
}

/** `PROVIDER_HTTP_ERROR` naming the call, the status and SIMAS-ID's own message. */
export function simasHttpError(response: HttpResponse, call: string): TekenError {
  const text = simasErrorText(response)
  return new TekenError('PROVIDER_HTTP_ERROR', `${SIMAS_PROVIDER} answered HTTP ${response.status} to ${call}${text ? `: ${text}` : '.'}`, {
    provider: SIMAS_PROVIDER,
    status: String(response.status),
    ...(text ? { providerMessage: text } : {}),
  })
}
