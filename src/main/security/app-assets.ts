import { readFile, stat } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.bcmap': 'application/octet-stream',
}

export interface AssetResponse {
  status: number
  headers: Record<string, string>
  body: Uint8Array<ArrayBuffer> | string
}

/**
 * Serves one file of the built renderer for a URL path, for the `app://` protocol and the web
 * harness alike. Paths are resolved inside `rootDir` only; anything escaping it is a 404.
 */
export async function serveAppAsset(rootDir: string, urlPath: string, contentSecurityPolicy: string): Promise<AssetResponse> {
  const security = {
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  }
  let relative: string
  try {
    relative = decodeURIComponent(urlPath.split(/[?#]/)[0] ?? '/')
  } catch {
    return { status: 400, headers: security, body: 'Bad request' }
  }
  if (relative === '/' || relative === '') relative = '/index.html'
  const root = resolve(rootDir)
  const file = resolve(root, `.${relative}`)
  if (relative.includes('\0') || (file !== root && !file.startsWith(root + sep))) return { status: 404, headers: security, body: 'Not found' }
  try {
    if (!(await stat(file)).isFile()) return { status: 404, headers: security, body: 'Not found' }
    const body = await readFile(file)
    return { status: 200, headers: { ...security, 'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream' }, body }
  } catch {
    return { status: 404, headers: security, body: 'Not found' }
  }
}
