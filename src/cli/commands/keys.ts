import { basename } from 'node:path'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { TekenError } from '../../shared/errors'
import { writeFileAtomic } from '../../main/platform/atomic-file'
import type { CliContext } from '../context'
import { readInput } from '../files'
import { readPassphrase } from '../secrets'

const bitsOption = (value: string) => {
  if (value !== '2048' && value !== '4096') throw new InvalidArgumentError('use 2048 or 4096')
  return Number(value) as 2048 | 4096
}


export function registerKeyCommands(program: Command, context: CliContext): void {
  const keys = program.command('keys').description('RSA keys in the vault (the private key never leaves it unprotected)')
  const tags = new Option('--tag <tag...>', 'tags such as snap, ovo, peruri').default([])

  keys
    .command('generate')
    .description('generate an RSA key pair into the vault')
    .requiredOption('--name <name>', 'vault name for the key')
    .requiredOption('--bits <bits>', '2048 or 4096', bitsOption)
    .addOption(tags)
    .action(async (options: { name: string; bits: 2048 | 4096; tag: string[] }) => {
      const item = await context.core().services.keys.generate({ name: options.name, bits: options.bits, tags: options.tag })
      context.out(`generated ${item.name}: RSA-${item.bits}, SHA-256 ${item.fingerprint}`)
    })

  keys
    .command('import')
    .description('import a private key: PEM, DER, encrypted PEM/PKCS#8, PKCS#12, OpenSSH')
    .requiredOption('--name <name>', 'vault name for the key')
    .requiredOption('--file <path>', 'the key file')
    .option('--passphrase-file <path>', "file whose first line is the key's passphrase")
    .addOption(tags)
    .action(async (options: { name: string; file: string; passphraseFile?: string; tag: string[] }) => {
      const bytes = await readInput(options.file)
      const { keys: keyService } = context.core().services
      const attempt = (passphrase?: string) => keyService.import({ name: options.name, tags: options.tag, bytes, passphrase })
      let passphrase = await readPassphrase({ file: options.passphraseFile, prompt: 'Key passphrase', required: false })
      let result
      try {
        result = await attempt(passphrase)
      } catch (error) {
        // Only ask when the key turns out to be encrypted, and only if nobody has answered yet.
        if (!(error instanceof TekenError && error.code === 'KEY_PASSPHRASE_REQUIRED') || passphrase !== undefined) throw error
        passphrase = await readPassphrase({ prompt: `Passphrase for ${basename(options.file)}`, required: true })
        result = await attempt(passphrase)
      }
      context.out(`imported ${result.item.name}: ${result.formatFound}, RSA-${result.item.bits}, SHA-256 ${result.item.fingerprint}`)
      if (result.item.certificate) context.out(`certificate: ${result.item.certificate.subject} (until ${result.item.certificate.notAfter})`)
    })

  keys
    .command('export-public')
    .description('write the public key: spki (BEGIN PUBLIC KEY, OVO id_rsa.pub.pem) or pkcs1 (BEGIN RSA PUBLIC KEY, SNAP)')
    .requiredOption('--name <name>', 'vault name of the key')
    .addOption(new Option('--format <format>', 'public key format').choices(['spki', 'pkcs1']).makeOptionMandatory())
    .option('--der', 'DER instead of PEM')
    .option('--out <path>', 'write to this file instead of stdout')
    .action(async (options: { name: string; format: 'spki' | 'pkcs1'; der?: boolean; out?: string }) => {
      const exported = await context.core().services.keys.publicKey(options.name, `${options.format}-${options.der ? 'der' : 'pem'}`)
      if (options.out) {
        await writeFileAtomic(options.out, exported.bytes)
        process.stderr.write(`wrote ${options.out} (SHA-256 ${exported.fingerprint})\n`)
      } else {
        process.stdout.write(exported.bytes)
      }
    })

  keys
    .command('export-private')
    .description('write the private key protected by a passphrase: encrypted PKCS#8 PEM or PKCS#12 (with its certificates)')
    .requiredOption('--name <name>', 'vault name of the key')
    .addOption(new Option('--format <format>', 'protected key format').choices(['pkcs8', 'pkcs12']).makeOptionMandatory())
    .requiredOption('--out <path>', 'file to write')
    .option('--passphrase-file <path>', 'file whose first line is the export passphrase')
    .action(async (options: { name: string; format: 'pkcs8' | 'pkcs12'; out: string; passphraseFile?: string }) => {
      const passphrase = (await readPassphrase({ file: options.passphraseFile, prompt: 'Export passphrase', required: true }))!
      await context.core().services.keys.writePrivateKey(options.name, options.format === 'pkcs12' ? 'pkcs12' : 'pkcs8-encrypted', passphrase, async (_suggestedName, bytes) => {
        await writeFileAtomic(options.out, bytes)
        return options.out
      })
      context.out(`wrote ${options.out}`)
    })

  keys
    .command('list')
    .description('list vault items: keys, identities, secrets and partner profiles')
    .action(async () => {
      const items = await context.core().services.vault.list()
      if (!items.length) return context.out('the vault is empty')
      for (const item of items) {
        const facts = [item.type, item.bits ? `RSA-${item.bits}` : undefined, item.fingerprint ? `SHA-256 ${item.fingerprint}` : item.preview, item.tags.length ? `tags ${item.tags.join(',')}` : undefined]
        context.out(`${item.name}\t${facts.filter(Boolean).join('\t')}`)
      }
    })

  keys
    .command('delete')
    .description('delete a vault item')
    .requiredOption('--name <name>', 'vault name of the item')
    .action(async (options: { name: string }) => {
      const item = await context.core().services.vault.remove(options.name)
      context.out(`deleted ${item.name}`)
    })
}
