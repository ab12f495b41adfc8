/**
 * The renderer's Content-Security-Policy, sent as a response header with every renderer asset.
 * - `worker-src 'self' blob:`: pdf.js runs its worker from the bundle.
 * - `img-src data: blob:`: rendered pages, thumbnails and speciment previews are blob/data URLs.
 * - `style-src 'self'`: Vite emits CSS files; React sets styles through CSSOM, which CSP allows.
 * - `frame-src`: Peruri's web views only (`frameSources`, see `webViewFrameSources`); none when empty.
 * `extraConnectSources` exists for the dev-only web harness, whose bridge talks over a WebSocket.
 */
export function buildContentSecurityPolicy(extraConnectSources: readonly string[] = [], frameSources: readonly string[] = []): string {
  const connect = ["'self'", ...extraConnectSources].join(' ')
  const frames = frameSources.length ? frameSources.join(' ') : "'none'"
  return [
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    `frame-src ${frames}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ')
}

/**
 * What the renderer may frame: Peruri's web views. The embedded sandbox listens on a random loopback
 * port chosen after the page has loaded, so loopback is allowed by scheme, host and any port
 * (`http://127.0.0.1:*`, nothing else on http); in the desktop app main's subframe guard then lets
 * a frame load only the exact origin it handed out, and the page accepts messages only from that
 * exact origin and frame. The web views of the user's own environments are listed by exact origin.
 */
export const SANDBOX_WEBVIEW_FRAME_SOURCE = 'http://127.0.0.1:*'

export function webViewFrameSources(configuredOrigins: readonly string[] = []): string[] {
  return [SANDBOX_WEBVIEW_FRAME_SOURCE, ...new Set(configuredOrigins.filter((origin) => /^https:\/\/[^\s;,'*]+$/.test(origin)))]
}
