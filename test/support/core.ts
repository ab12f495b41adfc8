import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTekenCore, defaultCoreOptions, type CoreOptions, type TekenCore } from '../../src/main/core/teken-core'
import { createKeytarSecretStore } from '../../src/main/ports/keytar-secret-store'
import type { Logger } from '../../src/main/ports/logger'
import { VAULT_KEY_ACCOUNT } from '../../src/main/vault/vault'
import type { IpcResult } from '../../src/shared/errors'

export interface TestCore {
  core: TekenCore
  dataDir: string
  keychainService: string
  /** Links main was asked to open in the system browser. */
  openedLinks: string[]
  logLines: string[]
  dispose(): Promise<void>
}

/**
 * A real main core (real keytar, real files) isolated in a temp data folder and a keychain service
 * name of its own, exactly as `TEKEN_DATA_DIR` / `TEKEN_KEYCHAIN_SERVICE` isolate scripts. `dispose`
 * removes both.
 */
export async function createTestCore(runtime: 'web-harness' | 'cli' = 'web-harness', overrides: Partial<CoreOptions> = {}): Promise<TestCore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'teken-test-'))
  const keychainService = `teken-test-${randomBytes(6).toString('hex')}`
  const openedLinks: string[] = []
  const logLines: string[] = []
  const log: Logger = {
    info: (message) => void logLines.push(`info ${message}`),
    warn: (message) => void logLines.push(`warn ${message}`),
    error: (message, error) => void logLines.push(`error ${message} ${String(error)}`),
  }
  const core = createTekenCore(
    defaultCoreOptions(runtime, { version: '0.0.0-test', log, openExternal: async (url) => void openedLinks.push(url), ...overrides }, { TEKEN_DATA_DIR: dataDir, TEKEN_KEYCHAIN_SERVICE: keychainService }),
  )
  async function dispose() {
    // Batch runs and an embedded sandbox keep their state in the data folder: stop them first.
    await core.services.batches.close()
    await core.services.sandboxHost.close()
    await core.services.otpWebhook.close()
    await rm(dataDir, { recursive: true, force: true })
    // The vault's key lives in the OS keychain under this core's own service name.
    await createKeytarSecretStore(keychainService).delete(VAULT_KEY_ACCOUNT)
  }
  return { core, dataDir, keychainService, openedLinks, logLines, dispose }
}

/**
 * Requests through a core's router, exactly as the renderer's arrive: `call` answers with the
 * IpcResult, `value` with the value or throws naming the error. `onAnswer` sees every answer.
 */
export function routerCalls(testCore: () => TestCore, onAnswer?: (answer: IpcResult<unknown>) => void) {
  const call = async <T = unknown>(method: string, request?: unknown): Promise<IpcResult<T>> => {
    const answer = (await testCore().core.router.dispatch(method, request)) as IpcResult<T>
    onAnswer?.(answer)
    return answer
  }
  const value = async <T = unknown>(method: string, request?: unknown): Promise<T> => {
    const result = await call<T>(method, request)
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`)
    return result.value
  }
  return { call, value }
}
