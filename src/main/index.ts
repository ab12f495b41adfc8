import { join } from 'node:path'
import { app, BrowserWindow, ipcMain, Menu, session, shell } from 'electron'
import { handleAppProtocol, registerAppSchemeAsPrivileged } from './app-protocol'
import { createTekenCore, defaultCoreOptions } from './core/teken-core'
import { electronDesktopPorts } from './electron/desktop-ports'
import { createSenderGuard, registerIpcHandlers } from './ipc'
import { buildMenuTemplate } from './menu'
import { resolveDataDir } from './platform/paths'
import { createConsoleLogger } from './ports/logger'
import { isAppUrl } from './security/app-origin'
import { isAllowedExternalUrl } from './security/external-links'
import { decidePermission } from './security/permissions'
import { createMainWindow, hardenWebContents } from './window'

const log = createConsoleLogger('electron')

registerAppSchemeAsPrivileged()
app.enableSandbox()
// The CLI and the app share one data folder; TEKEN_DATA_DIR moves both.
app.setPath('userData', resolveDataDir())

const openExternalIfAllowed = (url: string): void => {
  if (isAllowedExternalUrl(url)) void shell.openExternal(url)
  else log.warn(`refused to open ${url} outside the app`)
}

/** Peruri web view origins main has handed out; set once the core exists (no frame loads before). */
let isWebViewUrl: (url: string) => boolean = () => false

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternalIfAllowed, log, (url) => isWebViewUrl(url)))

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  const guard = createSenderGuard()
  const preloadPath = join(__dirname, '../preload/index.js')

  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows()
    if (window?.isMinimized()) window.restore()
    window?.focus()
  })

  void app.whenReady().then(() => {
    const core = createTekenCore(
      defaultCoreOptions('electron', {
        version: app.getVersion(),
        dataDir: app.getPath('userData'),
        log,
        openExternal: (url) => shell.openExternal(url),
        desktop: electronDesktopPorts(),
      }),
    )
    isWebViewUrl = (url) => core.services.peruri.isWebViewUrl(url)
    handleAppProtocol(join(__dirname, '../renderer'), () => core.services.peruri.configuredWebViewOrigins())
    registerIpcHandlers(ipcMain, core.router, guard.isTrusted, log)

    const camera = core.services.camera
    session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => {
      const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined
      callback(decidePermission({ permission, mediaTypes, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }, camera, isAppUrl))
    })
    session.defaultSession.setPermissionCheckHandler(() => false)

    Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ isPackaged: app.isPackaged, platform: process.platform })))
    createMainWindow({ preloadPath, guard })
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createMainWindow({ preloadPath, guard })
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
