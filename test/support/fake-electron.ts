import { vi } from 'vitest'

type Listener = (...args: unknown[]) => unknown

class Emitter {
  readonly listeners = new Map<string, Listener[]>()
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  once(event: string, listener: Listener) {
    return this.on(event, listener)
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args)
  }
}

export interface FakeFrame {
  url: string
  parent: FakeFrame | null
}

let nextContentsId = 1

export class FakeWebContents extends Emitter {
  readonly id = nextContentsId++
  readonly mainFrame: FakeFrame = { url: 'app://teken/index.html', parent: null }
  windowOpenHandler?: (details: { url: string }) => { action: string }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler
  }
}

export class FakeBrowserWindow extends Emitter {
  static readonly created: FakeBrowserWindow[] = []
  static getAllWindows = () => FakeBrowserWindow.created
  static getFocusedWindow = (): FakeBrowserWindow | null => null
  readonly webContents = new FakeWebContents()
  readonly loadURL = vi.fn(async (_url: string) => undefined)
  readonly show = vi.fn()
  constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    super()
    FakeBrowserWindow.created.push(this)
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, (event: unknown, request: unknown) => unknown>()
  handle(channel: string, handler: (event: unknown, request: unknown) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, handler)
  }
}

/** An IPC event as Electron builds it: the sending web contents and the frame inside it. */
export function ipcEvent(contents: FakeWebContents, frame: FakeFrame = contents.mainFrame) {
  return { sender: contents, senderFrame: frame }
}

export function createFakeElectron() {
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    enableSandbox: vi.fn(),
    setPath: vi.fn(),
    getPath: vi.fn((_name: string) => process.env.TEKEN_DATA_DIR ?? '/tmp/teken-fake'),
    getVersion: () => '0.0.0-test',
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    quit: vi.fn(),
  })
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: new FakeIpcMain(),
    shell: { openExternal: vi.fn(async (_url: string) => undefined), openPath: vi.fn(async (_path: string) => '') },
    clipboard: { writeText: vi.fn(async () => undefined), readText: vi.fn(async () => ''), clear: vi.fn() },
    dialog: { showSaveDialog: vi.fn(async () => ({ canceled: true })), showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })), showMessageBox: vi.fn(async () => ({ response: 0 })) },
    Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
  }
}
