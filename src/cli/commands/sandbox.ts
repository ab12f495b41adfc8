import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { passwordFromPassFile } from '../../main/credentials'
import { systemClock } from '../../main/ports/clock'
import { SANDBOX_SYSTEM_ID } from '../../main/providers/peruri/environments'
import { startPeruriSandbox } from '../../main/sandbox/peruri/peruri-sandbox'
import { readSandboxOtpInbox, SANDBOX_DEMO_SIGNERS } from '../../main/sandbox/peruri/sandbox-state'
import { TekenError } from '../../shared/errors'
import type { CliContext } from '../context'
import { readInput } from '../files'
import { portOption, untilStopped } from '../options'

/** `sandbox start` runs the Peruri simulator as its own process; `sandbox otp` reads its OTP inbox. */
export function registerSandboxCommands(program: Command, context: CliContext): void {
  const sandbox = program.command('sandbox').description('the embedded Peruri simulator')

  sandbox
    .command('start')
    .description('run the Peruri sandbox on 127.0.0.1 until Ctrl-C / SIGTERM')
    .requiredOption('--port <port>', 'port to listen on (0: any free port)', portOption)
    .option('--state <dir>', 'keep users, orders and the OTP inbox here (default: a new temporary folder)')
    .option('--api-key-file <path>', 'accept the x-Gateway-APIKey in this file (first line)')
    .option('--system-id <id>', 'the systemId that API key belongs to', SANDBOX_SYSTEM_ID)
    .option('--jwt-lifetime <seconds>', 'how long JWTs live', (value) => Number(value))
    .action(async (options: { port: number; state?: string; apiKeyFile?: string; systemId: string; jwtLifetime?: number }) => {
      const stateDir = options.state ?? (await mkdtemp(join(tmpdir(), 'teken-peruri-sandbox-')))
      const systems = options.apiKeyFile ? [{ apiKey: passwordFromPassFile(await readInput(options.apiKeyFile)).toString('utf8'), systemId: options.systemId }] : []
      const running = await startPeruriSandbox({ stateDir, clock: systemClock, port: options.port, systems, ...(options.jwtLifetime ? { jwtLifetimeSeconds: options.jwtLifetime } : {}) })
      context.out(`Peruri sandbox: ${running.gatewayUrl}`)
      context.out(`TSA (RFC 3161): ${running.tsaUrl}`)
      context.out(`state:          ${stateDir}`)
      context.out(`signers:        ${SANDBOX_DEMO_SIGNERS.map((signer) => signer.email).join(', ')}`)
      if (!systems.length) process.stderr.write('no --api-key-file: every gateway call will be refused\n')
      const signal = await untilStopped()
      await running.close()
      process.stderr.write(`stopped (${signal})\n`)
    })

  sandbox
    .command('otp')
    .description("print the newest OTP the sandbox sent to a signer (for --otp-command)")
    .option('--email <email>', 'the signer (default: TEKEN_OTP_EMAIL, as --otp-command sets it)')
    .option('--state <dir>', "the sandbox's state folder (default: the embedded sandbox's)")
    .action(async (options: { email?: string; state?: string }) => {
      const email = options.email ?? process.env.TEKEN_OTP_EMAIL
      if (!email) throw new TekenError('INVALID_REQUEST', 'Say whose OTP with --email.')
      const stateDir = options.state ?? context.core().services.sandboxHost.stateDir('peruri')
      const message = (await readSandboxOtpInbox(stateDir)).filter((entry) => entry.email.toLowerCase() === email.toLowerCase()).at(-1)
      if (!message) throw new TekenError('OTP_NOT_RECEIVED', `The sandbox has sent no OTP to ${email}.`)
      context.out(message.otp)
    })
}
