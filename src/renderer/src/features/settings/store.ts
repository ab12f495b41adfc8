import { create } from 'zustand'
import { DEFAULT_SETTINGS, type Settings, type SettingsPatch } from '../../../../shared/contract'
import type { TekenApi } from '../../../../shared/api'
import { valueOrReport, type ReportError } from '../../lib/ipc'

export interface SettingsState {
  settings: Settings
  loaded: boolean
  load(): Promise<void>
  update(patch: SettingsPatch): Promise<boolean>
}

/** Settings are owned by main; this store mirrors them and reports failures through `onError`. */
export const createSettingsStore = (api: TekenApi, onError: ReportError) =>
  create<SettingsState>()((set) => ({
    settings: DEFAULT_SETTINGS,
    loaded: false,
    async load() {
      const settings = await valueOrReport(api.getSettings(), onError)
      if (settings) set({ settings, loaded: true })
    },
    async update(patch) {
      const settings = await valueOrReport(api.updateSettings(patch), onError)
      if (settings) set({ settings })
      return settings !== undefined
    },
  }))
