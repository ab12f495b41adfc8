import { Command, CommanderError } from 'commander'
import packageJson from '../../package.json'
import { TekenError } from '../shared/errors'
import { registerBatchCommands } from './commands/batch'
import { registerCredentialCommands } from './commands/credentials'
import { registerKeyCommands } from './commands/keys'
import { registerMyValueCommands } from './commands/myvalue'
import { registerOtpWebhookCommands } from './commands/otp-webhook'
import { registerPdfSignCommands } from './commands/pdf-sign'
import { registerPdfVerifyCommands } from './commands/pdf-verify'
import { registerPeruriCommands } from './commands/peruri'
import { registerSandboxCommands } from './commands/sandbox'
import { registerSimasCommands } from './commands/simas'
import { registerSnapCommands } from './commands/snap'
import { registerSystemCommands } from './commands/system'
import { registerVaultCommands } from './commands/vault'
import { createCliContext, type CliContext } from './context'

/** `npm run cli -- …`: headless Teken on the same core as the desktop app. */
export function buildProgram(context: CliContext = createCliContext()): Command {
  const program = new Command('teken')
    .description('Teken signing console, headless: batches and scripting on the same core as the desktop app.\nHonours TEKEN_DATA_DIR and TEKEN_KEYCHAIN_SERVICE.')
    .version(packageJson.version)
    .showHelpAfterError()
    .exitOverride()
  registerSystemCommands(program, context)
  registerKeyCommands(program, context)
  registerCredentialCommands(program, context)
  registerVaultCommands(program, context)
  registerPeruriCommands(program, context)
  registerSandboxCommands(program, context)
  registerSnapCommands(program, context)
  registerSimasCommands(program, context)
  registerOtpWebhookCommands(program, context)
  registerMyValueCommands(program, context)
  registerBatchCommands(program, context)
  const pdf = program.command('pdf').description('PDF documents: inspect, sign and verify')
  registerPdfSignCommands(pdf, context)
  registerPdfVerifyCommands(pdf, context)
  return program
}

async function main(argv: string[]): Promise<number> {
  const context = createCliContext()
  try {
    await buildProgram(context).parseAsync(argv)
    // Commands that report a problem without throwing (`vault status`) set the exit code themselves.
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    const message = error instanceof TekenError ? error.message : `unexpected failure: ${(error as Error).message}`
    process.stderr.write(`teken: ${message}\n`)
    return 1
  } finally {
    // The embedded sandbox listens on loopback; stop it so the process can exit.
    await context.dispose()
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code
})
