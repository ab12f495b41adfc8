import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKeytarSecretStore } from '../../../src/main/ports/keytar-secret-store'
import { sendSimasOtp } from '../../../src/main/sandbox/simas/simas-sandbox'
import { VAULT_KEY_ACCOUNT } from '../../../src/main/vault/vault'
import { createCli, startCli } from '../../support/cli'

// `npm run cli -- otp-webhook serve --port N`, the acceptance form of issue 7, called as SIMAS-ID calls it.
describe('CLI: otp-webhook serve', () => {
  let work: string
  const dataDir = () => join(work, 'data')
  const { run, keychainService } = createCli(dataDir)
  const serve = (...args: string[]) => startCli({ dataDir: dataDir(), keychainService }, 'otp-webhook', 'serve', ...args)
  const listening = /^OTP webhook listening on (http:\/\/127\.0\.0\.1:\d+\/otp) /m

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-cli-otp-'))
  })
  afterAll(async () => {
    await createKeytarSecretStore(keychainService).delete(VAULT_KEY_ACCOUNT)
    await rm(work, { recursive: true, force: true })
  })

  it('with --credentials NAME: prints every accepted OTP and nothing for a refused one, until SIGTERM', async () => {
    await writeFile(join(work, 'webhook-password.txt'), 'Webhook-Pa55\n')
    expect(run('vault', 'add-secret', '--name', 'simas-webhook', '--type', 'basic-auth', '--username', 'simas-id', '--secret-file', join(work, 'webhook-password.txt')).status).toBe(0)
    const cli = serve('--port', '0', '--credentials', 'simas-webhook')
    try {
      const [, url] = await cli.waitFor(listening)
      expect(cli.output().stdout).toContain('(POST, Basic auth "simas-webhook", username simas-id)')
      const refused = await sendSimasOtp({ url: url!, username: 'simas-id', password: 'wrong', identifier: '084512340987', otp: '999999', channel: 'sms' })
      expect(refused.status).toBe(401)
      const accepted = await sendSimasOtp({ url: url!, username: 'simas-id', password: 'Webhook-Pa55', identifier: '084512340987', otp: '123456', channel: 'whatsapp' })
      expect(accepted).toEqual({ status: 200, body: { status: 'received' } })
      await cli.waitFor(/^OTP 123456 for 084512340987 via whatsapp$/m)
    } finally {
      const { stdout, stderr } = await cli.stop('SIGTERM')
      expect(stdout).not.toContain('999999')
      expect(stderr).toBe('stopped (SIGTERM)\n')
    }
  }, 60_000)

  it('without --credentials: creates the "otp-webhook" login once, shows it once, and reuses it', async () => {
    const first = serve('--port', '0')
    let password: string
    try {
      const [, username, shown] = await first.waitFor(/^created vault item "otp-webhook" for the webhook's Basic auth: username (\S+), password (\S+)$/m, 'stderr')
      password = shown!
      expect(username).toBe('simas-id')
      expect(password).toMatch(/^[\w-]{24}$/)
      const [, url] = await first.waitFor(listening)
      expect((await sendSimasOtp({ url: url!, username: 'simas-id', password, identifier: 'user@example.com', otp: '246810', channel: 'email' })).status).toBe(200)
      await first.waitFor(/^OTP 246810 for user@example.com via email$/m)
    } finally {
      await first.stop('SIGINT')
    }
    expect(run('keys', 'list').stdout).toMatch(/^otp-webhook\tbasic-auth\tsimas-id \/ /m)

    const second = serve('--port', '0')
    try {
      const [, url] = await second.waitFor(listening)
      expect(second.output().stderr).not.toContain('created vault item')
      expect((await sendSimasOtp({ url: url!, username: 'simas-id', password, identifier: '0811', otp: '135790', channel: 'sms' })).status).toBe(200)
      await second.waitFor(/^OTP 135790 for 0811 via sms$/m)
    } finally {
      await second.stop('SIGTERM')
    }
  }, 60_000)

  it('refuses to start with credentials that are not in the vault', () => {
    const result = run('otp-webhook', 'serve', '--port', '0', '--credentials', 'no-such-item')
    expect(result.status).toBe(1)
    expect(result.stderr).toBe('teken: There is no vault item called "no-such-item".\n')
  }, 30_000)
})
