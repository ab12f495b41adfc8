import { create } from 'zustand'
import type { AppInfo, KeychainStatus } from '../../../../shared/contract'
import type { TekenApi } from '../../../../shared/api'
import { valueOrReport, type ReportError } from '../../lib/ipc'

export interface SystemState {
  appInfo?: AppInfo
  keychain?: KeychainStatus
  loadAppInfo(): Promise<void>
  checkKeychain(): Promise<void>
  /** Hands an allowlisted https link to the system browser; main refuses anything else. */
  openExternalLink(url: string): Promise<void>
}

/** What main reports about itself: version, runtime, data folder and whether the keychain answers. */
export const createSystemStore = (api: TekenApi, onError: ReportError) =>
  create<SystemState>()((set) => ({
    async loadAppInfo() {
      const appInfo = await valueOrReport(api.getAppInfo(), onError)
      if (appInfo) set({ appInfo })
    },
    async checkKeychain() {
      set({ keychain: undefined })
      const keychain = await valueOrReport(api.getKeychainStatus(), onError)
      if (keychain) set({ keychain })
    },
    async openExternalLink(url) {
      await valueOrReport(api.openExternalLink({ url }), onError)
    },
  }))
