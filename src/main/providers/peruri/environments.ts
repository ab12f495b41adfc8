import { z } from 'zod'
import { TekenError } from '../../../shared/errors'
import { DEFAULT_PERURI_PATHS, PERURI_OPERATIONS, type PeruriOperation } from './protocol'

/**
 * A Peruri environment as saved in `profiles.json`: where the gateway is, which systemId, the
 * vault item holding the API key, and any per-operation path that differs from the defaults.
 */
export const PeruriEnvironmentSchema = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/ }),
    systemId: z.string().min(1).max(255),
    apiKeyRef: z.string().min(1),
    /** The signer Teken acts for by default. */
    email: z.email().optional(),
    paths: z.partialRecord(z.enum(PERURI_OPERATIONS), z.string().min(1)).optional(),
    /**
     * Where Peruri's web views live (seed 003's `http://url-webview/`: `index.php` and `signing.php`
     * under it). Peruri gives it with the partner contract; until it is set, the web views are
     * unavailable for the environment and the API path is the way.
     */
    webViewBaseUrl: z.url({ protocol: /^https$/ }).optional(),
  })
  .strict()
export type PeruriEnvironment = z.infer<typeof PeruriEnvironmentSchema>

/** The built-in environment: the embedded simulator, always there, the default. */
export const SANDBOX_ENVIRONMENT = 'sandbox'
export const SANDBOX_SYSTEM_ID = 'TEKEN-SANDBOX'
export const SANDBOX_API_KEY_ITEM = 'Peruri sandbox API key'

/** Peruri's development gateway (provider-facts); production's address comes with the partner contract. */
export const PERURI_DEVELOPMENT_BASE_URL = 'https://apgdev.peruri.co.id:9044/gateway/'

/** Seed 003's placeholder host for the web views: shown where an environment has no web view URL yet. */
export const PERURI_WEBVIEW_BASE_URL_PLACEHOLDER = 'https://url-webview/'

/** Which Peruri environment the app's environment switch means when the user has not picked one. */
export const PERURI_ENVIRONMENT_FOR: Record<'sandbox' | 'staging' | 'production', string> = { sandbox: SANDBOX_ENVIRONMENT, staging: 'development', production: 'production' }

export function apiKeyItemName(environment: string): string {
  return `Peruri API key (${environment})`
}

export function pathsOf(environment: Pick<PeruriEnvironment, 'paths'>): Record<PeruriOperation, string> {
  return { ...DEFAULT_PERURI_PATHS, ...environment.paths }
}

/** Gateway bases end in "/" so operation paths resolve under them, not beside them. */
export function normalizeBaseUrl(url: string): string {
  return url.endsWith('/') ? url : `${url}/`
}

export function assertUserEnvironmentName(name: string): void {
  if (name === SANDBOX_ENVIRONMENT) throw new TekenError('PROFILE_INVALID', `"${SANDBOX_ENVIRONMENT}" is the embedded simulator and cannot be redefined; choose another name.`)
  if (!/^[\w.-]{1,64}$/.test(name)) throw new TekenError('PROFILE_INVALID', 'An environment name uses letters, digits, ".", "-" and "_" (at most 64).')
}
