import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_APP_OTP_WEBHOOK_PORT } from '../../../src/main/otp/app-otp-webhook'
import { basicCredentialsFromVault } from '../../../src/main/providers/simas/basic-auth'
import { SANDBOX_DEMO_SIGNERS } from '../../../src/main/sandbox/peruri/sandbox-state'
import { sendSimasOtp } from '../../../src/main/sandbox/simas/simas-sandbox'
import type { OtpWebhookStatus, ReceivedOtp } from '../../../src/shared/contract'
import type { IpcResult } from '../../../src/shared/errors'
import { createTestCore, routerCalls, type TestCore } from '../../support/core'
import { CORPUS_DIR } from '../pdf/verify/reference-tools'

const budi = SANDBOX_DEMO_SIGNERS[0]

/** Resolves with `check`'s first defined answer, trying every 50 ms for up to 5 s. */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const found = await check()
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('not within 5 s')
}

describe("The app's OTP webhook through the router of a real core", () => {
  let testCore: TestCore
  const { call, value } = routerCalls(() => testCore)
  const received = async (identifiers: string[], since: Date) => (await value<{ codes: ReceivedOtp[] }>('receivedOtps', { identifiers, since: since.toISOString() })).codes

  beforeAll(async () => {
    testCore = await createTestCore()
  })
  afterAll(() => testCore.dispose())

  it('is stopped until the user starts it, on the default port, with its vault item named', async () => {
    expect(await value('getOtpWebhook')).toEqual({ running: false, port: DEFAULT_APP_OTP_WEBHOOK_PORT, credentialsName: 'otp-webhook' })
  })

  it('starts with Basic auth from the vault, takes a real POST, offers the code for its identifier, refuses a wrong login, and stops', async () => {
    const status = await value<OtpWebhookStatus>('startOtpWebhook', { port: 0 })
    expect(status).toEqual({ running: true, port: expect.any(Number), url: `http://127.0.0.1:${status.port}/otp`, credentialsName: 'otp-webhook' })
    // The first start made the vault item; its password never crosses to the renderer.
    const credentials = await basicCredentialsFromVault(testCore.core.services.vault, 'otp-webhook')
    expect(credentials.username).toBe('simas-id')
    expect(JSON.stringify(await value('getOtpWebhook'))).not.toContain(credentials.password)

    const since = new Date()
    const accepted = await sendSimasOtp({ url: status.url!, ...credentials, identifier: '084512340987', otp: '482913', channel: 'sms' })
    expect(accepted).toEqual({ status: 200, body: { status: 'received' } })
    // Either Indonesian form of the number finds it; another number and an older `since` cut do not mix.
    const codes = await received(['+62 845-1234-0987'], since)
    expect(codes).toEqual([{ otp: '482913', identifier: '084512340987', channel: 'sms', receivedAt: expect.any(String) }])
    expect(await received(['081299999999', 'someone@example.com'], since)).toEqual([])
    expect(await received(['084512340987'], new Date(Date.now() + 60_000))).toEqual([])

    const refused = await sendSimasOtp({ url: status.url!, username: credentials.username, password: `${credentials.password}x`, identifier: '084512340987', otp: '111111', channel: 'sms' })
    expect(refused).toEqual({ status: 401, body: { error: 'unauthorized', error_description: 'Basic authentication with the webhook username and password is required.' } })
    expect((await received(['084512340987'], since)).map((code) => code.otp)).toEqual(['482913'])

    // Stopped, it shows the port the user asked for (0: any free one), remembered for the next start.
    expect(await value('stopOtpWebhook')).toEqual({ running: false, port: 0, credentialsName: 'otp-webhook' })
    await expect(fetch(status.url!, { method: 'POST' })).rejects.toThrow()
    expect(JSON.parse(await readFile(join(testCore.dataDir, 'otp-webhook.json'), 'utf8'))).toEqual({ version: 1, port: 0 })
  })

  it('moves to another port on a second start, leaving nothing on the old one', async () => {
    const first = await value<OtpWebhookStatus>('startOtpWebhook', { port: 0 })
    const second = await value<OtpWebhookStatus>('startOtpWebhook', { port: 0 })
    expect(second.url).not.toBe(first.url)
    await expect(fetch(first.url!, { method: 'POST' })).rejects.toThrow()
    expect((await fetch(second.url!, { method: 'POST' })).status).toBe(401)
    await value('stopOtpWebhook')
  })

  it('says so when the port is taken', async () => {
    const taken: Server = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as { port: number }
    try {
      expect(await call('startOtpWebhook', { port })).toMatchObject({ ok: false, error: { code: 'OTP_WEBHOOK_PORT_IN_USE', details: { port: String(port) } } })
      expect(await value('getOtpWebhook')).toMatchObject({ running: false })
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })

  it("gets the embedded Peruri sandbox's OTP through the webhook while it runs, and not after it stops", async () => {
    const pdf = (await readFile(join(CORPUS_DIR, 'pdfjs-legal-size.pdf'))).toString('base64')
    const { docId } = await value<{ docId: string }>('openDocumentBytes', { fileName: 'surat.pdf', base64: pdf })
    const boxes = [{ pageNumber: 1, rect: [54, 45, 229, 116], visible: true, reason: '', location: '', certificationLevel: 'NOT_CERTIFIED' }]
    const { orderId } = await value<{ orderId: string }>('peruriSendDocument', { env: 'sandbox', docId, email: budi.email, boxes })
    // The sandbox starts before the webhook: it must still find the webhook that runs when it sends.
    await value('startOtpWebhook', { port: 0 })

    const since = new Date()
    const sent = await value<{ signer: string; phone?: string }>('peruriRequestOtp', { env: 'sandbox', orderId })
    expect(sent).toEqual({ signer: budi.email, phone: budi.phone })
    const [code] = await eventually(async () => {
      const codes = await received([sent.phone!, sent.signer], since)
      return codes.length > 0 ? codes : undefined
    })
    const { sandbox } = await testCore.core.services.sandboxHost.peruri()
    expect(code).toMatchObject({ otp: sandbox.otps(budi.email).at(-1)!.otp, identifier: budi.phone, channel: 'sms' })

    // The code from the webhook signs the order.
    expect(await value('peruriSign', { env: 'sandbox', orderId, otp: code!.otp })).toMatchObject({ orderId, complete: true })

    await value('stopOtpWebhook')
    const { orderId: second } = await value<{ orderId: string }>('peruriSendDocument', { env: 'sandbox', docId, email: budi.email, boxes })
    const after = new Date()
    await value('peruriRequestOtp', { env: 'sandbox', orderId: second })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await received([budi.phone], after)).toEqual([])
    expect(sandbox.otps(budi.email).at(-1)!.orderIds).toEqual([second])
  })

  it('is closed when the core is disposed', async () => {
    const other = await createTestCore()
    const started = (await other.core.router.dispatch('startOtpWebhook', { port: 0 })) as IpcResult<OtpWebhookStatus>
    const url = started.ok ? started.value.url : undefined
    expect((await fetch(url!, { method: 'POST' })).status).toBe(401)
    await other.dispose()
    await expect(fetch(url!, { method: 'POST' })).rejects.toThrow()
  })
})
