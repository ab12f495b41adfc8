import { describe, expect, it } from 'vitest'
import type { HttpRequest, HttpResponse } from '../../../src/main/ports/http-client'
import { createPeruriClient } from '../../../src/main/providers/peruri/peruri-client'
import { DEFAULT_PERURI_PATHS, PERURI_OPERATIONS, signerFromPlacement } from '../../../src/main/providers/peruri/protocol'
import { signingSystemSession } from '../../../src/main/providers/peruri/session'
import { parseWibTimestamp } from '../../../src/main/providers/peruri/wib'
import { createManualClock } from './support'

const API_KEY = 'bfa4be99-939e-4320-a3d3-46652c94d8a3'
const BASE = 'https://apgdev.peruri.co.id:9044/gateway/'

/** A client over a recording HttpClient that answers each operation like Peruri would. */
function recordingClient(answers: Partial<Record<string, unknown>> = {}) {
  const sent: { url: string; headers: Record<string, string>; json: unknown }[] = []
  const client = createPeruriClient({
    endpoint: { name: 'dev', baseUrl: BASE, paths: DEFAULT_PERURI_PATHS, apiKey: API_KEY, systemId: 'PERURI' },
    clock: createManualClock(new Date('2026-08-28T06:47:49Z')),
    http: {
      async send(request: HttpRequest): Promise<HttpResponse> {
        sent.push({ url: request.url, headers: request.headers ?? {}, json: JSON.parse(String(request.body)) })
        const operation = PERURI_OPERATIONS.find((name) => request.url.endsWith(DEFAULT_PERURI_PATHS[name]))!
        const data = operation === 'getJsonWebToken' ? { jwt: 'jwt-1', expiredDate: '2026-08-29 13:47:49' } : answers[operation]
        return { status: 200, headers: {}, body: Buffer.from(JSON.stringify({ resultCode: '0', resultDesc: 'Success', ...(data !== undefined ? { data } : {}) })) }
      },
    },
  })
  /** The one request sent for `operation` (after the JWT call). */
  const body = (operation: string) => sent.filter((request) => request.url === `${BASE}${DEFAULT_PERURI_PATHS[operation as keyof typeof DEFAULT_PERURI_PATHS]}`).at(-1)
  return { client, sent, body }
}

// Seed 003's own example values, so each assertion reads against the seed's JSON.
const seedSigner = signerFromPlacement({ page: 2, rect: [454, 45, 529, 116], visible: true, certificationLevel: 'NOT_CERTIFIED', location: 'JAKARTA', reason: 'Biodata' })

