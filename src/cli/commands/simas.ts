import type { Command } from 'commander'
import { TekenError } from '../../shared/errors'
import type { TokenReport } from '../../main/providers/simas/token-validator'
import { startSimasSandbox } from '../../main/sandbox/simas/simas-sandbox'
import type { CliContext } from '../context'
import { readInput } from '../files'
import { portOption, untilStopped } from '../options'

export function registerSimasCommands(program: Command, context: CliContext): void {
  const simas = program.command('simas').description('SIMAS-ID (seed 002): access-token validation, userinfo, common-KYC and a local sandbox')
  const readToken = async (path: string) => (await readInput(path)).toString('utf8').trim()

  simas
    .command('profile')
    .description('SIMAS-ID profiles')
    .command('set')
    .description('create or replace a SIMAS-ID profile')
    .requiredOption('--name <name>', 'profile name')
    .requiredOption('--base-url <url>', 'Keycloak base URL (the issuer is {base}/realms/{realm})')
    .option('--realm <realm>', 'Keycloak realm', 'simas-id')
    .requiredOption('--client-id <id>', 'your client id, e.g. nanovest or siminvest')
    .option('--check-azp', 'also require azp to equal the client id')
    .option('--api-base-url <url>', "SIMAS-ID API base (seed 002's BASE_URL): common-KYC and userinfo")
    .option('--kyc-credentials <name>', 'vault item (basic-auth) with the KYC ClientID and ClientSecret')
    .option('--webhook-credentials <name>', 'vault item (basic-auth) SIMAS-ID uses on the OTP webhook')
    .action(async (options: { name: string; baseUrl: string; realm: string; clientId: string; checkAzp?: boolean; apiBaseUrl?: string; kycCredentials?: string; webhookCredentials?: string }) => {
      const saved = await context.core().services.simas.saveProfile(options.name, {
        baseUrl: options.baseUrl,
        realm: options.realm,
        clientId: options.clientId,
        checkAzp: options.checkAzp ?? false,
        ...(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl } : {}),
        ...(options.kycCredentials ? { kycCredentialsRef: options.kycCredentials } : {}),
        ...(options.webhookCredentials ? { webhookCredentialsRef: options.webhookCredentials } : {}),
      })
      context.out(`saved SIMAS-ID profile ${options.name}: issuer ${saved.baseUrl}/realms/${saved.realm}, client ${saved.clientId}${saved.checkAzp ? ', azp checked' : ''}`)
    })

  simas
    .command('validate-token')
    .description('validate an access token (JWKS signature, iss, exp/nbf, aud, azp); exit 1 when it is not valid')
    .requiredOption('--profile <name>', 'SIMAS-ID profile')
    .requiredOption('--token-file <path>', 'file holding the access token')
    .option('--json', 'print the whole report (checks, header and claims) as JSON')
    .action(async (options: { profile: string; tokenFile: string; json?: boolean }) => {
      const report = await context.core().services.simas.validateToken(options.profile, await readToken(options.tokenFile))
      context.out(options.json ? JSON.stringify(report, null, 2) : describeReport(report))
      // Thrown, not process.exitCode: the CLI's entry point sets the exit code from how the action ended.
      const failed = report.checks.find((check) => !check.passed)
      if (!report.valid) throw new TekenError('TOKEN_INVALID', `The token is not valid${failed ? `: ${failed.name} check failed` : ''}.`)
    })

  simas
    .command('userinfo')
    .description("ask SIMAS-ID about a token (the documented fallback; slower than validate-token)")
    .requiredOption('--profile <name>', 'SIMAS-ID profile')
    .requiredOption('--token-file <path>', 'file holding the access token')
    .action(async (options: { profile: string; tokenFile: string }) => {
      context.out(JSON.stringify(await context.core().services.simas.userinfo(options.profile, await readToken(options.tokenFile)), null, 2))
    })

  simas
    .command('kyc-get')
    .description("SIMAS-ID's approved KYC data for a phone number, as Peruri registration fields")
    .requiredOption('--profile <name>', 'SIMAS-ID profile (with --api-base-url and --kyc-credentials)')
    .requiredOption('--phone-number <number>', 'phone number, e.g. 628…')
    .action(async (options: { profile: string; phoneNumber: string }) => {
      const prefill = await context.core().services.simas.peruriPrefill(options.profile, options.phoneNumber)
      if (!prefill) throw new TekenError('PROVIDER_HTTP_ERROR', `SIMAS-ID has no KYC data for ${options.phoneNumber}.`, { provider: 'SIMAS-ID', status: '404' })
      context.out(JSON.stringify(prefill, null, 2))
    })

  simas
    .command('sandbox')
    .description('the embedded SIMAS-ID sandbox')
    .command('start')
    .description('run the SIMAS-ID sandbox (JWKS, token, userinfo, common-KYC) until Ctrl-C / SIGTERM')
    .option('--port <port>', 'port to listen on (0: any free port)', portOption, 0)
    .action(async (options: { port: number }) => {
      const sandbox = await startSimasSandbox({ port: options.port })
      const [client] = sandbox.clients
      const [kyc] = sandbox.kycCredentials
      context.out(`SIMAS-ID sandbox on ${sandbox.url}`)
      context.out(`issuer ${sandbox.issuer}; a profile: simas profile set --name sandbox --base-url ${sandbox.url} --client-id ${client!.clientId} --api-base-url ${sandbox.url}`)
      context.out(`token: curl -s -d grant_type=client_credentials -u ${client!.clientId}:${client!.clientSecret} ${sandbox.issuer}/protocol/openid-connect/token`)
      context.out(`common-KYC Basic auth: ${kyc!.username} / ${kyc!.password}`)
      const signal = await untilStopped()
      await sandbox.close()
      process.stderr.write(`stopped (${signal})\n`)
    })
}

function describeReport(report: TokenReport): string {
  const width = Math.max(...report.checks.map((check) => check.name.length))
  const lines = report.checks.map((check) => `${check.skipped ? 'SKIP' : check.passed ? 'PASS' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.reason}`)
  const subject = report.valid && report.claims?.sub ? ` (sub ${report.claims.sub})` : ''
  return [...lines, report.valid ? `token is valid${subject}` : 'token is NOT valid'].join('\n')
}
