import type { KeychainStatus } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import type { SecretStore } from '../ports/secret-store'

/** An account name no feature uses: reading it proves the keychain answers without changing anything. */
const PROBE_ACCOUNT = 'teken.keychain-probe'

export interface KeychainService {
  status(): Promise<KeychainStatus>
}

export function createKeychainService(store: SecretStore): KeychainService {
  return {
    async status() {
      const base = { backend: store.backend, service: store.service }
      try {
        await store.get(PROBE_ACCOUNT)
        return { ...base, available: true }
      } catch (error) {
        if (error instanceof TekenError && error.code === 'KEYCHAIN_UNAVAILABLE') return { ...base, available: false, problem: error.message }
        throw error
      }
    },
  }
}
