import type { AppInfo } from '../../shared/contract'
import { createAppInfoService } from '../app-info/app-info-service'
import { createKeychainService } from '../keychain/keychain-service'
import { resolveDataDir } from '../platform/paths'
import { systemClock, type Clock } from '../ports/clock'
import { createKeytarSecretStore } from '../ports/keytar-secret-store'
import { createConsoleLogger, type Logger } from '../ports/logger'
import { keychainServiceFromEnv, type SecretStore } from '../ports/secret-store'
import { checkExternalUrl, type ExternalLinkOpener } from '../security/external-links'
import { createSettingsService } from '../settings/settings-service'
import { createRouter, type Handlers, type Router } from './router'

export interface CoreOptions {
  runtime: AppInfo['runtime']
  version: string
  dataDir: string
  secretStore: SecretStore
  clock: Clock
  log: Logger
  openExternal: ExternalLinkOpener
}

/**
 * Main's services, built once per process from its ports. The Electron app, the web harness and
 * the CLI all start here, so they share one data folder, one keychain and one set of rules.
 */
export function createTekenCore(options: CoreOptions) {
  const services = {
    appInfo: createAppInfoService(options),
    keychain: createKeychainService(options.secretStore),
    settings: createSettingsService(options),
  }

  const handlers: Handlers = {
    getAppInfo: async () => services.appInfo.get(),
    getKeychainStatus: () => services.keychain.status(),
    openExternalLink: async ({ url }) => {
      await options.openExternal(checkExternalUrl(url).href)
      return { opened: true }
    },
    getSettings: () => services.settings.get(),
    updateSettings: (patch) => services.settings.update(patch),
  }

  const router: Router = createRouter(handlers, options.log)
  return { services, router }
}

export type TekenCore = ReturnType<typeof createTekenCore>

/** The real ports, configured from the environment (`TEKEN_DATA_DIR`, `TEKEN_KEYCHAIN_SERVICE`). */
export function defaultCoreOptions(
  runtime: AppInfo['runtime'],
  overrides: Partial<CoreOptions> & Pick<CoreOptions, 'version' | 'openExternal'>,
  env: NodeJS.ProcessEnv = process.env,
): CoreOptions {
  return {
    runtime,
    dataDir: resolveDataDir(env),
    secretStore: createKeytarSecretStore(keychainServiceFromEnv(env)),
    clock: systemClock,
    log: createConsoleLogger(runtime),
    ...overrides,
  }
}
