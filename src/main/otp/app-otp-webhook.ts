import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { OtpWebhookStatus } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import { writeFileAtomic } from '../platform/atomic-file'
import { oneAtATime } from '../platform/one-at-a-time'
import type { BasicCredentials } from '../providers/simas/basic-auth'
import type { Vault } from '../vault/vault'
import type { OtpInbox } from './otp-inbox'
import { DEFAULT_OTP_WEBHOOK_CREDENTIALS, otpWebhookCredentials, startOtpWebhook, type OtpWebhook } from './otp-webhook'

/** Where the webhook listens until the user picks another port. */
export const DEFAULT_APP_OTP_WEBHOOK_PORT = 8765

const ConfigSchema = z.object({ version: z.literal(1), port: z.number().int().min(0).max(65535) }).strict()

/** Where an OTP sender (the Peruri sandbox, playing SIMAS-ID) delivers to the running webhook. */
export interface OtpWebhookTarget extends BasicCredentials {
  url: string
}

/**
 * The app's own OTP webhook (seed 002), started and stopped from the UI: it feeds the OTP inbox
 * the Peruri OTP prompt reads. Basic auth comes from the vault item "otp-webhook" (created with a
 * random password on first start); the port is remembered in `otp-webhook.json`.
 */
export function createAppOtpWebhook(options: { inbox: OtpInbox; vault: Vault; dataDir: string }) {
  const file = join(options.dataDir, 'otp-webhook.json')
  let running: { webhook: OtpWebhook; credentials: BasicCredentials } | undefined
  // Start and stop one after the other: a double click must not leave a second server behind.
  const exclusive = oneAtATime()

  async function configuredPort(): Promise<number> {
    try {
      const parsed = ConfigSchema.safeParse(JSON.parse(await readFile(file, 'utf8')))
      if (parsed.success) return parsed.data.port
    } catch {
      // No file yet, or one that is not ours: the default port serves until the user starts it on another.
    }
    return DEFAULT_APP_OTP_WEBHOOK_PORT
  }

  async function status(): Promise<OtpWebhookStatus> {
    return running
      ? { running: true, port: running.webhook.port, url: running.webhook.url, credentialsName: DEFAULT_OTP_WEBHOOK_CREDENTIALS }
      : { running: false, port: await configuredPort(), credentialsName: DEFAULT_OTP_WEBHOOK_CREDENTIALS }
  }

  async function close(): Promise<void> {
    const current = running
    running = undefined
    await current?.webhook.close()
  }

  return {
    status,

    start: (port: number) =>
      exclusive(async () => {
        await close()
        const { credentials } = await otpWebhookCredentials(options.vault, DEFAULT_OTP_WEBHOOK_CREDENTIALS, true)
        const webhook = await startOtpWebhook({ inbox: options.inbox, credentials, port }).catch((error: unknown) => {
          const code = (error as NodeJS.ErrnoException).code
          if (code === 'EADDRINUSE' || code === 'EACCES') throw new TekenError('OTP_WEBHOOK_PORT_IN_USE', `Port ${port} cannot be used (${code === 'EACCES' ? 'not allowed' : 'another program listens on it'}); pick another port.`, { port: String(port) })
          throw error
        })
        running = { webhook, credentials }
        await writeFileAtomic(file, `${JSON.stringify({ version: 1, port })}\n`)
        return status()
      }),

    stop: () =>
      exclusive(async () => {
        await close()
        return status()
      }),

    /**
     * The vault item with the webhook's Basic-auth login, created now if missing, so the user can
     * copy its password for SIMAS-ID before ever starting the webhook. If the item was deleted while
     * the webhook runs, it is made again with the login the running webhook checks.
     */
    ensureCredentials: () =>
      exclusive(async () => {
        const { created } = await otpWebhookCredentials(options.vault, DEFAULT_OTP_WEBHOOK_CREDENTIALS, true, running?.credentials)
        const { item } = await options.vault.secret(DEFAULT_OTP_WEBHOOK_CREDENTIALS)
        return { id: item.id, name: item.name, created }
      }),

    /** The running webhook with its login, for an in-process sender; undefined while it is stopped. */
    target(): OtpWebhookTarget | undefined {
      return running && { url: running.webhook.url, ...running.credentials }
    },

    /** Stops the webhook when the core shuts down (CLI exit, test teardown). */
    close: () => exclusive(close),
  }
}

export type AppOtpWebhook = ReturnType<typeof createAppOtpWebhook>
