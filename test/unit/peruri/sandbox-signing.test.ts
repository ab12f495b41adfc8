import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signerFromPlacement } from '../../../src/main/providers/peruri/protocol'
import { SANDBOX_DEMO_SIGNERS } from '../../../src/main/sandbox/peruri/sandbox-state'
import { qpdfCheck } from '../pdf/sign/support'
import { CORPUS_DIR, pdfsig } from '../pdf/verify/reference-tools'
import { expectRejectedTekenError } from '../../support/teken-error'
import { latestOtp, startSandboxFixture, type SandboxFixture } from './support'

const budi = SANDBOX_DEMO_SIGNERS[0].email
const siti = SANDBOX_DEMO_SIGNERS[1].email
const box = signerFromPlacement({ page: 1, rect: [54, 45, 229, 116], visible: true, reason: 'Disetujui', location: 'Jakarta', certificationLevel: 'NOT_CERTIFIED' })

describe('Peruri sandbox: single document signing over loopback HTTP', () => {
  let fixture: SandboxFixture
  let pdf: Buffer
  beforeAll(async () => {
    fixture = await startSandboxFixture()
    pdf = await readFile(join(CORPUS_DIR, 'pdfjs-legal-size.pdf'))
  })
  afterAll(() => fixture.dispose())

  it('sends, issues an OTP, signs and downloads a PDF that pdfsig calls valid', async () => {
    const { client, sandbox } = fixture
    const { orderId } = await client.sendDocument({ email: budi, fileName: 'kontrak.pdf', document: pdf, signer: [box] })
    expect(await client.viewDocument(orderId)).toEqual({ document: pdf, coordinatesSet: true })
    const otp = await client.getOtp(orderId)
    expect(otp.token).toMatch(/^[0-9a-f]{32}$/)
    await client.signing({ orderId, otpCode: latestOtp(sandbox, budi), token: otp.token })
    expect(await client.checkDocumentStatus(orderId)).toMatchObject({ status: 'SIGNED', signedBy: [budi] })
    const signed = await client.downloadDocument(orderId)
    expect(signed.subarray(0, pdf.length).equals(pdf)).toBe(true)
    const out = join(fixture.stateDir, 'downloaded.pdf')
    await writeFile(out, signed)
    const signatures = pdfsig(out)
    expect(signatures).toHaveLength(1)
    expect(signatures[0]).toMatchObject({ commonName: 'Budi Santoso', validation: 'Signature is Valid.', totalDocumentSigned: true })
    expect((await qpdfCheck(out)).code).toBe(0)
    expect(sandbox.order(orderId)?.signCount).toBe(1)
  })

  it('refuses a wrong OTP, then burns the token after the last attempt', async () => {
    const { client, sandbox } = fixture
    const { orderId } = await client.sendDocument({ email: budi, fileName: 'a.pdf', document: pdf, signer: [box] })
    const { token } = await client.getOtp(orderId)
    const wrong = latestOtp(sandbox, budi) === '000000' ? '111111' : '000000'
    await expectRejectedTekenError(client.signing({ orderId, otpCode: wrong, token }), 'PERURI_OTP_INVALID', /sisa 2/)
    await expectRejectedTekenError(client.signing({ orderId, otpCode: wrong, token }), 'PERURI_OTP_INVALID', /sisa 1/)
    await expectRejectedTekenError(client.signing({ orderId, otpCode: wrong, token }), 'PERURI_OTP_EXPIRED', /terlalu banyak/)
    await expectRejectedTekenError(client.signing({ orderId, otpCode: latestOtp(sandbox, budi), token }), 'PERURI_ERROR', /Token OTP tidak valid/)
    expect(sandbox.order(orderId)?.signCount).toBe(0)
  })

  it('lets an OTP expire', async () => {
    const { client, sandbox, clock } = fixture
    const { orderId } = await client.sendDocument({ email: budi, fileName: 'b.pdf', document: pdf, signer: [box] })
    const { token } = await client.getOtp(orderId)
    clock.advance(6 * 60_000)
    await expectRejectedTekenError(client.signing({ orderId, otpCode: latestOtp(sandbox, budi), token }), 'PERURI_OTP_EXPIRED', /kedaluwarsa/)
  })

  it('never signs an order twice', async () => {
    const { client, sandbox } = fixture
    const { orderId } = await client.sendDocument({ email: budi, fileName: 'c.pdf', document: pdf, signer: [box] })
    const { token } = await client.getOtp(orderId)
    await client.signing({ orderId, otpCode: latestOtp(sandbox, budi), token })
    await expectRejectedTekenError(client.getOtp(orderId), 'PERURI_ERROR', /sudah ditandatangani/)
    expect(sandbox.order(orderId)?.signCount).toBe(1)
  })

  it('signs a tier document in order and says whose turn it is', async () => {
    const { client, sandbox } = fixture
    const { orderId } = await client.sendDocumentTier({ uploader: budi, fileName: 'tier.pdf', document: pdf, signers: [budi, siti] })
    expect(await client.checkDocumentStatus(orderId)).toMatchObject({ status: 'WAITING', nextSigner: budi })
    const first = await client.getOtp(orderId)
    await client.signingTier({ orderId, otpCode: latestOtp(sandbox, budi), token: first.token, signer: [box] })
    expect(await client.checkDocumentStatus(orderId)).toMatchObject({ status: 'IN_PROGRESS', nextSigner: siti, signedBy: [budi] })
    const second = await client.getOtp(orderId)
    expect(second.phone).toBe(SANDBOX_DEMO_SIGNERS[1].phone)
    await client.signingTier({ orderId, otpCode: latestOtp(sandbox, siti), token: second.token, signer: [signerFromPlacement({ page: 1, rect: [300, 45, 480, 116], visible: true, certificationLevel: 'NOT_CERTIFIED' })] })
    const out = join(fixture.stateDir, 'tier.pdf')
    await writeFile(out, await client.downloadDocument(orderId))
    const signatures = pdfsig(out)
    expect(signatures.map((signature) => [signature.commonName, signature.validation])).toEqual([
      ['Budi Santoso', 'Signature is Valid.'],
      ['Siti Rahmawati', 'Signature is Valid.'],
    ])
  })

  it('signs a bulk with one OTP', async () => {
    const { client, sandbox } = fixture
    const { orderIds } = await client.sendDocumentBulk({ email: budi, files: [1, 2, 3].map((n) => ({ fileName: `bulk-${n}.pdf`, document: pdf })) })
    expect(orderIds).toHaveLength(3)
    await expectRejectedTekenError(client.getOtpBulk(orderIds), 'PERURI_ERROR', /Koordinat/)
    for (const orderId of orderIds) await client.setSignature(orderId, box)
    const bulk = await client.getOtpBulk(orderIds)
    const signed = await client.signingBulk({ orderIdBulk: bulk.orderIdBulk, otpCodeBulk: latestOtp(sandbox, budi), tokenBulk: bulk.token })
    expect(signed.map((entry) => entry.orderId)).toEqual(orderIds)
    for (const orderId of orderIds) expect(sandbox.order(orderId)).toMatchObject({ status: 'SIGNED', signCount: 1 })
  })

  it('signs through Signing System with the HMAC session and refuses a wrong one', async () => {
    const { client, sandbox } = fixture
    const orderIds: string[] = []
    for (const n of [1, 2]) orderIds.push((await client.sendDocument({ email: budi, fileName: `sys-${n}.pdf`, document: pdf, signer: [box], orderType: 'SYSTEM' })).orderId)
    await expectRejectedTekenError(client.signingSystem(orderIds, 'p3rur1'), 'PERURI_ERROR', /Set Key/)
    const { expiresAt } = await client.setKey('p3rur1', 30)
    expect(expiresAt!.getTime() - fixture.clock.now().getTime()).toBeGreaterThan(29 * 60_000)
    await expectRejectedTekenError(client.signingSystem(orderIds, 'wrong-key'), 'PERURI_ERROR', /Session tidak valid/)
    await client.signingSystem(orderIds, 'p3rur1')
    for (const orderId of orderIds) expect(sandbox.order(orderId)).toMatchObject({ status: 'SIGNED', signCount: 1 })
  })
})
