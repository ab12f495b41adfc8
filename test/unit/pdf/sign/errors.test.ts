import { createHash, generateKeyPairSync } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPdfInfo, signPdf, type SignaturePlacement, type SignPdfRequest } from '../../../../src/main/pdf/sign'
import { TekenError, type ErrorCode } from '../../../../src/shared/errors'
import { makeGeneratedPdfs, type GeneratedPdf } from './generated'
import { CORPUS_DIR, corpusManifest, isDamaged, makeTestIdentity, pdfsig, type TestIdentity } from './support'

/*
 * Bad input gets its own error code and a message that says what to do; the input is never
 * touched and no output (not even a temporary file) is left behind.
 */

const visibleBox: SignaturePlacement = { page: 1, rect: [40, 40, 240, 110], visible: true, certificationLevel: 'NOT_CERTIFIED' }

describe('signing refuses bad input clearly and leaves nothing behind', () => {
  let work: string
  let signer: TestIdentity
  let generated: GeneratedPdf[]
  const now = { now: () => new Date() }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-sign-errors-'))
    signer = await makeTestIdentity(work)
    generated = await makeGeneratedPdfs(work)
  }, 60_000)
  afterAll(async () => {
    await rm(work, { recursive: true, force: true })
  })

  const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex')
  const generatedPath = (name: string) => (generated.find((pdf) => pdf.name === name) as GeneratedPdf).path

  /** Signs into an empty folder and expects `code`; the folder must stay empty and the input unchanged. */
  async function expectRefusal(request: Omit<SignPdfRequest, 'outputPath'>, code: ErrorCode, message: RegExp): Promise<TekenError> {
    const outputDir = await mkdtemp(join(work, 'out-'))
    const before = await sha256(request.inputPath)
    const failure = await signPdf({ ...request, outputPath: join(outputDir, 'signed.pdf') }).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(TekenError)
    expect((failure as TekenError).code).toBe(code)
    expect((failure as TekenError).message).toMatch(message)
    expect(await readdir(outputDir)).toEqual([])
    expect(await sha256(request.inputPath)).toBe(before)
    return failure as TekenError
  }

  const corpus = corpusManifest()

  it.each(corpus.filter((entry) => entry.encrypted).map((entry) => [entry.file, entry.path]))('encrypted corpus file %s → PDF_ENCRYPTED', async (_file, path) => {
    await expectRefusal({ inputPath: path, identity: signer.identity, placement: visibleBox, clock: now }, 'PDF_ENCRYPTED', /is encrypted .* unencrypted copy/)
  })

  it.each(corpus.filter(isDamaged).map((entry) => [entry.file, entry.path]))('damaged corpus file %s → PDF_DAMAGED', async (_file, path) => {
    const error = await expectRefusal({ inputPath: path, identity: signer.identity, placement: visibleBox, clock: now }, 'PDF_DAMAGED', /is damaged \(.+\).*save a repaired copy/)
    // Messages describe the damage in Teken's words and never quote the file's bytes.
    expect(error.message).not.toMatch(/[^\x20-\x7e]/)
  })

  it('readPdfInfo gives the same errors for damaged files, and reports encryption', async () => {
    const damaged = corpus.filter(isDamaged)
    for (const entry of damaged) await expect(readPdfInfo(entry.path), entry.file).rejects.toMatchObject({ code: 'PDF_DAMAGED' })
    const info = await readPdfInfo(join(CORPUS_DIR, 'qpdf-encrypted-user-password-20pages.pdf'))
    expect(info).toMatchObject({ encrypted: true, pageCount: 20, signatureFields: [] })
  })

  it('a file that is not a PDF → PDF_NOT_A_PDF', async () => {
    const path = join(work, 'letter.pdf')
    await writeFile(path, 'PK\u0003\u0004 this is a zip archive, not a PDF')
    await expectRefusal({ inputPath: path, identity: signer.identity, placement: visibleBox, clock: now }, 'PDF_NOT_A_PDF', /not a PDF/)
  })

  it('a page that does not exist → PDF_PAGE_OUT_OF_RANGE', async () => {
    const inputPath = generatedPath('generated-rotations-0-90-180-270-classic')
    for (const page of [0, 5, 1.5]) {
      await expectRefusal({ inputPath, identity: signer.identity, placement: { ...visibleBox, page }, clock: now }, 'PDF_PAGE_OUT_OF_RANGE', /has 4 pages\. Choose a page from 1 to 4/)
    }
  })

  it('a box outside the CropBox (even when inside the MediaBox) → PDF_RECT_OUTSIDE_PAGE', async () => {
    // Page 2: MediaBox [100 200 500 700], CropBox [120 220 320 520].
    const inputPath = generatedPath('generated-nonzero-origin-smaller-cropbox')
    for (const rect of [
      [130, 230, 330, 300],
      [110, 210, 200, 260],
      [0, 0, 50, 50],
    ] as const) {
      await expectRefusal({ inputPath, identity: signer.identity, placement: { ...visibleBox, page: 2, rect }, clock: now }, 'PDF_RECT_OUTSIDE_PAGE', /not inside the visible area of page 2, which is \[120 220 320 520\]/)
    }
    // Inside the CropBox is fine, right up to its edges.
    const output = join(work, 'edge.pdf')
    await signPdf({ inputPath, outputPath: output, identity: signer.identity, placement: { ...visibleBox, page: 2, rect: [120, 220, 320, 520] }, clock: now })
    expect((await pdfsig(output))[0]?.validation).toBe('Signature is Valid.')
  })

  it('a box with no area → PDF_RECT_EMPTY', async () => {
    const inputPath = generatedPath('generated-rotations-0-90-180-270-classic')
    await expectRefusal({ inputPath, identity: signer.identity, placement: { ...visibleBox, rect: [200, 100, 100, 150] }, clock: now }, 'PDF_RECT_EMPTY', /has no area/)
  })

  it('a certificate outside its validity → PDF_CERTIFICATE_EXPIRED', async () => {
    const inputPath = generatedPath('generated-rotations-0-90-180-270-classic')
    const after = { now: () => new Date(signer.leaf.validToDate.getTime() + 86_400_000) }
    const before = { now: () => new Date(signer.leaf.validFromDate.getTime() - 86_400_000) }
    await expectRefusal({ inputPath, identity: signer.identity, placement: visibleBox, clock: after }, 'PDF_CERTIFICATE_EXPIRED', /"Budi Santoso" expired on .*Renew the certificate/)
    await expectRefusal({ inputPath, identity: signer.identity, placement: visibleBox, clock: before }, 'PDF_CERTIFICATE_EXPIRED', /is not valid until/)
  })

  it('an identity without certificate → PDF_IDENTITY_WITHOUT_CERTIFICATE; a foreign certificate or an EC key are refused too', async () => {
    const inputPath = generatedPath('generated-rotations-0-90-180-270-classic')
    await expectRefusal(
      { inputPath, identity: { privateKey: signer.identity.privateKey, certificates: [], name: 'ovo' }, placement: visibleBox, clock: now },
      'PDF_IDENTITY_WITHOUT_CERTIFICATE',
      /"ovo" is a bare private key without a certificate/,
    )
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    await expectRefusal({ inputPath, identity: { privateKey: otherKey, certificates: signer.identity.certificates }, placement: visibleBox, clock: now }, 'PDF_CERTIFICATE_KEY_MISMATCH', /does not belong to this private key/)
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    await expectRefusal({ inputPath, identity: { privateKey: ecKey, certificates: signer.identity.certificates }, placement: visibleBox, clock: now }, 'KEY_NOT_RSA', /signing key is ec/)
  })

  it('a corpus document certified "no changes allowed" → PDF_LOCKED_BY_CERTIFICATION', async () => {
    await expectRefusal(
      { inputPath: join(CORPUS_DIR, 'pyhanko-certified-docmdp.pdf'), identity: signer.identity, placement: { ...visibleBox, rect: [10, 10, 100, 50] }, clock: now },
      'PDF_LOCKED_BY_CERTIFICATION',
      /certified with "no changes allowed"/,
    )
  })

  it('certifies with DocMDP P=1; pdfsig accepts it; a further signature is then refused, as is certifying a signed document', async () => {
    const inputPath = generatedPath('generated-acroform-in-object-stream')
    const certified = join(work, 'certified.pdf')
    const result = await signPdf({ inputPath, outputPath: certified, identity: signer.identity, placement: { ...visibleBox, certificationLevel: 'NO_CHANGES_ALLOWED', reason: 'Dokumen final' }, clock: now })
    expect(result.certified).toBe(true)
    expect((await pdfsig(certified)).find((signature) => signature.fieldName === result.fieldName)?.validation).toBe('Signature is Valid.')
    const text = (await readFile(certified)).toString('latin1')
    expect(text).toMatch(/\/Perms <<\n\/DocMDP \d+ 0 R\n>>/)
    expect(text).toMatch(/\/Reference \[<< \/Type \/SigRef \/TransformMethod \/DocMDP \/TransformParams << \/Type \/TransformParams \/P 1 \/V \/1\.2 >> >>\]/)

    await expectRefusal({ inputPath: certified, identity: signer.identity, placement: { ...visibleBox, page: 2 }, clock: now }, 'PDF_LOCKED_BY_CERTIFICATION', /certified with "no changes allowed"/)

    const signedOnce = join(work, 'signed-once.pdf')
    await signPdf({ inputPath, outputPath: signedOnce, identity: signer.identity, placement: visibleBox, clock: now })
    await expectRefusal({ inputPath: signedOnce, identity: signer.identity, placement: { ...visibleBox, page: 2, certificationLevel: 'NO_CHANGES_ALLOWED' }, clock: now }, 'PDF_ALREADY_SIGNED', /already signed\. A certification must be the first signature/)
  })

  it('a specimen that is not PNG or JPEG → INVALID_REQUEST', async () => {
    const inputPath = generatedPath('generated-rotations-0-90-180-270-classic')
    await expectRefusal({ inputPath, identity: signer.identity, placement: { ...visibleBox, speciment: new TextEncoder().encode('GIF89a…') }, clock: now }, 'INVALID_REQUEST', /must be a PNG or JPEG/)
  })

  it('an output folder that does not exist fails without touching the input', async () => {
    const inputPath = generatedPath('generated-rotations-0-90-180-270-classic')
    const before = await sha256(inputPath)
    await expect(signPdf({ inputPath, outputPath: join(work, 'missing', 'signed.pdf'), identity: signer.identity, placement: visibleBox, clock: now })).rejects.toThrow(/ENOENT/)
    expect(await sha256(inputPath)).toBe(before)
    await mkdir(join(work, 'missing'))
    expect(await readdir(join(work, 'missing'))).toEqual([])
  })
})
