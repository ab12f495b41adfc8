import { InvalidArgumentError, Option, type Command } from 'commander'
import { applySnapPreset, SNAP_PRESET_NAMES, type SnapPresetName } from '../../main/providers/snap/profile'
import { parseResponseCode } from '../../main/providers/snap/response-code'
import type { SnapMethod } from '../../main/providers/snap/snap-client'
import { SNAP_SANDBOX_BALANCE_INQUIRY_PATH, SNAP_SANDBOX_TOKEN_PATH, startSnapSandbox } from '../../main/sandbox/snap/snap-sandbox'
import { TekenError } from '../../shared/errors'
import { formatWib } from '../../shared/time'
import type { CliContext } from '../context'
import { readInput } from '../files'
import { methodOption, portOption, untilStopped } from '../options'

const secondsOption = (value: string) => {
  const seconds = Number(value)
  if (!Number.isInteger(seconds) || seconds < 1) throw new InvalidArgumentError('use a whole number of seconds')
  return seconds
}

const readBody = async (path?: string) => (path ? (await readInput(path)).toString('utf8') : '')

export function registerSnapCommands(program: Command, context: CliContext): void {
  const snap = program.command('snap').description('SNAP (Bank Indonesia Open API) for Ifortepay and OVO: access tokens, request signatures, a local sandbox')
  const snapClient = () => context.core().services.snap

  snap
    .command('sign-access-token')
    .description('print the Access Token B2B X-SIGNATURE: base64 SHA256withRSA over "clientId|timestamp"')
    .requiredOption('--key <name>', 'vault name of the RSA key')
    .requiredOption('--client-id <id>', 'X-CLIENT-KEY')
    .option('--timestamp <ts>', 'X-TIMESTAMP exactly as it will be sent (default: now, in WIB)')
    .option('--json', 'print the string to sign, the timestamp and the signature as JSON')
    .action(async (options: { key: string; clientId: string; timestamp?: string; json?: boolean }) => {
      const signed = await snapClient().signAccessToken({ keyRef: options.key, clientId: options.clientId, timestamp: options.timestamp })
      if (options.json) return context.out(JSON.stringify(signed, null, 2))
      if (!options.timestamp) process.stderr.write(`X-TIMESTAMP: ${signed.timestamp}\n`)
      context.out(signed.signature)
    })

  snap
    .command('token')
    .description("print the profile's access token (its expiry goes to stderr)")
    .requiredOption('--profile <name>', 'SNAP profile')
    .action(async (options: { profile: string }) => {
      const token = await snapClient().getAccessToken(options.profile)
      process.stderr.write(`${token.tokenType} token, expires ${formatWib(token.expiresAt, 'en', { seconds: true })}\n`)
      context.out(token.accessToken)
    })

  snap
    .command('sign-service')
    .description("print a service call's X-SIGNATURE with the profile's settings (symmetric HMAC-SHA512 or asymmetric SHA256withRSA)")
    .requiredOption('--profile <name>', 'SNAP profile')
    .requiredOption('--method <method>', 'HTTP method', methodOption)
    .requiredOption('--path <path>', 'path below the base URL, with any query string')
    .option('--token <token>', "access token without \"Bearer \" (default: the profile's current token)")
    .option('--timestamp <ts>', 'X-TIMESTAMP exactly as it will be sent (default: now)')
    .option('--body-file <path>', 'JSON request body; it is minified before hashing (default: empty body)')
    .option('--json', 'print the whole request as JSON: headers, string to sign (token masked), signature, curl')
    .action(async (options: { profile: string; method: SnapMethod; path: string; token?: string; timestamp?: string; bodyFile?: string; json?: boolean }) => {
      const preview = await snapClient().previewServiceRequest(options.profile, {
        method: options.method,
        path: options.path,
        body: await readBody(options.bodyFile),
        accessToken: options.token,
        timestamp: options.timestamp,
      })
      if (options.json) return context.out(JSON.stringify(preview, null, 2))
      if (!options.timestamp) process.stderr.write(`X-TIMESTAMP: ${preview.headers['X-TIMESTAMP']}\n`)
      context.out(preview.signature)
    })

  snap
    .command('send')
    .description('send a signed service call and print the JSON answer (a rejected token is renewed; only --idempotent calls are sent again)')
    .requiredOption('--profile <name>', 'SNAP profile')
    .requiredOption('--method <method>', 'HTTP method', methodOption)
    .requiredOption('--path <path>', 'path below the base URL, with any query string')
    .option('--body-file <path>', 'JSON request body (sent minified)')
    .option('--idempotent', 'safe to send twice, e.g. an inquiry')
    .action(async (options: { profile: string; method: SnapMethod; path: string; bodyFile?: string; idempotent?: boolean }) => {
      const result = await snapClient().send(options.profile, { method: options.method, path: options.path, body: await readBody(options.bodyFile), idempotent: options.idempotent === true })
      const code = result.responseCode
      process.stderr.write(`HTTP ${result.httpStatus}${code ? `, ${code.code}: ${code.meaning}` : ''}, X-EXTERNAL-ID ${result.externalId}${result.replayed ? ', sent again after a new token' : ''}\n`)
      context.out(JSON.stringify(result.body, null, 2))
    })

  const profile = snap.command('profile').description('SNAP provider profiles: base URL, client id and the vault names of the key and client secret')

  profile
    .command('set')
    .description('create or replace a profile from a preset; every field can be overridden')
    .requiredOption('--name <name>', 'profile name')
    .addOption(new Option('--preset <preset>', 'starting point').choices(SNAP_PRESET_NAMES).makeOptionMandatory())
    .option('--base-url <url>', "the provider's base URL (required for the ovo and sandbox presets)")
    .option('--token-path <path>', 'access-token path below the base URL')
    .requiredOption('--client-id <id>', 'X-CLIENT-KEY')
    .requiredOption('--key <name>', 'vault name of the RSA private key')
    .option('--client-secret-ref <name>', 'vault name of the client secret (symmetric service signatures)')
    .option('--partner-id <id>', 'X-PARTNER-ID')
    .option('--channel-id <id>', 'CHANNEL-ID')
    .addOption(new Option('--service-signature <kind>', 'service signature').choices(['symmetric', 'asymmetric']))
    .addOption(new Option('--signature-encoding <encoding>', 'service signature encoding').choices(['base64', 'hex']))
    .option('--include-query', 'sign the query string as part of EndpointUrl')
    .addOption(new Option('--timestamp-format <format>', 'X-TIMESTAMP style').choices(['wib', 'utc-millis']))
    .action(
      async (options: {
        name: string
        preset: SnapPresetName
        baseUrl?: string
        tokenPath?: string
        clientId: string
        key: string
        clientSecretRef?: string
        partnerId?: string
        channelId?: string
        serviceSignature?: 'symmetric' | 'asymmetric'
        signatureEncoding?: 'base64' | 'hex'
        includeQuery?: boolean
        timestampFormat?: 'wib' | 'utc-millis'
      }) => {
        const config = applySnapPreset(options.preset, {
          baseUrl: options.baseUrl,
          tokenPath: options.tokenPath,
          clientId: options.clientId,
          privateKeyRef: options.key,
          clientSecretRef: options.clientSecretRef,
          partnerId: options.partnerId,
          channelId: options.channelId,
          serviceSignature: options.serviceSignature,
          signatureEncoding: options.signatureEncoding,
          includeQueryInEndpoint: options.includeQuery,
          timestampFormat: options.timestampFormat,
        })
        const saved = await snapClient().saveProfile(options.name, config)
        context.out(`saved SNAP profile ${options.name}: ${saved.baseUrl}${saved.tokenPath}, client ${saved.clientId}, key ${saved.privateKeyRef}`)
      },
    )

  profile
    .command('list')
    .description('list SNAP profiles')
    .action(async () => {
      const profiles = await snapClient().listProfiles()
      if (!profiles.length) return context.out('no SNAP profiles')
      for (const { name, config } of profiles) context.out([name, config.baseUrl, config.clientId, config.privateKeyRef].map(String).join('\t'))
    })

  snap
    .command('sandbox')
    .description('the embedded SNAP sandbox')
    .command('start')
    .description('serve the SNAP sandbox on loopback until Ctrl+C, with the partners of the given profiles registered')
    .option('--port <n>', 'port (default: any free port)', portOption, 0)
    .option('--profile <name...>', 'register the partner of these SNAP profiles (public key, client secret, partner id)', [])
    .option('--token-lifetime <seconds>', 'token lifetime (expiresIn)', secondsOption, 900)
    .action(async (options: { port: number; profile: string[]; tokenLifetime: number }) => {
      const sandbox = await startSnapSandbox({ port: options.port, tokenLifetimeSeconds: options.tokenLifetime })
      let signal: string
      try {
        for (const name of options.profile) sandbox.registerPartner(await snapClient().sandboxRegistration(name))
        context.out(sandbox.url)
        process.stderr.write(`SNAP sandbox: POST …${SNAP_SANDBOX_TOKEN_PATH}, POST …${SNAP_SANDBOX_BALANCE_INQUIRY_PATH}; ${options.profile.length} partner(s). Ctrl+C stops it.\n`)
        signal = await untilStopped()
      } finally {
        await sandbox.close()
      }
      process.stderr.write(`stopped (${signal})\n`)
    })

  snap
    .command('response-code')
    .description('explain a SNAP responseCode: HTTP status, service code, case code and meaning')
    .argument('<code>', '7 characters, e.g. 4017300')
    .option('--message <text>', 'the responseMessage, which some providers (OVO) make decisive')
    .action((code: string, options: { message?: string }) => {
      const parsed = parseResponseCode(code, options.message)
      if (!parsed) throw new TekenError('INVALID_REQUEST', `"${code}" is not a SNAP responseCode: 3-digit HTTP status, 2-digit service code, 2-digit case code.`)
      context.out(`HTTP ${parsed.httpStatus}, service ${parsed.serviceCode}${parsed.service ? ` (${parsed.service})` : ''}, case ${parsed.caseCode}: ${parsed.meaning}`)
    })
}
