import { Option, type Command } from 'commander'
import { writeFileAtomic } from '../../main/platform/atomic-file'
import { TekenError } from '../../shared/errors'
import type { CliContext } from '../context'
import { readInput } from '../files'
import { readPassphrase } from '../secrets'

export function registerVaultCommands(program: Command, context: CliContext): void {
  const vault = program.command('vault').description('the encrypted vault file and its key in the OS keychain')

  vault
    .command('status')
    .description('whether the vault opens, and how to recover when it does not (exit 1)')
    .action(async () => {
      const status = await context.core().services.vault.status()
      context.out(`vault: ${status.state}, ${status.items} item(s), ${status.file}`)
      if (status.problem) {
        process.stderr.write(`${status.problem}\n`)
        process.exitCode = 1
      }
    })

  vault
    .command('add-secret')
    .description('keep an API key, client secret, HMAC key or Basic-auth pair in the vault')
    .requiredOption('--name <name>', 'vault name')
    .addOption(new Option('--type <type>', 'what the secret is').choices(['api-key', 'client-secret', 'hmac-key', 'basic-auth']).makeOptionMandatory())
    .option('--username <username>', 'the Basic-auth username (the password is the secret)')
    .option('--secret-file <path>', 'file whose first line is the secret (otherwise a hidden prompt asks)')
    .addOption(new Option('--tag <tag...>', 'tags such as peruri, simas').default([]))
    .action(async (options: { name: string; type: 'api-key' | 'client-secret' | 'hmac-key' | 'basic-auth'; username?: string; secretFile?: string; tag: string[] }) => {
      if ((options.type === 'basic-auth') !== Boolean(options.username)) throw new TekenError('INVALID_REQUEST', '--username goes with --type basic-auth, and only with it.')
      const secret = (await readPassphrase({ file: options.secretFile, prompt: options.type === 'basic-auth' ? 'Password' : 'Secret', required: true }))!
      if (!secret) throw new TekenError('INVALID_REQUEST', 'The secret is empty.')
      const item = await context.core().services.vault.addSecret({
        name: options.name,
        tags: options.tag,
        secret: options.type === 'basic-auth' ? { type: 'basic-auth', username: options.username!, password: secret } : { type: options.type, value: secret },
      })
      context.out(`saved ${item.name} (${item.type}) ${item.preview ?? ''}`.trimEnd())
    })

  vault
    .command('export')
    .description('write a passphrase-protected backup of the whole vault, to move machines')
    .requiredOption('--out <path>', 'backup file to write')
    .option('--passphrase-file <path>', 'file whose first line is the backup passphrase')
    .action(async (options: { out: string; passphraseFile?: string }) => {
      const passphrase = (await readPassphrase({ file: options.passphraseFile, prompt: 'Backup passphrase', required: true }))!
      await writeFileAtomic(options.out, await context.core().services.vault.exportBackup(passphrase))
      context.out(`wrote ${options.out}`)
    })

  vault
    .command('import')
    .description('add every item of a vault backup')
    .requiredOption('--file <path>', 'backup file')
    .option('--passphrase-file <path>', 'file whose first line is the backup passphrase')
    .action(async (options: { file: string; passphraseFile?: string }) => {
      const bytes = await readInput(options.file)
      const passphrase = (await readPassphrase({ file: options.passphraseFile, prompt: 'Backup passphrase', required: true }))!
      const imported = await context.core().services.vault.importBackup(bytes, passphrase)
      context.out(`imported ${imported.length} item(s)${imported.length ? `: ${imported.map((item) => item.name).join(', ')}` : ''}`)
    })

  vault
    .command('reset')
    .description('start a new empty vault; the old file and keychain entry are kept aside, not deleted')
    .action(async () => {
      const { movedTo } = await context.core().services.vault.reset()
      context.out(movedTo ? `new vault started; the old file is kept as ${movedTo}` : 'new vault started')
    })
}
