import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../../src/main/ports/clock'
import { createFetchHttpClient, type HttpClient } from '../../../src/main/ports/http-client'
import { createPeruriClient, type PeruriClient } from '../../../src/main/providers/peruri/peruri-client'
import { DEFAULT_PERURI_PATHS } from '../../../src/main/providers/peruri/protocol'
import { startPeruriSandbox, type PeruriSandbox, type PeruriSandboxOptions } from '../../../src/main/sandbox/peruri/peruri-sandbox'

export const SANDBOX_API_KEY = 'bfa4be99-939e-4320-a3d3-46652c94d8a3'
export const SANDBOX_SYSTEM_ID = 'PERURI'

/** A clock tests move forward, to expire JWTs, OTPs and hashing keys without waiting. */
export function createManualClock(start = new Date()): Clock & { advance(ms: number): void } {
  let now = start.getTime()
  return { now: () => new Date(now), advance: (ms) => void (now += ms) }
}

export interface SandboxFixture {
  sandbox: PeruriSandbox
  client: PeruriClient
  clock: ReturnType<typeof createManualClock>
  http: HttpClient
  stateDir: string
  clientFor(overrides?: { apiKey?: string; systemId?: string }): PeruriClient
  dispose(): Promise<void>
}

/** A Peruri sandbox on loopback with a client pointed at it over real HTTP. */
export async function startSandboxFixture(options: Partial<PeruriSandboxOptions> = {}): Promise<SandboxFixture> {
  const stateDir = await mkdtemp(join(tmpdir(), 'teken-peruri-sandbox-'))
  const clock = createManualClock()
  const sandbox = await startPeruriSandbox({ stateDir, clock, systems: [{ apiKey: SANDBOX_API_KEY, systemId: SANDBOX_SYSTEM_ID }], ...options })
  const http = createFetchHttpClient(5000)
  const clientFor = (overrides: { apiKey?: string; systemId?: string } = {}) =>
    createPeruriClient({
      endpoint: { name: 'test', baseUrl: sandbox.gatewayUrl, paths: DEFAULT_PERURI_PATHS, apiKey: overrides.apiKey ?? SANDBOX_API_KEY, systemId: overrides.systemId ?? SANDBOX_SYSTEM_ID },
      http,
      clock,
      backoffMs: 10,
      timeoutMs: 3000,
    })
  return {
    sandbox,
    client: clientFor(),
    clock,
    http,
    stateDir,
    clientFor,
    async dispose() {
      await sandbox.close()
      await rm(stateDir, { recursive: true, force: true })
    },
  }
}

/** The newest OTP the sandbox sent to this signer. */
export function latestOtp(sandbox: PeruriSandbox, email: string): string {
  const message = sandbox.otps(email).at(-1)
  if (!message) throw new Error(`no OTP for ${email}`)
  return message.otp
}
