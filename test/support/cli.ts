import { execFile, spawn, spawnSync } from 'node:child_process'
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

export interface RunningCli {
  /** Resolves with the first match of `pattern` in stdout (or stderr), once it has been printed. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpMatchArray>
  output(): { stdout: string; stderr: string }
  /** Signals the whole process group, as Ctrl-C in a terminal does, and waits for it to end. */
  stop(signal?: NodeJS.Signals): Promise<{ stdout: string; stderr: string }>
}

/**
 * A long-running CLI command (`otp-webhook serve`, `simas sandbox start`) as a user runs it, in its
 * own process group: npm does not pass a signal sent to it alone on to the command.
 */
export function startCli(isolation: { dataDir: string; keychainService: string }, ...args: string[]): RunningCli {
  const child = spawn('npm', ['run', '-s', 'cli', '--', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, TEKEN_DATA_DIR: isolation.dataDir, TEKEN_KEYCHAIN_SERVICE: isolation.keychainService },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = { stdout: '', stderr: '' }
  child.stdout.on('data', (chunk: Buffer) => void (output.stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => void (output.stderr += chunk.toString().replace(/^npm warn.*\n/gm, '')))
  const ended = new Promise<void>((resolve) => child.once('close', () => resolve()))
  return {
    async waitFor(pattern, stream = 'stdout', timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const match = pattern.exec(output[stream])
        if (match) return match
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in ${stream}; stdout: ${output.stdout}; stderr: ${output.stderr}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    output: () => ({ ...output }),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal)
      await ended
      return { ...output }
    },
  }
}
