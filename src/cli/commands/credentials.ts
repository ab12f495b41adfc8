import { basename } from 'node:path'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { TekenError } from '../../shared/errors'
import { parseCredentials } from '../../main/credentials'
import { decryptWithVaultKey } from '../../main/credentials/credential-sessions'
import type { CliContext } from '../context'
import { readInput } from '../files'

const positiveInteger = (value: string) => {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('a positive whole number')
  return number
}

export function registerCredentialCommands(program: Command, context: CliContext): void {
  program
    .command('credentials')
    .description("partner credentials delivered encrypted (OVO's key.bin.enc + cred_file.enc)")
    .command('decrypt')
    .description('decrypt exactly as `openssl rsautl -decrypt` then `openssl enc -d -aes-256-cbc -pass file:key.bin` would')
    .requiredOption('--key <name>', 'vault name of the RSA key the partner encrypted key.bin for')
    .requiredOption('--key-file <path>', 'key.bin.enc')
    .requiredOption('--cred-file <path>', 'cred_file.enc')
    .addOption(new Option('--md <digest>', 'EVP_BytesToKey digest (default: try sha256, then md5)').choices(['sha256', 'md5']))
    .option('--pbkdf2', 'the file was made with openssl enc -pbkdf2')
    .option('--iter <n>', 'PBKDF2 iterations (implies --pbkdf2; default 10000)', positiveInteger)
    .option('--print', 'write the exact decrypted bytes to stdout')
    .option('--save-profile <name>', 'save the decrypted fields into the vault as a partner profile')
    .action(async (options: { key: string; keyFile: string; credFile: string; md?: 'sha256' | 'md5'; pbkdf2?: boolean; iter?: number; print?: boolean; saveProfile?: string }) => {
      if (Boolean(options.print) === Boolean(options.saveProfile)) throw new TekenError('INVALID_REQUEST', 'Choose exactly one of --print or --save-profile NAME.')
      const [keyFile, credFile] = await Promise.all([readInput(options.keyFile), readInput(options.credFile)])
      const { vault, audit } = context.core().services
      const { keyName, result } = await decryptWithVaultKey(
        vault,
        audit,
        options.key,
        { keyFile: { name: basename(options.keyFile), bytes: keyFile }, credFile: { name: basename(options.credFile), bytes: credFile } },
        { digest: options.md ?? 'auto', pbkdf2: Boolean(options.pbkdf2), ...(options.iter ? { iterations: options.iter } : {}) },
      )
      const kdf = result.pbkdf2 ? `PBKDF2-${result.digest} (${result.iterations} iterations)` : `EVP_BytesToKey-${result.digest}`
      process.stderr.write(`decrypted with ${keyName}, ${kdf}${result.triedDigests.length > 1 ? ` (tried ${result.triedDigests.join(', ')})` : ''}\n`)
      if (options.print) {
        process.stdout.write(result.plaintext)
        return
      }
      const { fields } = parseCredentials(result.plaintext.toString('utf8'))
      const profile = await vault.addSecret({ name: options.saveProfile!, tags: ['ovo'], secret: { type: 'partner-profile', fields } })
      context.out(`saved partner profile ${profile.name} with fields: ${fields.map((field) => field.name).join(', ')}`)
    })
}
