import { create } from 'zustand'

export const SCREENS = ['documents', 'batches', 'keys', 'providers', 'partners', 'audit', 'settings'] as const
export type Screen = (typeof SCREENS)[number]

export interface NavigationState {
  screen: Screen
  go(screen: Screen): void
}

export const createNavigationStore = () =>
  create<NavigationState>()((set) => ({
    screen: 'documents',
    go: (screen) => set({ screen }),
  }))
