import { Option, type Command } from 'commander'
import { MYVALUE_SIGNATURE_ALGORITHMS, MYVALUE_SIGNATURE_ASSUMPTION, myValueClientSecret, signMyValuePayload, type MyValueSignatureAlgorithm } from '../../main/providers/myvalue/payload-signature'
import type { CliContext } from '../context'
import { readInput } from '../files'

export function registerMyValueCommands(program: Command, context: CliContext): void {
  const myvalue = program.command('myvalue').description('MyValue partner API (seed 004)')

  myvalue
    .command('sign')
    .description('print the payload signature (hex) of a request body, signed with the client secret from the vault')
    .requiredOption('--client-secret-ref <name>', 'vault item (client-secret) with MyValue’s client_secret')
    .requiredOption('--body-file <path>', 'the exact request body; its bytes are signed as they are')
    .addOption(new Option('--algorithm <algorithm>', 'signature construction').choices(MYVALUE_SIGNATURE_ALGORITHMS).default('hmac-sha256'))
    .action(async (options: { clientSecretRef: string; bodyFile: string; algorithm: MyValueSignatureAlgorithm }) => {
      const secret = await myValueClientSecret(context.core().services.vault, options.clientSecretRef)
      const { signature } = signMyValuePayload(await readInput(options.bodyFile), secret, options.algorithm)
      process.stderr.write(`${MYVALUE_SIGNATURE_ASSUMPTION}\n`)
      context.out(signature)
    })
}
