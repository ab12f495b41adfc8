import { join } from 'node:path'
import { z } from 'zod'
import { TekenError } from '../../shared/errors'
import { readJsonFile, writeFileAtomic } from '../platform/atomic-file'
import { oneAtATime } from '../platform/one-at-a-time'

/** Which provider a profile configures; each provider module owns the schema of its `config`. */
export const PROFILE_PROVIDERS = ['peruri', 'snap', 'simas', 'myvalue'] as const
export type ProfileProvider = (typeof PROFILE_PROVIDERS)[number]

const StoredProfileSchema = z.object({ provider: z.enum(PROFILE_PROVIDERS), name: z.string().min(1), config: z.record(z.string(), z.unknown()) }).strict()
const ProfilesFileSchema = z.object({ version: z.literal(1), profiles: z.array(StoredProfileSchema) }).strict()
export type StoredProfile = z.infer<typeof StoredProfileSchema>

/**
 * Provider profiles and environments (base URLs, client ids, path maps, and the *names* of vault
 * items that hold their secrets) in `profiles.json`. No secret is ever written here.
 */
export function createProfileStore(options: { dataDir: string }) {
  const file = join(options.dataDir, 'profiles.json')
  const exclusive = oneAtATime()

  async function load(): Promise<StoredProfile[]> {
    const stored = await readJsonFile(file)
    if (!stored) return []
    const parsed = ProfilesFileSchema.safeParse(stored.json)
    if (!parsed.success) throw new TekenError('PROFILE_INVALID', `${file} is not a Teken profiles file; fix or remove it.`)
    return parsed.data.profiles
  }

  const save = (profiles: StoredProfile[]) => writeFileAtomic(file, `${JSON.stringify({ version: 1, profiles }, null, 2)}\n`)

  return {
    async list(provider?: ProfileProvider): Promise<StoredProfile[]> {
      return (await load()).filter((profile) => !provider || profile.provider === provider)
    },

    /** The profile's config, checked against the provider's schema. */
    async get<T extends z.ZodType>(provider: ProfileProvider, name: string, schema: T): Promise<z.infer<T>> {
      const found = (await load()).find((profile) => profile.provider === provider && profile.name === name)
      if (!found) throw new TekenError('PROFILE_NOT_FOUND', `There is no ${provider} profile named "${name}".`, { provider, name })
      return parseProfileConfig(schema, found.config, `${provider} profile "${name}"`)
    },

    /** Creates or replaces the profile of that name. */
    put(provider: ProfileProvider, name: string, config: Record<string, unknown>): Promise<void> {
      return exclusive(async () => {
        const others = (await load()).filter((profile) => !(profile.provider === provider && profile.name === name))
        await save([...others, { provider, name, config }])
      })
    },

    remove(provider: ProfileProvider, name: string): Promise<boolean> {
      return exclusive(async () => {
        const profiles = await load()
        const kept = profiles.filter((profile) => !(profile.provider === provider && profile.name === name))
        if (kept.length === profiles.length) return false
        await save(kept)
        return true
      })
    },
  }
}

export type ProfileStore = ReturnType<typeof createProfileStore>

export function parseProfileConfig<T extends z.ZodType>(schema: T, config: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(config)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new TekenError('PROFILE_INVALID', `The ${what} is not valid: ${issue?.path.join('.') || 'config'}: ${issue?.message}.`)
  }
  return parsed.data
}