describe('Peruri contract: the exact JSON of every seed 003 operation', () => {
  it('Get JWT: {"param": {"systemId"}} with x-Gateway-APIKey and no bearer; expiredDate read as WIB', async () => {
    const { client, sent } = recordingClient()
    const { jwt, expiresAt } = await client.jwt()
    expect(sent[0]).toEqual({ url: `${BASE}jwtSandbox/1.0/getJsonWebToken/v1`, headers: { 'Content-Type': 'application/json', 'x-Gateway-APIKey': API_KEY }, json: { param: { systemId: 'PERURI' } } })
    expect(jwt).toBe('jwt-1')
    expect(expiresAt.toISOString()).toBe('2026-08-29T06:47:49.000Z')
    expect(parseWibTimestamp('2026-08-29 13:47:49')?.toISOString()).toBe('2026-08-29T06:47:49.000Z')
  })

  it('every other call carries the bearer JWT', async () => {
    const { client, body } = recordingClient()
    await client.activation('fitrifebriana22@yopmail.com')
    expect(body('activation')?.headers).toEqual({ 'Content-Type': 'application/json', 'x-Gateway-APIKey': API_KEY, Authorization: 'Bearer jwt-1' })
  })

  it('certificate operations', async () => {
    const { client, body } = recordingClient()
    const registration = {
      name: 'Fitri Febriana', phone: '081234567890', email: 'fitrifebriana22@yopmail.com', ktp: '3171010101900001', ktpPhoto: 'a3Rw', address: 'Jl. Palatehan 4', city: 'Jakarta Selatan',
      province: 'DKI Jakarta', gender: 'F' as const, placeOfBirth: 'Jakarta', dateOfBirth: '01/01/1990',
    }
    await client.registration(registration)
    expect(body('registration')?.json).toEqual({ param: { ...registration, type: 'INDIVIDUAL', systemId: 'PERURI' } })
    await client.activation('fitrifebriana22@yopmail.com')
    expect(body('activation')?.json).toEqual({ param: { email: 'fitrifebriana22@yopmail.com', systemId: 'PERURI' } })
    await client.videoVerification('fitrifebriana22@yopmail.com', Buffer.from('video'))
    expect(body('videoVerification')?.json).toEqual({ param: { email: 'fitrifebriana22@yopmail.com', videoStream: Buffer.from('video').toString('base64'), systemId: 'PERURI' } })
    await client.sendSpeciment('fitrifebriana22@yopmail.com', Buffer.from('png'))
    expect(body('sendSpeciment')?.json).toEqual({ param: { email: 'fitrifebriana22@yopmail.com', speciment: Buffer.from('png').toString('base64'), systemId: 'PERURI' } })
    expect(await client.checkCertificate('fitrifebriana22@yopmail.com')).toEqual({ issued: true, resultCode: '0', resultDesc: 'Success' })
    expect(body('checkCertificate')?.json).toEqual({ param: { email: 'fitrifebriana22@yopmail.com', systemId: 'PERURI' } })
  })

  it('Send Document matches the seed example, coordinates as strings', async () => {
    const { client, body } = recordingClient({ sendDocument: { orderId: '2965' } })
    const { orderId } = await client.sendDocument({ email: 'patriadevelopment@yopmail.com', fileName: 'sample-dok.pdf', document: Buffer.from('%PDF-1.7'), signer: [seedSigner] })
    expect(orderId).toBe('2965')
    expect(body('sendDocument')?.json).toEqual({
      param: {
        email: 'patriadevelopment@yopmail.com',
        payload: {
          fileName: 'sample-dok.pdf',
          base64Document: Buffer.from('%PDF-1.7').toString('base64'),
          signer: [{ isVisualSign: 'YES', lowerLeftX: '454', lowerLeftY: '45', upperRightX: '529', upperRightY: '116', page: '2', certificateLevel: 'NOT_CERTIFIED', varLocation: 'JAKARTA', varReason: 'Biodata' }],
        },
        systemId: 'PERURI',
      },
    })
  })

  it('view, OTP, signing, status and download', async () => {
    const { client, body } = recordingClient({
      viewDocument: { base64Document: 'JVBERg==', signer: '1' },
      getOtp: { token: 'd76a911c945c4039a290555504bf55ce', systemId: 'PERURI', phone: '082326068898' },
      downloadDocument: { base64Document: 'JVBERg==' },
    })
    expect(await client.viewDocument('2965')).toEqual({ document: Buffer.from('%PDF'), coordinatesSet: true })
    expect(body('viewDocument')?.json).toEqual({ param: { orderId: '2965' } })
    expect(await client.getOtp('2965')).toMatchObject({ token: 'd76a911c945c4039a290555504bf55ce', phone: '082326068898' })
    expect(body('getOtp')?.json).toEqual({ param: { orderId: '2965' } })
    await client.signing({ orderId: '2965', otpCode: '651129', token: 'd76a911c945c4039a290555504bf55ce' })
    expect(body('signing')?.json).toEqual({ requestSigning: { orderId: '2965', otpCode: '651129', token: 'd76a911c945c4039a290555504bf55ce' } })
    expect(body('signing')?.url).toBe(`${BASE}digitalSignatureFullJwtSandbox/1.0/signing/v2`)
    await client.checkDocumentStatus('2965')
    expect(body('checkDocumentStatus')?.json).toEqual({ param: { orderId: '2965' } })
    expect(await client.downloadDocument('2965')).toEqual(Buffer.from('%PDF'))
    expect(body('downloadDocument')?.json).toEqual({ param: { orderId: '2965' } })
  })

  it('tier: uploader and signer emails, then requestSigning with the boxes', async () => {
    const { client, body } = recordingClient({ sendDocumentTier: { orderId: '2970' } })
    await client.sendDocumentTier({ uploader: 'ekamui04@yopmail.com', fileName: '1.pdf', document: Buffer.from('x'), signers: ['ekamui04@yopmail.com', 'ekamui1@yopmail.com'] })
    expect(body('sendDocumentTier')?.json).toEqual({
      param: { uploader: 'ekamui04@yopmail.com', payload: { fileName: '1.pdf', base64Document: 'eA==', signer: [{ email: 'ekamui04@yopmail.com' }, { email: 'ekamui1@yopmail.com' }] }, systemId: 'PERURI' },
    })
    await client.signingTier({ orderId: '2970', otpCode: '123456', token: 't', signer: [seedSigner] })
    expect(body('signingTier')?.json).toEqual({ requestSigning: { orderId: '2970', otpCode: '123456', token: 't', signer: [seedSigner] } })
  })

  it('bulk: file array, single-object setSignature, requestGetOtpBulk, requestSigning with the bulk fields', async () => {
    const { client, body } = recordingClient({ sendDocumentBulk: [{ orderId: '3845' }], getOtpBulk: { token: 'd76a911c945c4039a290555504bf55ce', systemId: 'PERURI', phone: '082326068898', orderIdBulk: '222' }, signingBulk: [{ orderId: '3851', fileName: '3851_demo1.pdf' }] })
    const bulkSigner = signerFromPlacement({ page: 1, rect: [454, 45, 529, 116], visible: true, certificationLevel: 'NOT_CERTIFIED', location: 'JAKARTA', reason: 'ya setuju' })
    expect(await client.sendDocumentBulk({ email: 'ekamui04@yopmail.com', files: [{ fileName: 'demo1.pdf', document: Buffer.from('x') }], signer: [bulkSigner] })).toEqual({ orderIds: ['3845'] })
    expect(body('sendDocumentBulk')?.json).toEqual({ param: { email: 'ekamui04@yopmail.com', payload: { file: [{ fileName: 'demo1.pdf', base64Document: 'eA==' }], signer: [bulkSigner] }, systemId: 'PERURI' } })
    await client.setSignature('7492', bulkSigner)
    expect(body('setSignature')?.json).toEqual({ requestSetSignature: { orderId: '7492', signer: bulkSigner } })
    expect(await client.getOtpBulk(['3845'])).toMatchObject({ orderIdBulk: '222', token: 'd76a911c945c4039a290555504bf55ce' })
    expect(body('getOtpBulk')?.json).toEqual({ requestGetOtpBulk: { data: [{ orderId: '3845' }], systemId: 'PERURI' } })
    expect(await client.signingBulk({ orderIdBulk: '225', otpCodeBulk: '651129', tokenBulk: 'f8719714c24244afbcca03f496b95c55' })).toEqual([{ orderId: '3851', fileName: '3851_demo1.pdf' }])
    expect(body('signingBulk')?.json).toEqual({ requestSigning: { orderIdBulk: '225', otpCodeBulk: '651129', tokenBulk: 'f8719714c24244afbcca03f496b95c55' } })
  })

  it("signing system: Set Key with minutes as a string, and seed 003's session known answer", async () => {
    const { client, body } = recordingClient({ setKey: { expiredDate: '2026-08-28 14:17:49' } })
    expect(await client.setKey('p3rur1', 30)).toEqual({ expiresAt: new Date('2026-08-28T07:17:49Z') })
    expect(body('setKey')?.json).toEqual({ param: { key: 'p3rur1', minutes: '30', systemId: 'PERURI' } })
    expect(signingSystemSession('p3rur1', ['3214', '3215', '3216'])).toBe('1fdd4df75c0d0c6548e4c34baeceff2e926a9b5520e6ea393c821b7f3248d824')
    await client.signingSystem(['3214', '3215', '3216'], 'p3rur1')
    expect(body('signingSystem')?.json).toEqual({
      param: { data: [{ orderId: '3214' }, { orderId: '3215' }, { orderId: '3216' }], session: '1fdd4df75c0d0c6548e4c34baeceff2e926a9b5520e6ea393c821b7f3248d824', systemId: 'PERURI' },
    })
  })

  it('sends Send Document with orderType SYSTEM for signing-system documents', async () => {
    const { client, body } = recordingClient({ sendDocument: { orderId: '3214' } })
    await client.sendDocument({ email: 'a@b.id', fileName: 'x.pdf', document: Buffer.from('x'), signer: [seedSigner], orderType: 'SYSTEM' })
    expect(body('sendDocument')?.json).toMatchObject({ param: { orderType: 'SYSTEM', systemId: 'PERURI' } })
  })

  it('rounds fractional placements to whole points, as seed 003 writes coordinates', () => {
    expect(signerFromPlacement({ page: 1, rect: [454.4, 44.6, 529.5, 116], visible: false, certificationLevel: 'NO_CHANGES_ALLOWED' })).toEqual({
      isVisualSign: 'NO', lowerLeftX: '454', lowerLeftY: '45', upperRightX: '530', upperRightY: '116', page: '1', certificateLevel: 'NO_CHANGES_ALLOWED',
    })
  })
})
