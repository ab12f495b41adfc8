import { homedir } from 'node:os'
import { join } from 'node:path'

export const PRODUCT_NAME = 'Teken'

/**
 * The app's data folder, computed the way Electron computes `app.getPath('userData')`, so the CLI
 * and the web harness (which run without Electron) share the desktop app's folder. `TEKEN_DATA_DIR`
 * overrides it for tests and scripts.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env.TEKEN_DATA_DIR?.trim()) return env.TEKEN_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), PRODUCT_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME)
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), PRODUCT_NAME)
}
