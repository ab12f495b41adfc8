import { create } from 'zustand'

export interface Toast {
  id: number
  kind: 'info' | 'error'
  title: string
  detail?: string
}

export interface ToastState {
  toasts: Toast[]
  push(toast: Omit<Toast, 'id'>): void
  dismiss(id: number): void
}

const INFO_TOAST_MS = 5_000

/** Info toasts fade on their own; error toasts stay until dismissed, so nobody misses a failure. */
export const createToastStore = () =>
  create<ToastState>()((set, get) => {
    let nextId = 1
    return {
      toasts: [],
      push(toast) {
        const id = nextId++
        set({ toasts: [...get().toasts, { ...toast, id }] })
        if (toast.kind === 'info') setTimeout(() => get().dismiss(id), INFO_TOAST_MS)
      },
      dismiss(id) {
        set({ toasts: get().toasts.filter((toast) => toast.id !== id) })
      },
    }
  })
