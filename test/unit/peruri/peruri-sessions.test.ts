import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SignatureBox } from '../../../src/shared/contract'
import { createAuditLog } from '../../../src/main/audit/audit-log'
import { verificationView } from '../../../src/main/documents/document-signing'
import { createOpenDocuments } from '../../../src/main/documents/open-documents'
import { verifyPdf } from '../../../src/main/pdf/verify'
import { createPeruriSessions, type PeruriSessions } from '../../../src/main/providers/peruri/peruri-sessions'
import { SANDBOX_DEMO_SIGNERS } from '../../../src/main/sandbox/peruri/sandbox-state'
import { CORPUS_DIR } from '../pdf/verify/reference-tools'
import { expectRejectedTekenError } from '../../support/teken-error'
import { latestOtp, startSandboxFixture, type SandboxFixture } from './support'

const budi = SANDBOX_DEMO_SIGNERS[0]
const siti = SANDBOX_DEMO_SIGNERS[1]
const box = (rect: SignatureBox['rect']): SignatureBox => ({ pageNumber: 1, rect, visible: true, reason: 'Disetujui', location: 'Jakarta', certificationLevel: 'NOT_CERTIFIED' })
const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000')

describe('Peruri sessions: the app flow one step per call, the OTP token kept in main', () => {
  let fixture: SandboxFixture
  let documents: ReturnType<typeof createOpenDocuments>
  let audit: ReturnType<typeof createAuditLog>
  let sessions: PeruriSessions
  let docId: string

  beforeAll(async () => {
    fixture = await startSandboxFixture({ otpMaxAttempts: 3, otpLifetimeSeconds: 300 })
    documents = createOpenDocuments()
    audit = createAuditLog({ file: join(fixture.stateDir, 'audit.log'), clock: fixture.clock, actor: 'test' })
    let verified = 0
    sessions = createPeruriSessions({
      client: async () => fixture.client,
      documents,
      async verify(id) {
        const path = join(fixture.stateDir, `verify-${(verified += 1)}.pdf`)
        await writeFile(path, documents.get(id).bytes)
        return verificationView(await verifyPdf(path))
      },
      audit,
    })
    docId = documents.open('kontrak vendor.pdf', await readFile(join(CORPUS_DIR, 'pdfjs-legal-size.pdf'))).docId
  })
  afterAll(() => fixture.dispose())

  it('sends, asks for the OTP, keeps the token through a wrong code, signs, and downloads into a new open document', async () => {
    const { orderId } = await sessions.send({ env: 'sandbox', docId, email: budi.email, boxes: [box([54.4, 45, 229, 116.2])] })
    await expectRejectedTekenError(sessions.sign({ env: 'sandbox', orderId, otp: '123456' }), 'PERURI_OTP_EXPIRED', /No OTP is pending/)

    // The renderer learns who gets the code and where, never the token.
    expect(await sessions.requestOtp({ env: 'sandbox', orderId })).toEqual({ signer: budi.email, phone: budi.phone })
    const code = latestOtp(fixture.sandbox, budi.email)
    await expectRejectedTekenError(sessions.sign({ env: 'sandbox', orderId, otp: wrongCode(code) }), 'PERURI_OTP_INVALID', /Kode OTP salah \(sisa 2 percobaan\)/)
    expect(await sessions.status({ env: 'sandbox', orderId })).toEqual({ orderId, resultDesc: 'Dokumen menunggu tanda tangan', status: 'WAITING', signedBy: [], nextSigner: budi.email, complete: false })

    expect(await sessions.sign({ env: 'sandbox', orderId, otp: code })).toEqual({ orderId, resultDesc: 'Dokumen sudah ditandatangani', status: 'SIGNED', signedBy: [budi.email], complete: true })
    await expectRejectedTekenError(sessions.requestOtp({ env: 'sandbox', orderId }), 'INVALID_REQUEST', /has signed already/)

    const { document, verification } = await sessions.download({ env: 'sandbox', orderId })
    expect(document.fileName).toBe('kontrak vendor-signed.pdf')
    expect(document.docId).not.toBe(docId)
    expect(verification.allValid).toBe(true)
    expect(verification.signatures.map((signature) => [signature.signer, signature.status, signature.reason, signature.location])).toEqual([['Budi Santoso', 'valid', 'Disetujui', 'Jakarta']])
    const original = documents.get(docId).bytes
    expect(documents.get(document.docId).bytes.subarray(0, original.length).equals(original)).toBe(true)
    expect((await audit.list(1))[0]).toMatchObject({ action: 'peruri.document-signed', subject: 'kontrak vendor.pdf', details: { environment: 'sandbox', orderId, signers: budi.email } })
  })

  it('drops the token when the attempts are used up or the code expires, so the next step is a new code', async () => {
    const { orderId } = await sessions.send({ env: 'sandbox', docId, email: budi.email, boxes: [box([54, 45, 229, 116])] })
    await sessions.requestOtp({ env: 'sandbox', orderId })
    const code = latestOtp(fixture.sandbox, budi.email)
    for (const left of [2, 1]) await expectRejectedTekenError(sessions.sign({ env: 'sandbox', orderId, otp: wrongCode(code) }), 'PERURI_OTP_INVALID', new RegExp(`sisa ${left} percobaan`))
    await expectRejectedTekenError(sessions.sign({ env: 'sandbox', orderId, otp: wrongCode(code) }), 'PERURI_OTP_EXPIRED', /terlalu banyak/)
    await expectRejectedTekenError(sessions.sign({ env: 'sandbox', orderId, otp: code }), 'PERURI_OTP_EXPIRED', /No OTP is pending/)

    await sessions.requestOtp({ env: 'sandbox', orderId })
    fixture.clock.advance(301_000)
    await expectRejectedTekenError(sessions.sign({ env: 'sandbox', orderId, otp: latestOtp(fixture.sandbox, budi.email) }), 'PERURI_OTP_EXPIRED', /kedaluwarsa/)
    await expectRejectedTekenError(sessions.sign({ env: 'sandbox', orderId, otp: latestOtp(fixture.sandbox, budi.email) }), 'PERURI_OTP_EXPIRED', /No OTP is pending/)

    await sessions.requestOtp({ env: 'sandbox', orderId })
    expect((await sessions.sign({ env: 'sandbox', orderId, otp: latestOtp(fixture.sandbox, budi.email) })).complete).toBe(true)
  })

  it('signs a tier in order, each signer with their own boxes, and says whose turn it is', async () => {
    const { orderId } = await sessions.sendTier({
      env: 'sandbox',
      docId,
      uploader: budi.email,
      signers: [
        { email: budi.email, boxes: [box([54, 45, 229, 116])] },
        { email: siti.email, boxes: [box([300, 45, 475, 116])] },
      ],
    })
    const tierSigners = [budi.email, siti.email]
    expect(await sessions.status({ env: 'sandbox', orderId })).toMatchObject({ nextSigner: budi.email, tierSigners, complete: false })

    expect(await sessions.requestOtp({ env: 'sandbox', orderId })).toEqual({ signer: budi.email, phone: budi.phone })
    expect(await sessions.sign({ env: 'sandbox', orderId, otp: latestOtp(fixture.sandbox, budi.email) })).toEqual({
      orderId,
      resultDesc: `Menunggu tanda tangan ${siti.email}`,
      status: 'IN_PROGRESS',
      signedBy: [budi.email],
      nextSigner: siti.email,
      tierSigners,
      complete: false,
    })
    expect(await sessions.requestOtp({ env: 'sandbox', orderId })).toEqual({ signer: siti.email, phone: siti.phone })
    expect(await sessions.sign({ env: 'sandbox', orderId, otp: latestOtp(fixture.sandbox, siti.email) })).toMatchObject({ status: 'SIGNED', signedBy: tierSigners, tierSigners, complete: true })

    const { verification } = await sessions.download({ env: 'sandbox', orderId })
    expect(verification.signatures.map((signature) => [signature.signer, signature.status])).toEqual([
      ['Budi Santoso', 'valid'],
      ['Siti Rahmawati', 'valid'],
    ])
  })

  it('refuses later steps for an order this app did not send, and keeps environments apart', async () => {
    const { orderId } = await sessions.send({ env: 'sandbox', docId, email: budi.email, boxes: [box([54, 45, 229, 116])] })
    await expectRejectedTekenError(sessions.requestOtp({ env: 'other', orderId }), 'INVALID_REQUEST', /was not sent to Peruri environment "other"/)
    await expectRejectedTekenError(sessions.sign({ env: 'sandbox', orderId: '999999', otp: '123456' }), 'INVALID_REQUEST', /Order 999999 was not sent/)
    await expectRejectedTekenError(sessions.status({ env: 'sandbox', orderId: '999999' }), 'PERURI_ERROR', /Order ID 999999 tidak ditemukan/)
  })
})
