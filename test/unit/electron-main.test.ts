import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { FakeBrowserWindow, FakeWebContents } from '../support/fake-electron'

// Built once, before any import: every module that imports 'electron' must see the same fake.
const electron = await vi.hoisted(async () => ({ fake: (await import('../support/fake-electron')).createFakeElectron() }))
vi.mock('electron', () => electron.fake)

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: Record<string, unknown>) => void

describe('Electron entry (src/main/index.ts)', () => {
  let dataDir: string
  // Vitest clears mock calls before each test, so keep what start-up did.
  let startup: { enableSandbox: number; registerSchemes: number; setPath: unknown[][]; onPermissionRequest: PermissionRequestHandler; onPermissionCheck: () => boolean }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-main-'))
    vi.stubEnv('TEKEN_DATA_DIR', dataDir)
    await import('../../src/main/index')
    await new Promise((resolve) => setTimeout(resolve, 0))
    const { app, protocol, session } = electron.fake
    startup = {
      enableSandbox: app.enableSandbox.mock.calls.length,
      registerSchemes: protocol.registerSchemesAsPrivileged.mock.calls.length,
      setPath: app.setPath.mock.calls,
      onPermissionRequest: session.defaultSession.setPermissionRequestHandler.mock.calls[0]?.[0] as PermissionRequestHandler,
      onPermissionCheck: session.defaultSession.setPermissionCheckHandler.mock.calls[0]?.[0] as () => boolean,
    }
  })
  afterAll(async () => {
    vi.unstubAllEnvs()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('sandboxes every renderer and registers the app scheme before ready', () => {
    expect(startup.enableSandbox).toBe(1)
    expect(startup.registerSchemes).toBe(1)
    expect(startup.setPath).toEqual([['userData', dataDir]])
  })

  it('opens one window with the baseline and registers every IPC channel', () => {
    const [window] = electron.fake.BrowserWindow.created as FakeBrowserWindow[]
    expect(window?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(electron.fake.ipcMain.handlers.size).toBeGreaterThan(0)
  })

  it('denies permission requests, the camera included while the e-KYC screen has not asked', () => {
    for (const [permission, details] of [
      ['notifications', {}],
      ['geolocation', {}],
      ['media', { mediaTypes: ['video'] }],
      ['media', { mediaTypes: ['audio'] }],
    ] as const) {
      const callback = vi.fn()
      startup.onPermissionRequest({}, permission, callback, { requestingUrl: 'app://teken/index.html', isMainFrame: true, ...details })
      expect(callback, permission).toHaveBeenCalledWith(false)
    }
    expect(startup.onPermissionCheck()).toBe(false)
  })

  it('hardens every web contents created later, opening only allowlisted https links outside', () => {
    const contents = { listeners: new Map(), on: vi.fn(), setWindowOpenHandler: vi.fn() } as unknown as FakeWebContents
    electron.fake.app.emit('web-contents-created', {}, contents)
    const openHandler = (contents.setWindowOpenHandler as ReturnType<typeof vi.fn>).mock.calls[0]?.[0] as (details: { url: string }) => { action: string }
    for (const url of ['https://www.peruri.co.id/', 'http://www.peruri.co.id/', 'https://evil.example/', 'file:///etc/passwd']) {
      expect(openHandler({ url })).toEqual({ action: 'deny' })
    }
    expect(electron.fake.shell.openExternal.mock.calls).toEqual([['https://www.peruri.co.id/']])
    const events = (contents.on as ReturnType<typeof vi.fn>).mock.calls.map(([event]) => event)
    expect(events).toEqual(expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']))
  })
})
