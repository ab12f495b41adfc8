// `npm run start:web`: the full UI in a browser, for machines where Electron's binary cannot run.
// Dev only: loopback, random port unless PORT is set, random per-run token. Never packaged.
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import packageJson from '../../package.json'
import { createTekenCore, defaultCoreOptions } from '../main/core/teken-core'
import { createConsoleLogger } from '../main/ports/logger'
import { startWebHarness } from './web-harness'

async function main(): Promise<void> {
  const log = createConsoleLogger('web-harness')
  const built = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)

  const core = createTekenCore(
    defaultCoreOptions('web-harness', {
      version: packageJson.version,
      log,
      // There is no system-browser hand-off from a browser tab; the link was vetted and is shown here.
      openExternal: async (url) => log.info(`allowlisted link requested (open it yourself): ${url}`),
    }),
  )
  const harness = await startWebHarness({ rendererDir: resolve('out/renderer'), router: core.router, log, port: Number(process.env.PORT ?? 0) })
  console.log(`\nTeken web harness (development only) — open this URL in Chromium or Chrome:\n\n  ${harness.url}\n\nCtrl+C stops it.`)
  const stop = () => void harness.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

void main().catch((error: unknown) => {
  console.error(`start:web failed: ${(error as Error).message}`)
  process.exit(1)
})
