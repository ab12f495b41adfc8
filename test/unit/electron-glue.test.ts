import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createRouter, type Handlers } from '../../src/main/core/router'
import { channelName, methodNames } from '../../src/shared/contract'
import { FakeBrowserWindow, FakeIpcMain, FakeWebContents, ipcEvent } from '../support/fake-electron'

// Built once, before any import: every module that imports 'electron' must see the same fake.
const electron = await vi.hoisted(async () => ({ fake: (await import('../support/fake-electron')).createFakeElectron() }))
vi.mock('electron', () => electron.fake)

const { BASELINE_WEB_PREFERENCES, createMainWindow, hardenWebContents } = await import('../../src/main/window')
const { createSenderGuard, registerIpcHandlers } = await import('../../src/main/ipc')
const { handleAppProtocol, registerAppSchemeAsPrivileged } = await import('../../src/main/app-protocol')
const { buildMenuTemplate } = await import('../../src/main/menu')

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }

describe('main window', () => {
  it('is created with the security baseline and the preload, and loads the app origin', () => {
    const guard = createSenderGuard()
    const window = createMainWindow({ preloadPath: '/app/out/preload/index.js', guard }) as unknown as FakeBrowserWindow
    const prefs = window.options.webPreferences
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false })
    expect(prefs).toEqual({ ...BASELINE_WEB_PREFERENCES, preload: '/app/out/preload/index.js' })
    expect(prefs).not.toHaveProperty('enableRemoteModule')
    expect(window.loadURL).toHaveBeenCalledWith('app://teken/index.html')
    expect(guard.isTrusted(ipcEvent(window.webContents) as never)).toBe(true)
  })
})

describe('web contents hardening', () => {
  const hardened = () => {
    const contents = new FakeWebContents()
    const openExternal = vi.fn()
    hardenWebContents(contents as never, openExternal, log)
    return { contents, openExternal }
  }

  it('denies every navigation and redirect', () => {
    const { contents } = hardened()
    for (const event of ['will-navigate', 'will-redirect']) {
      const preventDefault = vi.fn()
      contents.emit(event, { preventDefault }, 'https://evil.example/')
      expect(preventDefault, event).toHaveBeenCalledOnce()
    }
  })

  it("lets a subframe load only a Peruri web view origin main handed out; the top frame stays will-navigate's", () => {
    const contents = new FakeWebContents()
    const handedOut = new Set(['http://127.0.0.1:4321'])
    hardenWebContents(contents as never, vi.fn(), log, (url) => handedOut.has(new URL(url).origin))
    const frameNavigation = (url: string, isMainFrame: boolean) => {
      const preventDefault = vi.fn()
      contents.emit('will-frame-navigate', { url, isMainFrame, preventDefault })
      return preventDefault
    }
    expect(frameNavigation('http://127.0.0.1:4321/webview/signing.php?orderId=3001', false)).not.toHaveBeenCalled()
    for (const url of ['http://127.0.0.1:4322/webview/signing.php', 'https://evil.example/', 'app://teken/index.html', 'about:blank', 'data:text/html,hi']) expect(frameNavigation(url, false), url).toHaveBeenCalledOnce()
    expect(frameNavigation('https://evil.example/', true)).not.toHaveBeenCalled()
    // Without the check (the default), no subframe loads at all.
    const bare = hardened().contents
    const preventDefault = vi.fn()
    bare.emit('will-frame-navigate', { url: 'http://127.0.0.1:4321/webview/index.php', isMainFrame: false, preventDefault })
    expect(preventDefault).toHaveBeenCalledOnce()
  })

  it('denies <webview>', () => {
    const { contents } = hardened()
    const preventDefault = vi.fn()
    contents.emit('will-attach-webview', { preventDefault }, {}, {})
    expect(preventDefault).toHaveBeenCalledOnce()
  })

  it('denies every new window and hands the URL to the allowlist check instead', () => {
    const { contents, openExternal } = hardened()
    expect(contents.windowOpenHandler?.({ url: 'https://www.peruri.co.id/' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(openExternal.mock.calls).toEqual([['https://www.peruri.co.id/'], ['javascript:alert(1)']])
  })
})

describe('IPC registration', () => {
  const setup = () => {
    const ipcMain = new FakeIpcMain()
    const updateSettings = vi.fn(async () => ({ language: 'en' as const, environment: 'sandbox' as const }))
    const handlers = { getSettings: async () => ({ language: 'id', environment: 'sandbox' }), updateSettings } as unknown as Handlers
    const guard = createSenderGuard()
    registerIpcHandlers(ipcMain as never, createRouter(handlers, log), guard.isTrusted, log)
    const window = new FakeBrowserWindow({ webPreferences: {} })
    guard.track(window as never)
    const invoke = async (event: unknown, request?: unknown) => ipcMain.handlers.get(channelName('updateSettings'))!(event, request)
    return { ipcMain, window, invoke, updateSettings }
  }

  it('registers exactly one handler per contract method', () => {
    const { ipcMain } = setup()
    expect([...ipcMain.handlers.keys()].sort()).toEqual(methodNames.map(channelName).sort())
  })

  it('accepts the top-level app frame of a window it created', async () => {
    const { window, invoke } = setup()
    await expect(invoke(ipcEvent(window.webContents), { language: 'en' })).resolves.toEqual({ ok: true, value: { language: 'en', environment: 'sandbox' } })
  })

  it('rejects a foreign sender: a subframe, another web contents, a foreign origin, a closed window', async () => {
    const { window, invoke, updateSettings } = setup()
    const subframe = { url: 'app://teken/index.html', parent: window.webContents.mainFrame }
    const stranger = new FakeWebContents()
    const foreign = { ...window.webContents.mainFrame }
    const events = [
      ipcEvent(window.webContents, subframe),
      ipcEvent(stranger),
      { sender: window.webContents, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: window.webContents, senderFrame: null },
      { sender: window.webContents, senderFrame: foreign },
    ]
    for (const event of events) {
      await expect(invoke(event, { language: 'en' })).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } })
    }
    window.emit('closed')
    await expect(invoke(ipcEvent(window.webContents), { language: 'en' })).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } })
    expect(updateSettings).not.toHaveBeenCalled()
  })

  it('rejects an invalid payload from a trusted sender', async () => {
    const { window, invoke, updateSettings } = setup()
    for (const payload of [{ language: 'fr' }, { language: 'en', admin: true }, 'en', null]) {
      await expect(invoke(ipcEvent(window.webContents), payload)).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    }
    expect(updateSettings).not.toHaveBeenCalled()
  })
})

