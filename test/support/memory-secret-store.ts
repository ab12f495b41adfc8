import type { SecretStore } from '../../src/main/ports/secret-store'

/** For tests about something other than the keychain; the keychain itself is tested against gnome-keyring. */
export function createMemorySecretStore(service = 'teken-memory'): SecretStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>()
  return {
    backend: 'memory',
    service,
    entries,
    get: async (account) => entries.get(account) ?? null,
    set: async (account, secret) => void entries.set(account, secret),
    delete: async (account) => entries.delete(account),
  }
}
