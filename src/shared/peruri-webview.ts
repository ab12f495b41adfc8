import { z } from 'zod'

/**
 * Peruri's two web views (seed 003 §7 "Web View Activation" and §8 "Web View Digital Signature"):
 * pages Teken frames, which report their outcome by `postMessage` to the parent window as
 * `{ func, message: { resultCode, resultDesc } }` (seed 003's sample reads `event.data.func` and
 * `event.data.message`).
 *
 * - Activation's func is `generateCertificate` (seed 003's sample names it).
 * - Signing's func is cut off in seed 003's text; Teken and its sandbox use `signing` (the API
 *   operation's name). A real page that names it differently is ignored, never misread.
 */
export const PERURI_WEBVIEW_FUNC = { activation: 'generateCertificate', signing: 'signing' } as const
export type PeruriWebViewKind = keyof typeof PERURI_WEBVIEW_FUNC

/** The page paths under an environment's web view base (seed 003: `url-webview/index.php`, `url-webview/signing.php`). */
export const PERURI_WEBVIEW_PAGE = { activation: 'index.php', signing: 'signing.php' } as const

/**
 * Teken's assumption: it passes its own origin to the page as `parentOrigin`, and the page posts
 * with exactly that targetOrigin (the embedded sandbox does). Real Peruri probably posts with '*';
 * the parent's checks below do not depend on it.
 */
export const PERURI_WEBVIEW_PARENT_PARAM = 'parentOrigin'

/** Teken's own window origins: the app (`app://teken`) and the dev web harness on loopback. */
export const isTekenParentOrigin = (value: string): boolean => /^(app:\/\/teken|http:\/\/(127\.0\.0\.1|localhost):\d{1,5})$/.test(value)

/**
 * Sandbox flags of the frame, each needed:
 * - `allow-scripts`: the pages are script-driven;
 * - `allow-same-origin`: without it the page's origin is opaque ("null"), so its messages could not
 *   be checked against the exact expected origin (and the page could not call its own server). The
 *   page is cross-origin to Teken, so it still cannot reach into Teken's document;
 * - `allow-forms`: Peruri's pages are PHP forms ("Lanjutkan").
 * Nothing else: no top navigation, no popups, no modals, no downloads.
 */
export const PERURI_WEBVIEW_SANDBOX = 'allow-scripts allow-same-origin allow-forms'

const ResultSchema = z.object({ resultCode: z.string().min(1).max(5), resultDesc: z.string().max(255) }).strict()
const MessageSchema = z.object({ func: z.string().min(1).max(64), message: z.union([ResultSchema, z.string().max(2048)]) }).strict()

export interface PeruriWebViewResult {
  ok: boolean
  resultCode: string
  resultDesc: string
}

export type WebViewMessageVerdict =
  | { accepted: true; result: PeruriWebViewResult }
  | { accepted: false; reason: 'origin' | 'source' | 'shape' | 'func' }

/**
 * Decides whether one `message` event is the framed web view's answer: only from exactly
 * `expected.origin`, only from the frame's own window, only of the documented shape and only for
 * the func this web view reports. Anything else is ignored (with the reason, for counting).
 */
export function checkWebViewMessage(
  event: { origin: string; source: unknown; data: unknown },
  expected: { origin: string; source: unknown; kind: PeruriWebViewKind },
): WebViewMessageVerdict {
  if (event.origin !== expected.origin) return { accepted: false, reason: 'origin' }
  if (expected.source === null || expected.source === undefined || event.source !== expected.source) return { accepted: false, reason: 'source' }
  const parsed = MessageSchema.safeParse(event.data)
  if (!parsed.success) return { accepted: false, reason: 'shape' }
  if (parsed.data.func !== PERURI_WEBVIEW_FUNC[expected.kind]) return { accepted: false, reason: 'func' }
  let message: unknown = parsed.data.message
  // Seed 003's sample writes `message` into innerHTML, so a page may well post it as JSON text.
  if (typeof message === 'string') {
    try {
      message = JSON.parse(message)
    } catch {
      return { accepted: false, reason: 'shape' }
    }
  }
  const result = ResultSchema.safeParse(message)
  if (!result.success) return { accepted: false, reason: 'shape' }
  return { accepted: true, result: { ok: result.data.resultCode === '0', ...result.data } }
}
