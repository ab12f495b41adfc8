import { execFile } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signPdf, type SignaturePlacement } from '../../../../src/main/pdf/sign'
import { formatWib } from '../../../../src/shared/time'
import { openssl } from '../../../support/openssl'
import { makeGeneratedPdfs, type GeneratedPdf } from './generated'
import { pdfsig, qpdfFields, qpdfObject, signedParts, specimenPng, type TestIdentity, makeTestIdentity } from './support'

/*
 * What is inside the signature, checked with openssl and qpdf: a detached CAdES CMS that openssl
 * verifies against the test CA, with exactly the PAdES B-B signed attributes and the whole chain;
 * the signature dictionary's /SubFilter, /M in WIB and text strings; and the appearance's words.
 */

const run = promisify(execFile)
const placement: SignaturePlacement = { page: 1, rect: [40, 40, 300, 130], visible: true, reason: 'Persetujuan kontrak', location: 'Jakarta', certificationLevel: 'NOT_CERTIFIED' }

describe('the signature itself', () => {
  let work: string
  let signer: TestIdentity
  let inputPath: string
  /** A day into the certificate's validity, at 05:06:07 UTC, which is 12:06:07 in WIB. */
  let signedAt: Date
  const fixedClock = { now: () => signedAt }
  const wibDate = () => signedAt.toISOString().slice(0, 10).replace(/-/g, '')

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-sign-content-'))
    signer = await makeTestIdentity(work)
    signedAt = new Date(signer.leaf.validFromDate.getTime() + 86_400_000)
    signedAt.setUTCHours(5, 6, 7, 0)
    inputPath = ((await makeGeneratedPdfs(work)).find((pdf) => pdf.name === 'generated-acroform-in-object-stream') as GeneratedPdf).path
  }, 60_000)
  afterAll(async () => {
    await rm(work, { recursive: true, force: true })
  })

  it('is a detached CMS that openssl verifies against the CA, with the PAdES B-B signed attributes and the chain', async () => {
    const output = join(work, 'cms.pdf')
    const result = await signPdf({ inputPath, outputPath: output, identity: signer.identity, placement, clock: fixedClock })
    const pdf = await readFile(output)
    expect(result.byteRange[0]).toBe(0)
    expect(result.byteRange[2] + result.byteRange[3]).toBe(pdf.length)
    const { content, cms } = signedParts(pdf, result.byteRange)
    await writeFile(join(work, 'content.bin'), content)
    await writeFile(join(work, 'cms.der'), cms)
    await writeFile(join(work, 'ca.pem'), signer.caPem)

    // Digest, signature and chain up to the trusted test CA.
    const verified = await run('openssl', ['cms', '-verify', '-inform', 'DER', '-in', 'cms.der', '-content', 'content.bin', '-binary', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: work })
    expect(verified.stderr).toMatch(/Verification successful/)

    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'cms.der'], { cwd: work }).toString()
    const signedAttributes = /signedAttrs:\n([\s\S]*?)\n\s+signatureAlgorithm/.exec(printed)?.[1] ?? ''
    expect([...signedAttributes.matchAll(/object: (\S+)/g)].map((match) => match[1])).toEqual(['contentType', 'messageDigest', 'id-smime-aa-signingCertificateV2'])
    expect(printed).not.toMatch(/signingTime/)
    expect(printed).toMatch(/eContent: <ABSENT>/)
    expect(printed).toMatch(/digestAlgorithm:\s+algorithm: sha256/)
    // signing-certificate-v2 names the signer's certificate by its SHA-256.
    expect(cms.includes(createHash('sha256').update(signer.leaf.raw).digest())).toBe(true)

    const embedded = openssl(['pkcs7', '-inform', 'DER', '-in', 'cms.der', '-print_certs'], { cwd: work })
      .toString()
      .match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)
    expect(embedded?.map((pem) => new X509Certificate(pem).fingerprint256)).toEqual(signer.identity.certificates.map((pem) => new X509Certificate(pem).fingerprint256))
  })

  it('has the signature dictionary PAdES asks for: ETSI.CAdES.detached, /M in WIB, text strings in UTF-16 when needed', async () => {
    const output = join(work, 'dictionary.pdf')
    const result = await signPdf({ inputPath, outputPath: output, identity: signer.identity, placement: { ...placement, reason: 'Persetujuan (final) \\ ✓', location: 'Yogyakarta' }, clock: fixedClock })
    const field = (await qpdfFields(output)).find((candidate) => candidate.name === result.fieldName) as { annotation: string }
    const widget = await qpdfObject(output, field.annotation)
    const signature = await qpdfObject(output, widget['/V'] as string)
    expect(signature).toMatchObject({
      '/Type': '/Sig',
      '/Filter': '/Adobe.PPKLite',
      '/SubFilter': '/ETSI.CAdES.detached',
      '/M': `u:D:${wibDate()}120607+07'00'`,
      '/Name': 'u:Budi Santoso',
      '/Reason': 'u:Persetujuan (final) \\ ✓',
      '/Location': 'u:Yogyakarta',
    })
    expect(signature['/ByteRange']).toEqual(result.byteRange)
    expect(await pdfsig(output)).toEqual([{ fieldName: result.fieldName, validation: 'Signature is Valid.', totalDocument: true }])
  })

  it('writes the signer, the WIB time, the reason and the location into the box, in Indonesian unless asked for English', async () => {
    const indonesian = join(work, 'words-id.pdf')
    await signPdf({ inputPath, outputPath: indonesian, identity: signer.identity, placement, clock: fixedClock })
    const text = (await run('pdftotext', ['-f', '1', '-l', '1', indonesian, '-'])).stdout
    expect(text).toContain('Ditandatangani secara digital oleh')
    expect(text).toContain('Budi Santoso')
    expect(text).toContain(`Tanggal: ${formatWib(signedAt, 'id', { seconds: true })}`)
    expect(text).toMatch(/, 12\.06\.07 WIB/)
    expect(text).toContain('Alasan: Persetujuan kontrak')
    expect(text).toContain('Lokasi: Jakarta')

    const english = join(work, 'words-en.pdf')
    await signPdf({ inputPath, outputPath: english, identity: signer.identity, placement: { ...placement, language: 'en', signerName: 'Siti Rahayu, S.H. 署名' }, clock: fixedClock })
    const englishText = (await run('pdftotext', ['-f', '1', '-l', '1', english, '-'])).stdout
    expect(englishText).toContain('Digitally signed by')
    // Helvetica cannot show the CJK characters; they become "?" rather than failing the signature.
    expect(englishText).toContain('Siti Rahayu, S.H. ??')
    expect(englishText).toContain(`Date: ${formatWib(signedAt, 'en', { seconds: true })}`)
    expect(englishText).toMatch(/, 12:06:07 WIB/)
    expect(englishText).toContain('Reason: Persetujuan kontrak')
    expect((await pdfsig(english))[0]?.validation).toBe('Signature is Valid.')
  })

  it('draws a PNG or JPEG specimen', async () => {
    const jpegPrefix = join(work, 'specimen')
    await run('pdftoppm', ['-r', '20', '-f', '1', '-l', '1', '-jpeg', '-singlefile', inputPath, jpegPrefix])
    for (const [kind, speciment] of [
      ['png', specimenPng()],
      ['jpeg', await readFile(`${jpegPrefix}.jpg`)],
    ] as const) {
      const output = join(work, `specimen-${kind}.pdf`)
      await signPdf({ inputPath, outputPath: output, identity: signer.identity, placement: { ...placement, speciment }, clock: fixedClock })
      expect((await pdfsig(output))[0]?.validation, kind).toBe('Signature is Valid.')
      expect((await readFile(output)).toString('latin1'), kind).toMatch(kind === 'png' ? /\/SMask \d+ 0 R/ : /\/Filter \/DCTDecode/)
    }
  })
})
