import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { OtpWebhookStatus, ReceivedOtp } from '../../../../shared/contract'
import { valueOrReport, type ReportError } from '../../lib/ipc'

export interface OtpWebhookState {
  status?: OtpWebhookStatus
  busy: boolean
  refresh(): Promise<void>
  start(port: number): Promise<void>
  stop(): Promise<void>
  /** Codes the webhook received since `since` for any of `identifiers`, newest first; undefined after a reported error. */
  received(identifiers: string[], since: number): Promise<ReceivedOtp[] | undefined>
}

/** The app's OTP webhook (SIMAS-ID's contract): its state for the settings card, its codes for the OTP prompt. */
export const createOtpWebhookStore = (api: TekenApi, onError: ReportError) =>
  create<OtpWebhookState>()((set) => {
    async function apply(call: ReturnType<TekenApi['getOtpWebhook']>) {
      set({ busy: true })
      try {
        const status = await valueOrReport(call, onError)
        if (status) set({ status })
      } finally {
        set({ busy: false })
      }
    }
    return {
      busy: false,
      refresh: () => apply(api.getOtpWebhook()),
      start: (port) => apply(api.startOtpWebhook({ port })),
      stop: () => apply(api.stopOtpWebhook()),
      received: async (identifiers, since) => (await valueOrReport(api.receivedOtps({ identifiers, since: new Date(since).toISOString() }), onError))?.codes,
    }
  })
