import { spawn } from 'node:child_process'

/**
 * For `expectTekenError`, which takes a function that throws: waits for `promise` and returns a
 * function that throws what it rejected with (or says that it resolved instead).
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<() => never> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => ({ error }),
  )
  return () => {
    if (!outcome) throw new Error('expected a rejection, but the promise resolved')
    throw outcome.error
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
