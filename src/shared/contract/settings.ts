import { z } from 'zod'

export const LANGUAGES = ['id', 'en'] as const
export const LanguageSchema = z.enum(LANGUAGES)
export type Language = z.infer<typeof LanguageSchema>

/**
 * Which endpoints providers are called on. `sandbox` is the embedded simulators (the default, so a
 * new user can try every flow); `staging` is each provider's test service; `production` signs for real.
 */
export const ENVIRONMENTS = ['sandbox', 'staging', 'production'] as const
export const EnvironmentSchema = z.enum(ENVIRONMENTS)
export type Environment = z.infer<typeof EnvironmentSchema>

export const SettingsSchema = z
  .object({
    language: LanguageSchema,
    environment: EnvironmentSchema,
  })
  .strict()
export type Settings = z.infer<typeof SettingsSchema>

export const DEFAULT_SETTINGS: Settings = { language: 'id', environment: 'sandbox' }

export const SettingsPatchSchema = SettingsSchema.partial().strict()
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>

export const settingsChannels = {
  getSettings: { request: z.undefined(), response: SettingsSchema },
  updateSettings: { request: SettingsPatchSchema, response: SettingsSchema },
} as const
