/**
 * The renderer is served from `app://teken/` (a privileged custom scheme) rather than `file://`, so
 * it has a real origin, its own CSP headers, and no access to the file system through URLs.
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'teken'
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    // WHATWG gives custom schemes an opaque "null" origin, so compare scheme and host instead.
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST
  } catch {
    return false
  }
}
