import { TekenError } from '../../../shared/errors'
import { isTekenParentOrigin, PERURI_WEBVIEW_PAGE, PERURI_WEBVIEW_PARENT_PARAM, type PeruriWebViewKind } from '../../../shared/peruri-webview'
import type { AuditLog } from '../../audit/audit-log'
import type { Clock } from '../../ports/clock'
import type { HttpClient } from '../../ports/http-client'
import type { ProfileStore } from '../../profiles/profile-store'
import type { SandboxHost } from '../../sandbox/sandbox-host'
import type { Vault } from '../../vault/vault'
import {
  apiKeyItemName,
  assertUserEnvironmentName,
  normalizeBaseUrl,
  pathsOf,
  PERURI_WEBVIEW_BASE_URL_PLACEHOLDER,
  PeruriEnvironmentSchema,
  SANDBOX_API_KEY_ITEM,
  SANDBOX_ENVIRONMENT,
  SANDBOX_SYSTEM_ID,
  type PeruriEnvironment,
} from './environments'
import { createPeruriClient, type PeruriClient } from './peruri-client'

export interface PeruriEnvironmentSummary {
  name: string
  baseUrl: string
  systemId: string
  email?: string
  embedded: boolean
}

export interface PeruriServiceOptions {
  vault: Vault
  profiles: ProfileStore
  http: HttpClient
  clock: Clock
  sandboxHost: SandboxHost
  audit: AuditLog
}

/**
 * Peruri environments (the embedded sandbox plus the user's own), one client per environment so its
 * JWT cache lives as long as the app.
 */
