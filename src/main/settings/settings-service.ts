import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { DEFAULT_SETTINGS, SettingsSchema, type Settings, type SettingsPatch } from '../../shared/contract'
import { readJsonFile, writeFileAtomic } from '../platform/atomic-file'
import type { Clock } from '../ports/clock'
import type { Logger } from '../ports/logger'

export interface SettingsService {
  get(): Promise<Settings>
  update(patch: SettingsPatch): Promise<Settings>
}

/** Settings live in `settings.json` in the data folder; every write is atomic. */
export function createSettingsService(options: { dataDir: string; clock: Clock; log: Logger }): SettingsService {
  const file = join(options.dataDir, 'settings.json')
  let cached: Settings | undefined

  async function load(): Promise<Settings> {
    const stored = await readJsonFile(file)
    if (!stored) return { ...DEFAULT_SETTINGS }
    const parsed = stored.json
    // Settings written by a newer version may carry fields this one does not know; keep the known
    // ones. A file that is not settings at all is kept aside (nothing is lost) and defaults apply.
    const known = SettingsSchema.partial().safeParse(typeof parsed === 'object' && parsed !== null ? pickKnown(parsed) : undefined)
    if (!known.success) {
      const aside = `${file}.unreadable-${options.clock.now().getTime()}`
      await rename(file, aside)
      options.log.warn(`settings.json could not be read; kept it as ${aside} and restored the defaults`)
      return { ...DEFAULT_SETTINGS }
    }
    return { ...DEFAULT_SETTINGS, ...known.data }
  }

  return {
    async get() {
      cached ??= await load()
      return { ...cached }
    },
    async update(patch) {
      const next = SettingsSchema.parse({ ...(await this.get()), ...patch })
      await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`)
      cached = next
      return { ...next }
    },
  }
}

function pickKnown(value: object): Partial<Record<keyof Settings, unknown>> {
  const result: Partial<Record<keyof Settings, unknown>> = {}
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) if (key in value) result[key] = (value as Record<string, unknown>)[key]
  return result
}
