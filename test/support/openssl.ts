import { execFileSync } from 'node:child_process'

/** Runs the real openssl CLI; tests use it as the reference implementation. */
export function openssl(args: string[], options: { cwd?: string; input?: Buffer | string } = {}): Buffer {
  return execFileSync('openssl', args, { cwd: options.cwd, input: options.input, stdio: ['pipe', 'pipe', 'pipe'] })
}
