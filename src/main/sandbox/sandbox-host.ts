import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { TekenError } from '../../shared/errors'
import type { Clock } from '../ports/clock'
import { SANDBOX_API_KEY_ITEM, SANDBOX_SYSTEM_ID } from '../providers/peruri/environments'
import type { Vault } from '../vault/vault'
import { startPeruriSandbox, type PeruriSandbox } from './peruri/peruri-sandbox'

/**
 * The embedded simulators of the Sandbox environment, started in-process on first use (a random
 * loopback port) and keeping their state in the data folder's `sandbox/`. Its API key is a real
 * vault item, so the sandbox exercises the same credential path as production.
 */
export function createSandboxHost(options: { dataDir: string; clock: Clock; vault: Vault }) {
  let peruri: Promise<{ sandbox: PeruriSandbox; apiKey: string }> | undefined

  async function sandboxApiKey(): Promise<string> {
    try {
      const { secret } = await options.vault.secret(SANDBOX_API_KEY_ITEM)
      if (secret.kind === 'value') return secret.value
    } catch (error) {
      // Not created yet: the first start makes one. Anything else (no keychain) is the user's to see.
      if (!(error instanceof TekenError && error.code === 'VAULT_ITEM_NOT_FOUND')) throw error
    }
    const apiKey = randomUUID()
    await options.vault.addSecret({ name: SANDBOX_API_KEY_ITEM, tags: ['peruri', 'sandbox'], secret: { type: 'api-key', value: apiKey } })
    return apiKey
  }

  return {
    stateDir: (provider: 'peruri') => join(options.dataDir, 'sandbox', provider),
    /** The running embedded Peruri sandbox and the API key it accepts. */
    peruri(): Promise<{ sandbox: PeruriSandbox; apiKey: string }> {
      peruri ??= (async () => {
        const apiKey = await sandboxApiKey()
        const sandbox = await startPeruriSandbox({ stateDir: join(options.dataDir, 'sandbox', 'peruri'), clock: options.clock, systems: [{ apiKey, systemId: SANDBOX_SYSTEM_ID }] })
        return { sandbox, apiKey }
      })().catch((error: unknown) => {
        peruri = undefined
        throw error
      })
      return peruri
    },
    async close(): Promise<void> {
      const running = peruri
      peruri = undefined
      if (running) await (await running).sandbox.close()
    },
  }
}

export type SandboxHost = ReturnType<typeof createSandboxHost>
