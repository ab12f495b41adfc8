import { create } from 'zustand'
import { DEFAULT_SETTINGS, type Settings, type SettingsPatch } from '../../../../shared/contract'
import type { TekenApi } from '../../../../shared/api'
import type { IpcError } from '../../../../shared/errors'

export interface SettingsState {
  settings: Settings
  loaded: boolean
  load(): Promise<void>
  update(patch: SettingsPatch): Promise<boolean>
}

/** Settings are owned by main; this store mirrors them and reports failures through `onError`. */
export const createSettingsStore = (api: TekenApi, onError: (error: IpcError) => void) =>
  create<SettingsState>()((set) => ({
    settings: DEFAULT_SETTINGS,
    loaded: false,
    async load() {
      const result = await api.getSettings()
      if (result.ok) set({ settings: result.value, loaded: true })
      else onError(result.error)
    },
    async update(patch) {
      const result = await api.updateSettings(patch)
      if (!result.ok) {
        onError(result.error)
        return false
      }
      set({ settings: result.value })
      return true
    },
  }))
