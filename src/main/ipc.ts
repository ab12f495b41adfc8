import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron'
import { channelName, methodNames } from '../shared/contract'
import type { IpcResult } from '../shared/errors'
import type { Router } from './core/router'
import type { Logger } from './ports/logger'
import { isAppUrl } from './security/app-origin'

/**
 * Decides whether an IPC message comes from Teken itself: the top-level frame of a window Teken
 * created, showing Teken's own origin. Subframes (provider web views), other windows and pages that
 * somehow navigated elsewhere are all foreign.
 */
export function createSenderGuard() {
  const windowContentsIds = new Set<number>()
  return {
    track(window: BrowserWindow): void {
      const id = window.webContents.id
      windowContentsIds.add(id)
      window.on('closed', () => windowContentsIds.delete(id))
    },
    isTrusted(event: IpcMainInvokeEvent): boolean {
      const frame = event.senderFrame
      if (!frame || frame !== event.sender.mainFrame || frame.parent !== null) return false
      return windowContentsIds.has(event.sender.id) && isAppUrl(frame.url)
    },
  }
}

export type SenderGuard = ReturnType<typeof createSenderGuard>

const FORBIDDEN: IpcResult<never> = { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'This request did not come from a Teken window.' } }

/** One `ipcMain.handle` per contract method, each checking the sender before the router validates. */
export function registerIpcHandlers(ipcMain: IpcMain, router: Router, isTrustedSender: (event: IpcMainInvokeEvent) => boolean, log: Logger): void {
  for (const method of methodNames) {
    ipcMain.handle(channelName(method), (event, request: unknown) => {
      if (!isTrustedSender(event)) {
        log.warn(`rejected ${method} from a foreign sender (${event.senderFrame?.url ?? 'no frame'})`)
        return FORBIDDEN
      }
      return router.dispatch(method, request)
    })
  }
}
