import { execFile, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

// npm's own warnings (about this machine's npmrc, say) are not the CLI's output.
const withoutNpmNoise = (stderr: string) => stderr.replace(/^npm warn.*\n/gm, '')

/**
 * The CLI as a user runs it, `npm run cli -- …`, isolated in a data folder and a keychain service
 * of its own, as TEKEN_DATA_DIR and TEKEN_KEYCHAIN_SERVICE let scripts do.
 */
export function createCli(dataDir: () => string, keychainService = `teken-test-${randomBytes(6).toString('hex')}`) {
  const options = () => ({ cwd: process.cwd(), env: { ...process.env, TEKEN_DATA_DIR: dataDir(), TEKEN_KEYCHAIN_SERVICE: keychainService } })
  const argv = (args: string[]) => ['run', '-s', 'cli', '--', ...args]
  return {
    keychainService,
    run(...args: string[]): CliRun {
      const result = spawnSync('npm', argv(args), { ...options(), encoding: 'utf8' })
      return { status: result.status, stdout: result.stdout, stderr: withoutNpmNoise(result.stderr) }
    },
    /** stdout as bytes, for commands that print exact bytes (`credentials decrypt --print`, a public key). */
    runForBytes(...args: string[]): { status: number | null; stdout: Buffer; stderr: string } {
      const result = spawnSync('npm', argv(args), { ...options(), encoding: 'buffer' })
      return { status: result.status, stdout: result.stdout, stderr: withoutNpmNoise(result.stderr.toString()) }
    },
    /** For a CLI that talks to a server in this process, whose event loop must keep running. */
    runAsync(...args: string[]): Promise<CliRun> {
      return new Promise((done) => {
        execFile('npm', argv(args), { ...options(), encoding: 'utf8' }, (error, stdout, stderr) =>
          done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr: withoutNpmNoise(stderr) }),
        )
      })
    },
  }
}
