// `npm start`: build and run the desktop app on the embedded sandbox. Where Electron's binary could
// not be downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, no internet), say so instead of failing obscurely.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const electronDir = dirname(require.resolve('electron/package.json'))
const pathFile = join(electronDir, 'path.txt')
const binary = existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null

if (!binary || !existsSync(binary)) {
  console.error(`Electron's binary is not installed on this machine (it is downloaded by npm install, and
was skipped or could not be fetched), so the desktop app cannot start here.

  • To get it: run npm install with internet access and without ELECTRON_SKIP_BINARY_DOWNLOAD.
  • To use the full UI now: npm run start:web  (development harness in your browser, same main-process services)`)
  process.exit(1)
}
const result = spawnSync('npx', ['electron-vite', 'preview'], { stdio: 'inherit' })
process.exit(result.status ?? 1)
