/**
 * The renderer's Content-Security-Policy, sent as a response header with every renderer asset.
 * - `worker-src 'self' blob:`: pdf.js runs its worker from the bundle.
 * - `img-src data: blob:`: rendered pages, thumbnails and speciment previews are blob/data URLs.
 * - `style-src 'self'`: Vite emits CSS files; React sets styles through CSSOM, which CSP allows.
 * `extraConnectSources` exists for the dev-only web harness, whose bridge talks over a WebSocket.
 */
export function buildContentSecurityPolicy(extraConnectSources: readonly string[] = []): string {
  const connect = ["'self'", ...extraConnectSources].join(' ')
  return [
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ')
}
