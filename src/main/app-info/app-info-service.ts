import type { AppInfo } from '../../shared/contract'
import type { Clock } from '../ports/clock'

export interface AppInfoService {
  get(): AppInfo
}

export function createAppInfoService(options: { version: string; runtime: AppInfo['runtime']; dataDir: string; clock: Clock }): AppInfoService {
  const startedAt = options.clock.now().toISOString()
  return {
    get: () => ({
      name: 'Teken',
      version: options.version,
      runtime: options.runtime,
      platform: process.platform,
      arch: process.arch,
      versions: { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome },
      dataDir: options.dataDir,
      startedAt,
    }),
  }
}
