import { basename } from 'node:path'
import { Option, type Command } from 'commander'
import { passwordFromPassFile } from '../../main/credentials'
import { verifyPdf } from '../../main/pdf/verify'
import { writeFileAtomic } from '../../main/platform/atomic-file'
import { SANDBOX_ENVIRONMENT } from '../../main/providers/peruri/environments'
import { signingSystemSession } from '../../main/providers/peruri/session'
import { TekenError } from '../../shared/errors'
import { formatWib } from '../../shared/time'
import type { CliContext } from '../context'
import { readInput } from '../files'
import { addPlacementOptions, collect, formatRect, placementFromOptions, type PlacementOptions } from '../options'
import { otpSource } from '../otp-source'

/** `env set|list` (provider environments) and `peruri jwt|session|sign`. */
export function registerPeruriCommands(program: Command, context: CliContext): void {
  const env = program.command('env').description('provider environments: base URL, systemId, and an API key kept in the vault')
  env
    .command('set')
    .description('define or replace an environment (the API key goes into the vault; the default path map applies)')
    .addOption(new Option('--provider <provider>', 'which provider').choices(['peruri']).makeOptionMandatory())
    .requiredOption('--name <name>', 'environment name, e.g. development, production')
    .requiredOption('--base-url <url>', "the gateway base, e.g. https://apgdev.peruri.co.id:9044/gateway/")
    .requiredOption('--api-key-file <path>', 'file whose first line is the x-Gateway-APIKey')
    .requiredOption('--system-id <id>', 'the partner systemId')
    .option('--email <email>', 'the signer Teken acts for by default')
    .action(async (options: { name: string; baseUrl: string; apiKeyFile: string; systemId: string; email?: string }) => {
      const apiKey = passwordFromPassFile(await readInput(options.apiKeyFile)).toString('utf8')
      const saved = await context.core().services.peruri.setEnvironment({ name: options.name, baseUrl: options.baseUrl, systemId: options.systemId, apiKey, ...(options.email ? { email: options.email } : {}) })
      context.out(`environment ${saved.name}: ${saved.baseUrl}, systemId ${saved.systemId}${saved.email ? `, signer ${saved.email}` : ''}; API key in the vault`)
    })
  env
    .command('list')
    .description('the Peruri environments, the embedded sandbox first')
    .action(async () => {
      for (const entry of await context.core().services.peruri.listEnvironments()) context.out(`${entry.name}\t${entry.embedded ? 'embedded simulator' : entry.baseUrl}\tsystemId ${entry.systemId}${entry.email ? `\t${entry.email}` : ''}`)
    })

  const peruri = program.command('peruri').description("Peruri's digital-signature service")
  peruri
    .command('session')
    .description("Signing System's session: hex HMAC-SHA256 over the order ids, keyed with the Set Key hashing key")
    .requiredOption('--hmac-key-file <path>', 'file whose first line is the hashing key')
    .requiredOption('--order <id>', 'an order id; repeat in request order', collect)
    .action(async (options: { hmacKeyFile: string; order: string[] }) => {
      context.out(signingSystemSession(passwordFromPassFile(await readInput(options.hmacKeyFile)), options.order))
    })

  peruri
    .command('jwt')
    .description('get (or reuse) the JWT of an environment and print it with its expiry')
    .option('--env <name>', 'environment', SANDBOX_ENVIRONMENT)
    .action(async (options: { env: string }) => {
      const { jwt, expiresAt } = await (await context.core().services.peruri.client(options.env)).jwt()
      context.out(jwt)
      process.stderr.write(`expires ${formatWib(expiresAt, 'en', { seconds: true })}\n`)
    })

  addPlacementOptions(
    peruri
      .command('sign')
      .description('send a PDF to Peruri, confirm with the OTP, sign, download, verify and save')
      .option('--env <name>', 'environment', SANDBOX_ENVIRONMENT)
      .option('--email <email>', "the signer's email registered at Peruri (default: the environment's)")
      .requiredOption('--in <path>', 'the PDF to sign (never modified)')
      .requiredOption('--out <path>', 'where to write the signed PDF'),
  )
    .option('--otp-command <cmd>', 'run CMD and read the OTP from its stdout (otherwise a prompt asks)')
    .action(async (options: PlacementOptions & { env: string; email?: string; in: string; out: string; otpCommand?: string }) => {
      const placement = placementFromOptions(options)
      const service = context.core().services.peruri
      const email = options.email ?? (await service.defaultEmail(options.env))
      if (!email) throw new TekenError('INVALID_REQUEST', `Say who signs with --email (environment "${options.env}" has no default signer).`)
      const otp = otpSource(options.otpCommand)
      const result = await service.signSingle({
        env: options.env,
        email,
        fileName: basename(options.in),
        document: await readInput(options.in),
        placements: [placement],
        otp: (request) => otp({ ...request, email }),
        onStep: (step, orderId) => process.stderr.write(`${step}: order ${orderId}\n`),
      })
      await writeFileAtomic(options.out, result.signed)
      const report = await verifyPdf(options.out)
      const broken = report.signatures.filter((signature) => signature.status === 'invalid')
      context.out(`signed ${options.out}: order ${result.orderId}, ${result.status}${placement.visible ? `, box ${formatRect(placement.rect)} on page ${placement.page}` : ''}`)
      for (const signature of report.signatures) context.out(`  ${signature.fieldName ?? '(no field)'}: ${signature.status}, ${signature.signer?.commonName ?? 'unknown signer'}`)
      if (broken.length) throw new TekenError('PROVIDER_BAD_RESPONSE', `Peruri's document has ${broken.length} signature(s) that do not verify; it was saved for inspection.`)
    })
}
