import type { Command } from 'commander'
import { DEFAULT_OTP_WEBHOOK_CREDENTIALS, otpWebhookCredentials, startOtpWebhook } from '../../main/otp/otp-webhook'
import type { CliContext } from '../context'
import { portOption, untilStopped } from '../options'

export function registerOtpWebhookCommands(program: Command, context: CliContext): void {
  const webhook = program.command('otp-webhook').description("SIMAS-ID's OTP webhook (seed 002): receive OTP codes over HTTP with Basic auth")

  webhook
    .command('serve')
    .description('run the OTP webhook until Ctrl-C / SIGTERM and print every OTP received')
    .requiredOption('--port <port>', 'port to listen on (0: any free port)', portOption)
    .option('--host <host>', 'address to listen on; anything but loopback exposes it to the network', '127.0.0.1')
    .option('--credentials <name>', `vault item (basic-auth) SIMAS-ID logs in with (default "${DEFAULT_OTP_WEBHOOK_CREDENTIALS}", created on first use)`)
    .action(async (options: { port: number; host: string; credentials?: string }) => {
      const { vault, otpInbox } = context.core().services
      const ref = options.credentials ?? DEFAULT_OTP_WEBHOOK_CREDENTIALS
      const { credentials, created } = await otpWebhookCredentials(vault, ref, options.credentials === undefined)
      if (created) {
        // Shown once, like a new API key: SIMAS-ID needs the pair, and the vault keeps it afterwards.
        process.stderr.write(`created vault item "${ref}" for the webhook's Basic auth: username ${credentials.username}, password ${credentials.password}\n`)
      }
      const server = await startOtpWebhook({
        inbox: otpInbox,
        credentials,
        port: options.port,
        host: options.host,
        onReceived: (message) => context.out(`OTP ${message.otp} for ${message.identifier} via ${message.channel}`),
      })
      context.out(`OTP webhook listening on ${server.url} (POST, Basic auth "${ref}", username ${credentials.username}); stop with Ctrl-C`)
      const signal = await untilStopped()
      await server.close()
      process.stderr.write(`stopped (${signal})\n`)
    })
}