export function createPeruriService(options: PeruriServiceOptions) {
  const clients = new Map<string, Promise<PeruriClient>>()
  /** Origins of the web views main has handed to the renderer: the only ones a subframe may load. */
  const webViewOrigins = new Set<string>()

  async function environment(name: string): Promise<PeruriEnvironment & { embedded: boolean }> {
    if (name === SANDBOX_ENVIRONMENT) {
      const { sandbox } = await options.sandboxHost.peruri()
      return { baseUrl: sandbox.gatewayUrl, systemId: SANDBOX_SYSTEM_ID, apiKeyRef: SANDBOX_API_KEY_ITEM, webViewBaseUrl: sandbox.webViewUrl, embedded: true }
    }
    return { ...(await options.profiles.get('peruri', name, PeruriEnvironmentSchema)), embedded: false }
  }

  async function buildClient(name: string): Promise<PeruriClient> {
    const env = await environment(name)
    const { secret } = await options.vault.secret(env.apiKeyRef)
    if (secret.kind !== 'value') throw new TekenError('PROFILE_INVALID', `The vault item "${env.apiKeyRef}" of Peruri environment "${name}" is not an API key.`)
    return createPeruriClient({ endpoint: { name, baseUrl: env.baseUrl, paths: pathsOf(env), apiKey: secret.value, systemId: env.systemId }, http: options.http, clock: options.clock })
  }

  function client(name: string): Promise<PeruriClient> {
    let cached = clients.get(name)
    if (!cached) {
      cached = buildClient(name)
      cached.catch(() => clients.delete(name))
      clients.set(name, cached)
    }
    return cached
  }

  return {
    client,

    /**
     * The URL of one of Peruri's web views (seed 003 §7 activation for an email, §8 signing for an
     * order) and the exact origin its messages must come from. `parentOrigin` (the framing Teken
     * window's origin) is passed to the page as Teken's assumption of how it learns where to post.
     */
    async webView(input: { env: string; kind: PeruriWebViewKind; email?: string; orderId?: string; parentOrigin: string }): Promise<{ url: string; origin: string }> {
      if (!isTekenParentOrigin(input.parentOrigin)) throw new TekenError('INVALID_REQUEST', `${input.parentOrigin} is not the origin of a Teken window.`)
      const env = await environment(input.env)
      if (!env.webViewBaseUrl) {
        throw new TekenError(
          'PROFILE_INVALID',
          `Peruri environment "${input.env}" has no web view URL (Peruri gives it with the partner contract, like ${PERURI_WEBVIEW_BASE_URL_PLACEHOLDER}); set it with env set --web-view-url, or use the API steps.`,
        )
      }
      const url = new URL(PERURI_WEBVIEW_PAGE[input.kind], normalizeBaseUrl(env.webViewBaseUrl))
      if (input.kind === 'activation') {
        if (!input.email) throw new TekenError('INVALID_REQUEST', 'The activation web view needs the signer email.')
        url.searchParams.set('email', input.email)
        url.searchParams.set('systemId', env.systemId)
      } else {
        if (!input.orderId) throw new TekenError('INVALID_REQUEST', 'The signing web view needs the order id.')
        url.searchParams.set('orderId', input.orderId)
      }
      url.searchParams.set(PERURI_WEBVIEW_PARENT_PARAM, input.parentOrigin)
      webViewOrigins.add(url.origin)
      return { url: url.href, origin: url.origin }
    },

    /** Whether a subframe may load `url`: only a web view origin main has handed out. */
    isWebViewUrl(url: string): boolean {
      try {
        const parsed = new URL(url)
        return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && webViewOrigins.has(parsed.origin)
      } catch {
        return false
      }
    },

    /** The exact origins of the web views of the user's own environments, for the renderer's `frame-src`. */
    async configuredWebViewOrigins(): Promise<string[]> {
      const own = await options.profiles.list('peruri')
      return own.flatMap((profile) => {
        const config = PeruriEnvironmentSchema.safeParse(profile.config)
        return config.success && config.data.webViewBaseUrl ? [new URL(config.data.webViewBaseUrl).origin] : []
      })
    },

    async listEnvironments(): Promise<PeruriEnvironmentSummary[]> {
      const own = await options.profiles.list('peruri')
      const parsed = own.flatMap((profile) => {
        const config = PeruriEnvironmentSchema.safeParse(profile.config)
        return config.success ? [{ name: profile.name, baseUrl: config.data.baseUrl, systemId: config.data.systemId, ...(config.data.email ? { email: config.data.email } : {}), embedded: false }] : []
      })
      return [{ name: SANDBOX_ENVIRONMENT, baseUrl: 'embedded', systemId: SANDBOX_SYSTEM_ID, embedded: true }, ...parsed]
    },

    /** Defines or replaces an environment; the API key goes into the vault, never into profiles.json. */
    async setEnvironment(input: { name: string; baseUrl: string; systemId: string; apiKey: string; email?: string; webViewBaseUrl?: string }): Promise<PeruriEnvironmentSummary> {
      assertUserEnvironmentName(input.name)
      const apiKey = input.apiKey.trim()
      if (!apiKey) throw new TekenError('PROFILE_INVALID', 'The API key file is empty.')
      const apiKeyRef = apiKeyItemName(input.name)
      const config = PeruriEnvironmentSchema.parse({
        baseUrl: normalizeBaseUrl(input.baseUrl),
        systemId: input.systemId,
        apiKeyRef,
        ...(input.email ? { email: input.email } : {}),
        ...(input.webViewBaseUrl ? { webViewBaseUrl: normalizeBaseUrl(input.webViewBaseUrl) } : {}),
      })
      await options.vault.remove(apiKeyRef).catch((error: unknown) => {
        if (!(error instanceof TekenError && error.code === 'VAULT_ITEM_NOT_FOUND')) throw error
      })
      await options.vault.addSecret({ name: apiKeyRef, tags: ['peruri', input.name], secret: { type: 'api-key', value: apiKey } })
      await options.profiles.put('peruri', input.name, config)
      clients.delete(input.name)
      await options.audit.append({ action: 'peruri.environment-set', subject: input.name, details: { baseUrl: config.baseUrl, systemId: config.systemId, ...(config.webViewBaseUrl ? { webViewBaseUrl: config.webViewBaseUrl } : {}) } })
      return { name: input.name, baseUrl: config.baseUrl, systemId: config.systemId, ...(config.email ? { email: config.email } : {}), embedded: false }
    },

    /** The default signer email of an environment, if it has one. */
    async defaultEmail(name: string): Promise<string | undefined> {
      return name === SANDBOX_ENVIRONMENT ? undefined : (await environment(name)).email
    },
  }
}

export type PeruriService = ReturnType<typeof createPeruriService>
