/**
 * The OS keychain, reduced to what Teken needs. Implementations must fail with a
 * `KEYCHAIN_UNAVAILABLE` TekenError that names what is missing, and never fall back to plaintext.
 */
export interface SecretStore {
  /** Which backend and which keychain service name the secrets live under. */
  readonly backend: string
  readonly service: string
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>
}

export const DEFAULT_KEYCHAIN_SERVICE = 'teken'

/** `TEKEN_KEYCHAIN_SERVICE` lets tests and scripts isolate themselves from the user's real entries. */
export const keychainServiceFromEnv = (env: NodeJS.ProcessEnv): string => env.TEKEN_KEYCHAIN_SERVICE?.trim() || DEFAULT_KEYCHAIN_SERVICE
