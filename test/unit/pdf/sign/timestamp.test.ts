import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import forge from 'node-forge'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpTimestampAuthority, signPdf, type SignaturePlacement, type TimestampAuthority } from '../../../../src/main/pdf/sign'
import { TekenError } from '../../../../src/shared/errors'
import { openssl } from '../../../support/openssl'
import { makeGeneratedPdfs, type GeneratedPdf } from './generated'
import { makeTestIdentity, makeTestTsa, pdfsig, signedParts, type TestIdentity, type TestTsa } from './support'

/*
 * PAdES B-T: an RFC 3161 token from a TSA made of the real `openssl ts`, reached over HTTP, lands in
 * the SignerInfo's unsigned attributes, and `openssl ts -verify` confirms it covers exactly our
 * signature value. A TSA that refuses, answers for other data or cannot be reached fails the
 * signing with PDF_TIMESTAMP_FAILED and leaves nothing behind.
 */

const run = promisify(execFile)
const placement: SignaturePlacement = { page: 1, rect: [40, 40, 260, 120], visible: true, reason: 'Persetujuan', certificationLevel: 'NOT_CERTIFIED' }
const clock = { now: () => new Date() }

/** The signature value and the timestamp token inside a CMS SignedData, as DER. */
function signatureAndToken(cms: Buffer): { signatureValue: Buffer; token: Buffer | undefined } {
  const contentInfo = forge.asn1.fromDer(cms.toString('latin1'))
  const signedData = ((contentInfo.value as forge.asn1.Asn1[])[1]?.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1
  const signerInfos = (signedData.value as forge.asn1.Asn1[]).at(-1) as forge.asn1.Asn1
  const signerInfo = (signerInfos.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1
  const fields = signerInfo.value as forge.asn1.Asn1[]
  const signatureValue = Buffer.from((fields[5] as forge.asn1.Asn1).value as string, 'latin1')
  const unsigned = fields[6]?.value as forge.asn1.Asn1[] | undefined
  const tokenAttribute = unsigned?.[0]?.value as forge.asn1.Asn1[] | undefined
  const oid = tokenAttribute && forge.asn1.derToOid(tokenAttribute[0]?.value as string)
  const token = oid === '1.2.840.113549.1.9.16.2.14' ? ((tokenAttribute?.[1]?.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1) : undefined
  return { signatureValue, token: token && Buffer.from(forge.asn1.toDer(token).getBytes(), 'latin1') }
}

describe('RFC 3161 signature timestamps (PAdES B-T)', () => {
  let work: string
  let signer: TestIdentity
  let tsa: TestTsa
  let server: { url: string; close(): Promise<void> }
  let inputPath: string

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-sign-tsa-'))
    signer = await makeTestIdentity(work)
    tsa = await makeTestTsa(work)
    server = await tsa.serve()
    inputPath = ((await makeGeneratedPdfs(work)).find((pdf) => pdf.name === 'generated-rotations-0-90-180-270-objstm') as GeneratedPdf).path
  }, 60_000)
  afterAll(async () => {
    await server.close()
    await rm(work, { recursive: true, force: true })
  })

  it('embeds a token for exactly the signature value; openssl ts verifies it against the CA, pdfsig still calls the signature valid', async () => {
    const output = join(work, 'timestamped.pdf')
    const before = Date.now()
    const result = await signPdf({ inputPath, outputPath: output, identity: signer.identity, placement, clock, timestampAuthority: httpTimestampAuthority(server.url) })
    expect(result.timestampedAt?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000)
    expect(result.timestampedAt?.getTime()).toBeLessThanOrEqual(Date.now() + 1000)
    expect((await pdfsig(output))[0]?.validation).toBe('Signature is Valid.')

    const { content, cms } = signedParts(await readFile(output), result.byteRange)
    await writeFile(join(work, 'content.bin'), content)
    await writeFile(join(work, 'signature.p7s'), cms)
    const verified = await run('openssl', ['cms', '-verify', '-inform', 'DER', '-in', 'signature.p7s', '-content', 'content.bin', '-binary', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: work })
    expect(verified.stderr).toMatch(/Verification successful/)
    expect(openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'signature.p7s'], { cwd: work }).toString()).toMatch(/unsignedAttrs:\s+object: id-smime-aa-timeStampToken/)

    const { signatureValue, token } = signatureAndToken(cms)
    await writeFile(join(work, 'signature-value.bin'), signatureValue)
    await writeFile(join(work, 'token.der'), token as Buffer)
    const tokenCheck = await run('openssl', ['ts', '-verify', '-in', 'token.der', '-token_in', '-data', 'signature-value.bin', '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem'], { cwd: work })
    expect(tokenCheck.stdout).toMatch(/Verification: OK/)
  })

  async function expectTimestampFailure(authority: TimestampAuthority, problem: RegExp): Promise<void> {
    const outputDir = await mkdtemp(join(work, 'failed-'))
    const failure = await signPdf({ inputPath, outputPath: join(outputDir, 'signed.pdf'), identity: signer.identity, placement, clock, timestampAuthority: authority }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(TekenError)
    expect((failure as TekenError).code).toBe('PDF_TIMESTAMP_FAILED')
    expect((failure as TekenError).message).toMatch(problem)
    expect(await readdir(outputDir)).toEqual([])
  }

  it('fails with PDF_TIMESTAMP_FAILED, leaving nothing, when the TSA refuses, answers for other data, cannot be reached or answers HTTP errors', async () => {
    // SEQUENCE { PKIStatusInfo { status 2 (rejection) } }
    await expectTimestampFailure({ name: 'refusing TSA', exchange: async () => Buffer.from('300530030201 02'.replace(/ /g, ''), 'hex') }, /refused the request with status 2/)

    // A genuine token, but for another request.
    const otherQuery = join(work, 'other.tsq')
    await writeFile(join(work, 'other.txt'), 'other data')
    openssl(['ts', '-query', '-data', 'other.txt', '-sha256', '-cert', '-out', otherQuery], { cwd: work })
    const otherAnswer = await tsa.reply(await readFile(otherQuery))
    await expectTimestampFailure({ name: 'confused TSA', exchange: async () => otherAnswer }, /the token is for different data/)

    await expectTimestampFailure({ name: 'garbage TSA', exchange: async () => Buffer.from('<html>Service Unavailable</html>') }, /not a timestamp response/)
    await expectTimestampFailure(httpTimestampAuthority('http://127.0.0.1:9/tsa'), /could not be reached/)
    const unavailable = createServer((_request, response) => void response.writeHead(503).end())
    await new Promise<void>((listening) => unavailable.listen(0, '127.0.0.1', listening))
    try {
      await expectTimestampFailure(httpTimestampAuthority(`http://127.0.0.1:${(unavailable.address() as AddressInfo).port}/tsa`), /answered HTTP 503/)
    } finally {
      await new Promise((closed) => unavailable.close(closed))
    }
  })
})
