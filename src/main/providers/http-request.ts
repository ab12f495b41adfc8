import type { HttpRequest } from '../ports/http-client'

/**
 * A request as a curl command, ready to paste. `shellValues` replaces a header's value with text
 * the shell expands (`Bearer $SNAP_ACCESS_TOKEN`), so a bearer token never goes to the clipboard.
 */
export function curlCommand(request: Pick<HttpRequest, 'method' | 'url' | 'headers'>, body: string, shellValues: Record<string, string> = {}): string {
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`
  const headers = Object.entries(request.headers ?? {}).map(([name, value]) => (name in shellValues ? `-H "${name}: ${shellValues[name]}"` : `-H ${quote(`${name}: ${value}`)}`))
  return [`curl -X ${request.method} ${quote(request.url)}`, ...headers, ...(body ? [`--data-raw ${quote(body)}`] : [])].join(' \\\n  ')
}

/** A provider's base URL and a path below it, with exactly one slash between them. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}
