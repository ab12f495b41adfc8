import { BrowserWindow, type WebContents, type WebPreferences } from 'electron'
import type { Logger } from './ports/logger'
import { APP_ENTRY_URL } from './security/app-origin'
import type { SenderGuard } from './ipc'

/** The security baseline for every Teken window; nothing may weaken it per window. */
export const BASELINE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
} as const satisfies WebPreferences

/**
 * Applied to every web contents the app creates: no navigation away from the app, no new windows
 * (an allowlisted https link goes to the system browser instead), no `<webview>`. A subframe may
 * load only a Peruri web view whose exact origin main handed out (`isWebViewUrl`); everything else,
 * and any later navigation of such a frame to another origin, is refused.
 */
export function hardenWebContents(contents: WebContents, openExternalIfAllowed: (url: string) => void, log: Logger, isWebViewUrl: (url: string) => boolean = () => false): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault()
    log.warn(`blocked navigation to ${url}`)
  })
  contents.on('will-frame-navigate', (details) => {
    // The top frame is will-navigate's (always refused); subframes are Peruri's web views only.
    if (details.isMainFrame || isWebViewUrl(details.url)) return
    details.preventDefault()
    log.warn(`blocked a frame loading ${details.url}`)
  })
  contents.on('will-redirect', (event, url) => {
    event.preventDefault()
    log.warn(`blocked redirect to ${url}`)
  })
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    log.warn('blocked a <webview>')
  })
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url)
    return { action: 'deny' }
  })
}

export function createMainWindow(options: { preloadPath: string; guard: SenderGuard }): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Teken',
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 640,
    show: false,
    backgroundColor: '#f5f6f8',
    webPreferences: { ...BASELINE_WEB_PREFERENCES, preload: options.preloadPath },
  })
  options.guard.track(window)
  window.once('ready-to-show', () => window.show())
  void window.loadURL(APP_ENTRY_URL)
  return window
}
