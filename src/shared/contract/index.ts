import type { z } from 'zod'
import { appChannels } from './app'
import { auditChannels } from './audit'
import { batchChannels } from './batches'
import { credentialChannels } from './credentials'
import { documentChannels } from './documents'
import { onboardingChannels } from './onboarding'
import { otpChannels } from './otp'
import { partnerChannels } from './partners'
import { peruriChannels } from './peruri'
import { settingsChannels } from './settings'
import { vaultChannels } from './vault'

export interface ChannelSpec {
  request: z.ZodType
  response: z.ZodType
}

/**
 * The one map of every IPC method: name → request and response schemas. Main registers a handler
 * for each, the preload exposes each as `window.teken.<name>`, and both sides validate with these
 * schemas. A domain adds its channels in its own file and spreads them here.
 */
export const ipcContract = {
  ...appChannels,
  ...settingsChannels,
  ...vaultChannels,
  ...credentialChannels,
  ...documentChannels,
  ...peruriChannels,
  ...batchChannels,
  ...onboardingChannels,
  ...otpChannels,
  ...partnerChannels,
  ...auditChannels,
} as const satisfies Record<string, ChannelSpec>

export type IpcContract = typeof ipcContract
export type MethodName = keyof IpcContract
export type RequestOf<M extends MethodName> = z.input<IpcContract[M]['request']>
export type ResponseOf<M extends MethodName> = z.output<IpcContract[M]['response']>

export const methodNames = Object.keys(ipcContract) as MethodName[]

export const channelName = (method: MethodName): `teken:${MethodName}` => `teken:${method}`

export const isMethodName = (value: string): value is MethodName => Object.hasOwn(ipcContract, value)

export * from './app'
export * from './audit'
export * from './batches'
export * from './credentials'
export * from './documents'
export * from './onboarding'
export * from './otp'
export * from './partners'
export * from './peruri'
export * from './settings'
export * from './vault'
