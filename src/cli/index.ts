import { Command, CommanderError } from 'commander'
import packageJson from '../../package.json'
import { TekenError } from '../shared/errors'
import { registerCredentialCommands } from './commands/credentials'
import { registerKeyCommands } from './commands/keys'
import { registerPdfSignCommands } from './commands/pdf-sign'
import { registerPdfVerifyCommands } from './commands/pdf-verify'
import { registerSystemCommands } from './commands/system'
import { registerVaultCommands } from './commands/vault'
import { createCliContext } from './context'

/** `npm run cli -- …`: headless Teken on the same core as the desktop app. */
export function buildProgram(): Command {
  const program = new Command('teken')
    .description('Teken signing console, headless: batches and scripting on the same core as the desktop app.\nHonours TEKEN_DATA_DIR and TEKEN_KEYCHAIN_SERVICE.')
    .version(packageJson.version)
    .showHelpAfterError()
    .exitOverride()
  const context = createCliContext()
  registerSystemCommands(program, context)
  registerKeyCommands(program, context)
  registerCredentialCommands(program, context)
  registerVaultCommands(program, context)
  const pdf = program.command('pdf').description('PDF documents: inspect, sign and verify')
  registerPdfSignCommands(pdf, context)
  registerPdfVerifyCommands(pdf, context)
  return program
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    const message = error instanceof TekenError ? error.message : `unexpected failure: ${(error as Error).message}`
    process.stderr.write(`teken: ${message}\n`)
    return 1
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code
})
