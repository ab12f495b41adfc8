import { Option, type Command } from 'commander'
import { MYVALUE_SIGNATURE_ASSUMPTION, myValueClientSecret, signMyValuePayload, type MyValueSignatureAlgorithm } from '../../main/providers/myvalue/payload-signature'
import { myValueBaseUrls } from '../../main/providers/myvalue/profile'
import { MYVALUE_SIGNATURE_ALGORITHMS, type RequestMethod } from '../../shared/contract'
import type { CliContext } from '../context'
import { readInput } from '../files'
import { methodOption } from '../options'

export function registerMyValueCommands(program: Command, context: CliContext): void {
  const myvalue = program.command('myvalue').description('MyValue partner API (seed 004)')
  const algorithmOption = () => new Option('--algorithm <algorithm>', 'signature construction').choices(MYVALUE_SIGNATURE_ALGORITHMS).default('hmac-sha256')

  myvalue
    .command('sign')
    .description('print the payload signature (hex) of a request body, signed with the client secret from the vault')
    .requiredOption('--client-secret-ref <name>', 'vault item (client-secret) with MyValue’s client_secret')
    .requiredOption('--body-file <path>', 'the exact request body; its bytes are signed as they are')
    .addOption(algorithmOption())
    .action(async (options: { clientSecretRef: string; bodyFile: string; algorithm: MyValueSignatureAlgorithm }) => {
      const secret = await myValueClientSecret(context.core().services.vault, options.clientSecretRef)
      const { signature } = signMyValuePayload(await readInput(options.bodyFile), secret, options.algorithm)
      process.stderr.write(`${MYVALUE_SIGNATURE_ASSUMPTION}\n`)
      context.out(signature)
    })

  myvalue
    .command('request')
    .description("sign a request with a profile and print it as a curl command (the signature is an HMAC of the body; the client secret is not in it)")
    .requiredOption('--profile <name>', 'MyValue profile')
    .requiredOption('--method <method>', 'HTTP method', methodOption)
    .requiredOption('--path <path>', 'path below the External API base, with any query string')
    .option('--body-file <path>', 'the exact request body (default: empty)')
    .action(async (options: { profile: string; method: RequestMethod; path: string; bodyFile?: string }) => {
      const body = options.bodyFile ? (await readInput(options.bodyFile)).toString('utf8') : ''
      const { preview } = await context.core().services.myvalue.signRequest(options.profile, { method: options.method, path: options.path, body })
      process.stderr.write(`${MYVALUE_SIGNATURE_ASSUMPTION}\n`)
      context.out(preview.curl)
    })

  myvalue
    .command('profile')
    .description('MyValue profiles: environment, client id, the vault name of the client secret and the registered redirect URL')
    .command('set')
    .description('create or replace a MyValue profile')
    .requiredOption('--name <name>', 'profile name')
    .addOption(new Option('--environment <environment>', "seed 004's base URLs").choices(['sandbox', 'production']).default('sandbox'))
    .requiredOption('--client-id <id>', 'client_id from MyValue')
    .requiredOption('--client-secret-ref <name>', 'vault item (client-secret) with the client_secret')
    .requiredOption('--redirect-url <url>', 'the redirect_url registered with MyValue')
    .option('--external-api-base-url <url>', "override the environment's External API base")
    .option('--sso-base-url <url>', "override the environment's SSO base")
    .addOption(algorithmOption())
    .option('--client-id-header <name>', 'header carrying the client id (default X-Client-Id)')
    .option('--signature-header <name>', 'header carrying the signature (default X-Signature)')
    .action(
      async (options: {
        name: string
        environment: 'sandbox' | 'production'
        clientId: string
        clientSecretRef: string
        redirectUrl: string
        externalApiBaseUrl?: string
        ssoBaseUrl?: string
        algorithm: MyValueSignatureAlgorithm
        clientIdHeader?: string
        signatureHeader?: string
      }) => {
        const saved = await context.core().services.myvalue.saveProfile(options.name, {
          environment: options.environment,
          clientId: options.clientId,
          clientSecretRef: options.clientSecretRef,
          redirectUrl: options.redirectUrl,
          signatureAlgorithm: options.algorithm,
          ...(options.externalApiBaseUrl ? { externalApiBaseUrl: options.externalApiBaseUrl } : {}),
          ...(options.ssoBaseUrl ? { ssoBaseUrl: options.ssoBaseUrl } : {}),
          ...(options.clientIdHeader ? { clientIdHeader: options.clientIdHeader } : {}),
          ...(options.signatureHeader ? { signatureHeader: options.signatureHeader } : {}),
        })
        context.out(`saved MyValue profile ${options.name}: ${myValueBaseUrls(saved).externalApiBaseUrl}, client ${saved.clientId}, ${saved.signatureAlgorithm} in ${saved.signatureHeader}`)
      },
    )
}
