import { create } from 'zustand'
import type { AppInfo, KeychainStatus } from '../../../../shared/contract'
import type { TekenApi } from '../../../../shared/api'
import type { IpcError } from '../../../../shared/errors'

export interface SystemState {
  appInfo?: AppInfo
  keychain?: KeychainStatus
  loadAppInfo(): Promise<void>
  checkKeychain(): Promise<void>
  /** Hands an allowlisted https link to the system browser; main refuses anything else. */
  openExternalLink(url: string): Promise<void>
}

/** What main reports about itself: version, runtime, data folder and whether the keychain answers. */
export const createSystemStore = (api: TekenApi, onError: (error: IpcError) => void) =>
  create<SystemState>()((set) => ({
    async loadAppInfo() {
      const result = await api.getAppInfo()
      if (result.ok) set({ appInfo: result.value })
      else onError(result.error)
    },
    async checkKeychain() {
      set({ keychain: undefined })
      const result = await api.getKeychainStatus()
      if (result.ok) set({ keychain: result.value })
      else onError(result.error)
    },
    async openExternalLink(url) {
      const result = await api.openExternalLink({ url })
      if (!result.ok) onError(result.error)
    },
  }))