describe('app:// protocol', () => {
  let rendererDir: string
  beforeAll(async () => {
    rendererDir = await mkdtemp(join(tmpdir(), 'teken-renderer-'))
    await mkdir(join(rendererDir, 'assets'))
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Teken</title>')
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  })
  afterAll(() => rm(rendererDir, { recursive: true, force: true }))

  it('is registered as a standard, secure scheme', () => {
    registerAppSchemeAsPrivileged()
    expect(electron.fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ])
  })

  it('serves the renderer with the strict CSP and nothing outside it', async () => {
    handleAppProtocol(rendererDir)
    const handler = electron.fake.protocol.handle.mock.calls.at(-1)?.[1] as (request: Request) => Promise<Response>
    const index = await handler(new Request('app://teken/index.html'))
    expect(index.status).toBe(200)
    expect(index.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'; worker-src 'self' blob:/)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect((await handler(new Request('app://teken/assets/app.js'))).headers.get('content-type')).toMatch(/javascript/)
    expect((await handler(new Request('app://teken/%2e%2e/%2e%2e/etc/passwd'))).status).toBe(404)
    expect((await handler(new Request('app://elsewhere/index.html'))).status).toBe(404)
    expect((await handler(new Request('app://teken/index.html', { method: 'POST', body: 'x' }))).status).toBe(404)
  })
})

describe('menu', () => {
  const roles = (template: ReturnType<typeof buildMenuTemplate>) => JSON.stringify(template)
  it('offers developer tools only in unpackaged builds', () => {
    expect(roles(buildMenuTemplate({ isPackaged: false, platform: 'linux' }))).toContain('toggleDevTools')
    expect(roles(buildMenuTemplate({ isPackaged: true, platform: 'linux' }))).not.toContain('toggleDevTools')
    expect(roles(buildMenuTemplate({ isPackaged: true, platform: 'darwin' }))).toContain('appMenu')
  })
})
