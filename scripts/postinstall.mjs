// Rebuilds native modules (keytar; better-sqlite3 later) for Electron's ABI, but only where the
// Electron binary was downloaded: on machines that install with ELECTRON_SKIP_BINARY_DOWNLOAD=1
// there is no Electron to rebuild for, and the Node builds serve the CLI and the tests.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, dirname } from 'node:path'
import { spawnSync } from 'node:child_process'

const require = createRequire(import.meta.url)
const electronDir = dirname(require.resolve('electron/package.json'))
const pathFile = join(electronDir, 'path.txt')
const binary = existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null

if (!binary || !existsSync(binary)) {
  console.log('teken postinstall: no Electron binary here; native modules stay built for Node (CLI, tests, start:web).')
} else {
  const result = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit' })
  process.exit(result.status ?? 1)
}
