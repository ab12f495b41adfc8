import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { OtpWebhookStatus, ReceivedOtp, VaultSecretField } from '../../../../shared/contract'
import { busyWhile } from '../../lib/busy'
import { valueOrReport, type ReportError } from '../../lib/ipc'

export interface OtpWebhookState {
  status?: OtpWebhookStatus
  busy: boolean
  refresh(): Promise<void>
  start(port: number): Promise<void>
  stop(): Promise<void>
  /** Main copies a half of the webhook's Basic-auth login (its vault item, made first if missing) to the clipboard; resolves with the seconds until it is cleared. */
  copyCredential(field: VaultSecretField): Promise<number | undefined>
  /** Main shows a half of the webhook's Basic-auth login in a window it owns. */
  revealCredential(field: VaultSecretField): Promise<boolean>
  /** Codes the webhook received since `since` for any of `identifiers`, newest first; undefined after a reported error. */
  received(identifiers: string[], since: number): Promise<ReceivedOtp[] | undefined>
}

/** The app's OTP webhook (SIMAS-ID's contract): its state for the settings card, its codes for the OTP prompt. */
export const createOtpWebhookStore = (api: TekenApi, onError: ReportError, onVaultChanged: () => Promise<void> = async () => undefined) =>
  create<OtpWebhookState>()((set) => {
    /** The webhook's vault item, created by main on the first ask; the password itself stays in main. */
    async function credentialsItem(): Promise<string | undefined> {
      const ensured = await valueOrReport(api.ensureOtpWebhookCredentials(), onError)
      if (ensured?.created) await onVaultChanged()
      return ensured?.id
    }
    const run = busyWhile(set)
    const apply = (call: ReturnType<TekenApi['getOtpWebhook']>) =>
      run(async () => {
        const status = await valueOrReport(call, onError)
        if (status) set({ status })
      })
    return {
      busy: false,
      refresh: () => apply(api.getOtpWebhook()),
      start: (port) => apply(api.startOtpWebhook({ port })),
      stop: () => apply(api.stopOtpWebhook()),
      copyCredential: async (field) => {
        const id = await credentialsItem()
        return id === undefined ? undefined : (await valueOrReport(api.copyVaultSecret({ id, field }), onError))?.clearsAfterSeconds
      },
      revealCredential: async (field) => {
        const id = await credentialsItem()
        return id !== undefined && (await valueOrReport(api.revealVaultSecret({ id, field }), onError)) !== undefined
      },
      received: async (identifiers, since) => (await valueOrReport(api.receivedOtps({ identifiers, since: new Date(since).toISOString() }), onError))?.codes,
    }
  })
