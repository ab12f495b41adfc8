import packageJson from '../../package.json'
import { createTekenCore, defaultCoreOptions, type TekenCore } from '../main/core/teken-core'
import { createConsoleLogger } from '../main/ports/logger'

/**
 * What every CLI command shares: the same core as the desktop app (same data folder, same
 * keychain entries), created on first use so `--help` never touches the keychain.
 */
export interface CliContext {
  core(): TekenCore
  /** Standard output: data for scripts. Diagnostics go to stderr. */
  out(text: string): void
  /** Stops what the core started (the embedded sandboxes, the app's OTP webhook). */
  dispose(): Promise<void>
}

export function createCliContext(): CliContext {
  let core: TekenCore | undefined
  return {
    core() {
      core ??= createTekenCore(
        defaultCoreOptions('cli', {
          version: packageJson.version,
          log: createConsoleLogger('cli'),
          openExternal: async (url) => {
            process.stdout.write(`${url}\n`)
          },
        }),
      )
      return core
    },
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    dispose: async () => {
      await core?.services.sandboxHost.close()
      await core?.services.otpWebhook.close()
    },
  }
}
