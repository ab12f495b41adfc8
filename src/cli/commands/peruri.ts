import { basename } from 'node:path'
import { Option, type Command } from 'commander'
import { passwordFromPassFile } from '../../main/credentials'
import { writeFileAtomic } from '../../main/platform/atomic-file'
import { SANDBOX_ENVIRONMENT } from '../../main/providers/peruri/environments'
import { signingSystemSession } from '../../main/providers/peruri/session'
import type { SignatureBoxPlacement } from '../../main/pdf/sign'
import type { SignatureBox } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import { formatWib } from '../../shared/time'
import type { CliContext } from '../context'
import { readInput } from '../files'
import { addPlacementOptions, collect, formatRect, placementFromOptions, type PlacementOptions } from '../options'
import { otpSource } from '../otp-source'

/** A CLI placement as the app's contract writes a box (the page as pageNumber; empty texts for none). */
function signatureBox(placement: SignatureBoxPlacement): SignatureBox {
  const [llx, lly, urx, ury] = placement.rect
  return { pageNumber: placement.page, rect: [llx, lly, urx, ury], visible: placement.visible, certificationLevel: placement.certificationLevel, reason: placement.reason ?? '', location: placement.location ?? '' }
}

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
    .option('--web-view-url <url>', "the base of Peruri's web views (index.php, signing.php under it), from the partner contract")
    .action(async (options: { name: string; baseUrl: string; apiKeyFile: string; systemId: string; email?: string; webViewUrl?: string }) => {
      const apiKey = passwordFromPassFile(await readInput(options.apiKeyFile)).toString('utf8')
      const saved = await context.core().services.peruri.setEnvironment({
        name: options.name,
        baseUrl: options.baseUrl,
        systemId: options.systemId,
        apiKey,
        ...(options.email ? { email: options.email } : {}),
        ...(options.webViewUrl ? { webViewBaseUrl: options.webViewUrl } : {}),
      })
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
      const { services } = context.core()
      const email = options.email ?? (await services.peruri.defaultEmail(options.env))
      if (!email) throw new TekenError('INVALID_REQUEST', `Say who signs with --email (environment "${options.env}" has no default signer).`)
      const otp = otpSource(options.otpCommand)
      const env = options.env
      const step = (name: string, orderId: string) => process.stderr.write(`${name}: order ${orderId}\n`)
      // The same steps as the app's "Sign with Peruri", through the same session module.
      const input = services.documents.open(basename(options.in), await readInput(options.in))
      const { orderId } = await services.peruriSessions.send({ env, docId: input.docId, email, boxes: [signatureBox(placement)] })
      step('sent', orderId)
      const { phone } = await services.peruriSessions.requestOtp({ env, orderId })
      step('otp-requested', orderId)
      const status = await services.peruriSessions.sign({ env, orderId, otp: await otp({ orderId, email, ...(phone ? { phone } : {}) }) })
      step('signed', orderId)
      const { document, verification } = await services.peruriSessions.download({ env, orderId })
      step('downloaded', orderId)
      await writeFileAtomic(options.out, services.documents.get(document.docId).bytes)
      const broken = verification.signatures.filter((signature) => signature.status === 'invalid')
      context.out(`signed ${options.out}: order ${orderId}, ${status.status ?? status.resultDesc}${placement.visible ? `, box ${formatRect(placement.rect)} on page ${placement.page}` : ''}`)
      for (const signature of verification.signatures) context.out(`  ${signature.fieldName ?? '(no field)'}: ${signature.status}, ${signature.signer ?? 'unknown signer'}`)
      if (broken.length) throw new TekenError('PROVIDER_BAD_RESPONSE', `Peruri's document has ${broken.length} signature(s) that do not verify; it was saved for inspection.`)
    })
}
