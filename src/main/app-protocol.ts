import { protocol } from 'electron'
import { APP_HOST, APP_SCHEME } from './security/app-origin'
import { serveAppAsset } from './security/app-assets'
import { buildContentSecurityPolicy, webViewFrameSources } from './security/csp'

/** Must run before `app.ready`: Chromium fixes scheme privileges at start-up. */
export function registerAppSchemeAsPrivileged(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }])
}

/**
 * Serves the built renderer under `app://teken/`, every response carrying the CSP header. Its
 * `frame-src` names Peruri's web views: the embedded sandbox's loopback and, read at each load,
 * the exact origins of the user's own environments' web views.
 */
export function handleAppProtocol(rendererDir: string, configuredWebViewOrigins: () => Promise<string[]> = async () => []): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST || request.method !== 'GET') return new Response('Not found', { status: 404 })
    const configured = await configuredWebViewOrigins().catch(() => [])
    const csp = buildContentSecurityPolicy([], webViewFrameSources(configured))
    const asset = await serveAppAsset(rendererDir, url.pathname, csp)
    return new Response(asset.body, { status: asset.status, headers: asset.headers })
  })
}
