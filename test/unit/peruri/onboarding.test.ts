import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signerFromPlacement } from '../../../src/main/providers/peruri/protocol'
import { specimenPng } from '../pdf/sign/support'
import { CORPUS_DIR, pdfsig } from '../pdf/verify/reference-tools'
import { expectRejectedTekenError } from '../../support/teken-error'
import { latestOtp, startSandboxFixture, type SandboxFixture } from './support'

// The smallest MP4 a camera recorder could hand over: an ftyp box is what the sandbox checks for.
const video = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(12)])
const ktpPhoto = specimenPng()
const registration = {
  name: 'Dewi Lestari', phone: '081298765432', email: 'dewi.lestari@contoh.co.id', ktp: '3171016505910003', ktpPhoto: ktpPhoto.toString('base64'), address: 'Jl. Sudirman 1',
  city: 'Jakarta Pusat', province: 'DKI Jakarta', gender: 'F' as const, placeOfBirth: 'Bandung', dateOfBirth: '25/05/1991',
}

describe('Peruri sandbox: signer onboarding through certificate issuance', () => {
  let fixture: SandboxFixture
  beforeAll(async () => {
    fixture = await startSandboxFixture()
  })
  afterAll(() => fixture.dispose())

  it('registers, activates, verifies by video, takes the speciment, issues a certificate, then signs with it', async () => {
    const { client, sandbox } = fixture
    await client.registration(registration)
    await expectRejectedTekenError(client.registration(registration), 'PERURI_ERROR', /sudah terdaftar/)
    expect(await client.checkCertificate(registration.email)).toMatchObject({ issued: false, resultDesc: expect.stringContaining('belum diaktivasi') })
    await expectRejectedTekenError(client.videoVerification(registration.email, video), 'PERURI_ERROR', /belum diaktivasi/)
    await client.activation(registration.email)
    await expectRejectedTekenError(client.videoVerification(registration.email, Buffer.from('not a video')), 'PERURI_ERROR', /bukan rekaman video/)
    await client.videoVerification(registration.email, video)
    expect(await client.checkCertificate(registration.email)).toMatchObject({ issued: false, resultDesc: expect.stringContaining('Spesimen') })
    await client.sendSpeciment(registration.email, specimenPng())
    expect(await client.checkCertificate(registration.email)).toEqual({ issued: true, resultCode: '0', resultDesc: 'Sertifikat sudah terbit' })

    const pdf = await readFile(join(CORPUS_DIR, 'pdfjs-legal-size.pdf'))
    const { orderId } = await client.sendDocument({ email: registration.email, fileName: 'surat.pdf', document: pdf, signer: [signerFromPlacement({ page: 1, rect: [54, 45, 229, 116], visible: true, certificationLevel: 'NOT_CERTIFIED' })] })
    const { token, phone } = await client.getOtp(orderId)
    expect(phone).toBe(registration.phone)
    await client.signing({ orderId, otpCode: latestOtp(sandbox, registration.email), token })
    const out = join(fixture.stateDir, 'dewi.pdf')
    await writeFile(out, await client.downloadDocument(orderId))
    expect(pdfsig(out).map((signature) => [signature.commonName, signature.validation])).toEqual([['Dewi Lestari', 'Signature is Valid.']])
  })

  it('validates the registration fields the way seed 003 defines them', async () => {
    await expectRejectedTekenError(fixture.client.registration({ ...registration, email: 'x@contoh.co.id', ktp: '123' }), 'PERURI_ERROR', /ktp harus 16 digit/)
    await expectRejectedTekenError(fixture.client.registration({ ...registration, email: 'y@contoh.co.id', dateOfBirth: '1991-05-25' }), 'PERURI_ERROR', /dateOfBirth harus dd\/mm\/yyyy/)
    await expectRejectedTekenError(fixture.client.registration({ ...registration, email: 'z@contoh.co.id', ktpPhoto: Buffer.from('text').toString('base64') }), 'PERURI_ERROR', /Foto KTP/)
  })

  it('refuses to send a document for a signer without a certificate', async () => {
    await fixture.client.registration({ ...registration, email: 'baru@contoh.co.id' })
    await expectRejectedTekenError(fixture.client.sendDocument({ email: 'baru@contoh.co.id', fileName: 'a.pdf', document: Buffer.from('%PDF-1.7') }), 'PERURI_ERROR', /belum terbit/)
  })
})
