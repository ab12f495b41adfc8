import { z } from 'zod'

export const RuntimeSchema = z.enum(['electron', 'web-harness', 'cli'])

export const AppInfoSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    runtime: RuntimeSchema,
    platform: z.string(),
    arch: z.string(),
    versions: z.object({ node: z.string(), electron: z.string().optional(), chrome: z.string().optional() }).strict(),
    dataDir: z.string(),
    startedAt: z.iso.datetime(),
  })
  .strict()
export type AppInfo = z.infer<typeof AppInfoSchema>

export const KeychainStatusSchema = z
  .object({
    available: z.boolean(),
    backend: z.string(),
    service: z.string(),
    /** Why the keychain is unreachable and what to install; absent when available. */
    problem: z.string().optional(),
  })
  .strict()
export type KeychainStatus = z.infer<typeof KeychainStatusSchema>

export const appChannels = {
  getAppInfo: { request: z.undefined(), response: AppInfoSchema },
  getKeychainStatus: { request: z.undefined(), response: KeychainStatusSchema },
  openExternalLink: {
    request: z.object({ url: z.string().max(2048) }).strict(),
    response: z.object({ opened: z.literal(true) }).strict(),
  },
} as const
