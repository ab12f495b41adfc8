import type { Command } from 'commander'
import { formatWib } from '../../shared/time'
import { TekenError } from '../../shared/errors'
import type { CliContext } from '../context'

export function registerSystemCommands(program: Command, context: CliContext): void {
  program
    .command('info')
    .description('show the version, runtime and data folder Teken uses')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { services } = context.core()
      const info = services.appInfo.get()
      const settings = await services.settings.get()
      if (options.json) return context.out(JSON.stringify({ ...info, settings }, null, 2))
      context.out(
        [
          `Teken ${info.version} (${info.runtime}, Node ${info.versions.node}, ${info.platform}/${info.arch})`,
          `data folder:  ${info.dataDir}`,
          `environment:  ${settings.environment}`,
          `language:     ${settings.language}`,
          `time:         ${formatWib(new Date(), settings.language, { seconds: true })}`,
        ].join('\n'),
      )
    })

  const keychain = program.command('keychain').description('the OS keychain that holds the vault key')
  keychain
    .command('status')
    .description('check that the OS keychain answers (exit 1 when it does not)')
    .action(async () => {
      const status = await context.core().services.keychain.status()
      context.out(`keychain: ${status.backend}, service "${status.service}"`)
      if (!status.available) throw new TekenError('KEYCHAIN_UNAVAILABLE', status.problem ?? 'The keychain did not answer.')
      context.out('status:   available')
    })
}
