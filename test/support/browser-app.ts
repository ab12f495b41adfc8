import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startWebHarness, type WebHarness } from '../../src/dev/web-harness'
import type { CoreOptions } from '../../src/main/core/teken-core'
import { launchChromium } from './chromium'
import { createTestCore, type TestCore } from './core'

export interface AppPage {
  page: Page
  /** Console errors and warnings (CSP violations included) and uncaught exceptions: tests expect none. */
  consoleProblems: string[]
  /** Every WebSocket frame main sent this page: what crossed the IPC boundary, for secret scans. */
  framesToPage: string[]
}

export interface BrowserApp {
  testCore: TestCore
  harness: WebHarness
  browser: Browser
  /** A fresh tab on the app, watched, with the shell loaded. */
  openPage(options?: { viewport?: { width: number; height: number } }): Promise<AppPage>
  close(): Promise<void>
}

/**
 * The built renderer (`TEKEN_BUILD_DIR`/renderer, default out/renderer) in Debian's Chromium, `window.teken` bridged to a real main core of its own.
 * `coreOverrides` replace that core's ports, e.g. desktop ports that record what main put on the clipboard;
 * `browserOptions` can give Chromium a camera.
 */
export async function startBrowserApp(coreOverrides: Partial<CoreOptions> = {}, browserOptions: Parameters<typeof launchChromium>[0] = {}): Promise<BrowserApp> {
  const testCore = await createTestCore('web-harness', coreOverrides)
  const harness = await startWebHarness({ rendererDir: resolve(process.env.TEKEN_BUILD_DIR ?? 'out', 'renderer'), router: testCore.core.router, log: { info() {}, warn() {}, error() {} } })
  const browser = await launchChromium(browserOptions)
  return {
    testCore,
    harness,
    browser,
    async openPage(options = {}) {
      const page = await browser.newPage(options.viewport ? { viewport: options.viewport } : {})
      const watched: AppPage = { page, consoleProblems: [], framesToPage: [] }
      page.on('console', (message) => (message.type() === 'error' || message.type() === 'warning') && watched.consoleProblems.push(message.text()))
      page.on('pageerror', (error) => watched.consoleProblems.push(error.message))
      page.on('websocket', (socket) => socket.on('framereceived', (frame) => watched.framesToPage.push(String(frame.payload))))
      await page.goto(harness.url)
      await page.getByRole('heading', { level: 1 }).waitFor()
      return watched
    },
    async close() {
      await browser.close()
      await harness.close()
      await testCore.dispose()
    },
  }
}
