import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_DEMO_SIGNERS } from '../../../src/main/sandbox/peruri/sandbox-state'
import { decidePermission } from '../../../src/main/security/permissions'
import { CORPUS_DIR } from '../pdf/verify/reference-tools'
import { createTestCore, routerCalls, type TestCore } from '../../support/core'

const budi = SANDBOX_DEMO_SIGNERS[0].email

describe('Peruri channels through the router of a real core', () => {
  let testCore: TestCore
  const { call, value } = routerCalls(() => testCore)

  beforeAll(async () => {
    testCore = await createTestCore()
  })
  afterAll(() => testCore.dispose())

  it('offers the embedded sandbox with its demo signers, and follows the environment switch', async () => {
    expect(await value('listPeruriEnvironments')).toEqual({
      environments: [{ name: 'sandbox', baseUrl: 'embedded', systemId: 'TEKEN-SANDBOX', embedded: true, suggestedEmails: SANDBOX_DEMO_SIGNERS.map((signer) => signer.email) }],
      preferred: 'sandbox',
    })
    await value('updateSettings', { environment: 'staging' })
    expect(await value('listPeruriEnvironments')).toMatchObject({ preferred: 'development' })
    await value('updateSettings', { environment: 'sandbox' })
  })

  it("shows the sandbox's OTP inbox in the Sandbox environment only", async () => {
    const { docId } = await value<{ docId: string }>('openDocumentBytes', { fileName: 'surat.pdf', base64: (await readFile(join(CORPUS_DIR, 'pdfjs-legal-size.pdf'))).toString('base64') })
    const boxes = [{ pageNumber: 1, rect: [54, 45, 229, 116], visible: true, reason: '', location: '', certificationLevel: 'NOT_CERTIFIED' }]
    const { orderId } = await value<{ orderId: string }>('peruriSendDocument', { env: 'sandbox', docId, email: budi, boxes })
    for (let request = 0; request < 2; request += 1) await value('peruriRequestOtp', { env: 'sandbox', orderId })

    const { messages } = await value<{ messages: { otp: string; orderIds: string[] }[] }>('sandboxOtpInbox', { email: budi })
    const sent = testCore.core.services.sandboxHost.peruri().then(({ sandbox }) => sandbox.otps(budi).map((message) => message.otp))
    expect(messages.map((message) => message.otp)).toEqual((await sent).reverse())
    expect(messages[0]).toMatchObject({ orderIds: [orderId], phone: SANDBOX_DEMO_SIGNERS[0].phone, email: budi })

    await value('updateSettings', { environment: 'staging' })
    expect(await call('sandboxOtpInbox', { email: budi })).toMatchObject({ ok: false, error: { code: 'SANDBOX_ONLY' } })
    await value('updateSettings', { environment: 'sandbox' })
  })

  it('saves an open document under its own name', async () => {
    const bytes = await readFile(join(CORPUS_DIR, 'pdfjs-legal-size.pdf'))
    const { docId } = await value<{ docId: string }>('openDocumentBytes', { fileName: 'kontrak-signed.pdf', base64: bytes.toString('base64') })
    const saved = await value<{ saved: boolean; path: string }>('saveDocument', { docId })
    expect(saved).toEqual({ saved: true, path: join(testCore.dataDir, 'exports', 'kontrak-signed.pdf') })
    expect((await readFile(saved.path)).equals(bytes)).toBe(true)
  })

  it('arms the camera for the e-KYC recording, video only', async () => {
    const videoRequest = { permission: 'media', mediaTypes: ['video'], requestingUrl: 'app://teken/index.html', isMainFrame: true }
    const isAppUrl = (url: string) => url.startsWith('app://teken/')
    expect(decidePermission(videoRequest, testCore.core.services.camera, isAppUrl)).toBe(false)
    expect(await value('armCamera')).toEqual({ armedForSeconds: 60 })
    expect(decidePermission(videoRequest, testCore.core.services.camera, isAppUrl)).toBe(true)
    expect(decidePermission({ ...videoRequest, mediaTypes: ['video', 'audio'] }, testCore.core.services.camera, isAppUrl)).toBe(false)
  })
})
