import { TekenError } from '../../shared/errors'

/**
 * Hosts Teken may hand to the system browser: provider portals and documentation. Exact host
 * names (no wildcard), https only, no credentials in the URL.
 */
export const EXTERNAL_LINK_HOSTS: ReadonlySet<string> = new Set([
  'www.peruri.co.id',
  'peruri.co.id',
  'apidevportal.aspi-indonesia.or.id',
  'www.bi.go.id',
  'docs.ifortepay.id',
  'ifortepay.id',
  'www.ovo.id',
  'github.com',
])

export function checkExternalUrl(url: string, allowedHosts: ReadonlySet<string> = EXTERNAL_LINK_HOSTS): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new TekenError('EXTERNAL_LINK_REJECTED', 'That link is not a valid URL.', { url })
  }
  if (parsed.protocol !== 'https:') throw new TekenError('EXTERNAL_LINK_REJECTED', 'Only https links can be opened.', { url })
  if (parsed.username || parsed.password) throw new TekenError('EXTERNAL_LINK_REJECTED', 'Links with credentials in them are not opened.', { url })
  if (!allowedHosts.has(parsed.hostname)) {
    throw new TekenError('EXTERNAL_LINK_REJECTED', `Teken does not open links to ${parsed.hostname}.`, { url, host: parsed.hostname })
  }
  return parsed
}

export const isAllowedExternalUrl = (url: string, allowedHosts?: ReadonlySet<string>): boolean => {
  try {
    checkExternalUrl(url, allowedHosts)
    return true
  } catch {
    return false
  }
}

/** Opens a vetted URL in the system browser: Electron's `shell.openExternal`, or a log line headless. */
export type ExternalLinkOpener = (url: string) => Promise<void>
