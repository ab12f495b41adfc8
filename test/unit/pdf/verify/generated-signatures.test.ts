import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPdf } from '../../../../src/main/pdf/verify'
import { TekenError } from '../../../../src/shared/errors'
import { openssl, pdfsig, pdfsigVerdict } from './reference-tools'
import { appendIncrementalUpdate, buildSignedPdf, SigningBench, type SignedPdfOptions } from './signed-pdf-factory'

/** Flips the lowest bit of one byte, as a one-bit change to a file would. */
function flipBit(pdf: Buffer, offset: number): Buffer {
  const copy = Buffer.from(pdf)
  copy[offset] = (copy[offset] ?? 0) ^ 0x01
  return copy
}

/** Changes one hex digit of /Contents to another hex digit (a bit flip could make it a non-hex character). */
function changeHexDigit(pdf: Buffer, offset: number): Buffer {
  const copy = Buffer.from(pdf)
  copy[offset] = copy[offset] === 0x30 ? 0x31 : 0x30
  return copy
}

/** Where the hex digits of /Contents start, and how long the DER inside is. */
function contentsLayout(pdf: Buffer): { hexStart: number; derLength: number } {
  const hexStart = pdf.indexOf('/Contents <') + '/Contents <'.length
  // openssl's CMS starts 30 82 LL LL: four header bytes plus the length they give.
  const derLength = parseInt(pdf.toString('latin1', hexStart + 4, hexStart + 8), 16) + 4
  return { hexStart, derLength }
}

describe('hand-built signed PDFs: verdicts against pdfsig, tampering and malformed ByteRanges', () => {
  let bench: SigningBench
  let counter = 0
  beforeAll(() => {
    bench = new SigningBench()
  })
  afterAll(() => bench.cleanup())

  /** Saves the PDF, verifies it and asks pdfsig; one signature expected. */
  const check = async (pdf: Buffer) => {
    const path = bench.save(`case-${(counter += 1)}.pdf`, pdf)
    const verification = await verifyPdf(path)
    const [reference] = pdfsig(path)
    const [signature] = verification.signatures
    if (!signature) throw new Error('no signature found')
    return { verification, signature, reference, path }
  }

  const sign = (options: Partial<SignedPdfOptions> = {}) => buildSignedPdf({ sign: bench.cms('rsa'), ...options })

  /** [name, options, signature algorithm reported, whether openssl adds signed attributes (and so a signing-time)] */
  const cryptoVariants: [string, () => Partial<SignedPdfOptions>, string, boolean][] = [
    ['RSA PKCS#1 v1.5 with signed attributes', () => ({}), 'RSA PKCS#1 v1.5 with SHA-256', true],
    ['no signed attributes (openssl -noattr)', () => ({ sign: bench.cms('rsa', ['-noattr']) }), 'RSA PKCS#1 v1.5 with SHA-256', false],
    ['SHA-1', () => ({ sign: bench.cms('rsa', ['-md', 'sha1']) }), 'RSA PKCS#1 v1.5 with SHA-1', true],
    ['SHA-512', () => ({ sign: bench.cms('rsa', ['-md', 'sha512']) }), 'RSA PKCS#1 v1.5 with SHA-512', true],
    ['RSASSA-PSS', () => ({ sign: bench.cms('rsa', ['-keyopt', 'rsa_padding_mode:pss']) }), 'RSASSA-PSS with SHA-256', true],
    ['ECDSA P-256', () => ({ sign: bench.cms('ec') }), 'ECDSA with SHA-256', true],
    ['ECDSA P-384 with SHA-384', () => ({ sign: bench.cms('ec384', ['-md', 'sha384']) }), 'ECDSA with SHA-384', true],
    ['ECDSA P-256 without signed attributes', () => ({ sign: bench.cms('ec', ['-noattr']) }), 'ECDSA with SHA-256', false],
    ['CAdES with signing-certificate-v2', () => ({ sign: bench.cms('rsa', ['-cades']), subFilter: 'ETSI.CAdES.detached' }), 'RSA PKCS#1 v1.5 with SHA-256', true],
  ]

  it.each(cryptoVariants)('%s: valid, as pdfsig says, with signer, chain and times', async (_, options, algorithm, signedAttributes) => {
    const { signature, reference, verification } = await check(sign(options()))
    expect(pdfsigVerdict(reference ?? { fieldName: '', unsignedField: false })).toBe('valid')
    expect(signature).toMatchObject({
      fieldName: 'Tanda Tangan 1',
      kind: 'approval',
      status: 'valid',
      problems: [],
      reason: 'Persetujuan kontrak',
      location: 'Jakarta',
      integrity: { digestMatches: true, signatureVerifies: true, signatureAlgorithm: algorithm },
      coverage: { coversWholeDocument: true, bytesAfter: 0, revisionsAfter: 0 },
      timestamp: false,
    })
    expect(signature.signer?.subject).toMatch(/^CN=(Budi Santoso|Siti Rahayu), O=PT Contoh Sejahtera, C=ID$/)
    expect(signature.chain.map((certificate) => [certificate.commonName, certificate.issuedByNext, certificate.selfSigned])).toEqual([
      [signature.signer?.commonName, true, false],
      ['Teken Test CA', null, true],
    ])
    expect(Math.abs(Date.parse(signature.signedAt ?? '') - Date.now())).toBeLessThan(120_000)
    expect(signature.cmsSigningTime !== undefined).toBe(signedAttributes)
    expect(verification).toMatchObject({ allValid: true, revisions: 1, repaired: false, encrypted: false })
  })

  it.each([1, 2, 3] as const)('DocMDP certification level %i is reported and verifies', async (level) => {
    const { signature, reference } = await check(sign({ certify: level }))
    expect(reference?.validation).toBe('Signature is Valid.')
    expect(signature).toMatchObject({ kind: 'certification', certification: { level }, status: 'valid' })
  })

  it('a bit flipped inside the signed range is a digest mismatch, as pdfsig says', async () => {
    const pdf = sign()
    const { signature, reference } = await check(flipBit(pdf, pdf.indexOf('Persetujuan')))
    expect(reference?.validation).toBe('Digest Mismatch.')
    expect(signature).toMatchObject({ status: 'invalid', integrity: { digestMatches: false, signatureVerifies: true } })
    expect(signature.problems[0]).toMatch(/^Digest mismatch: the SHA-256 digest of the signed byte ranges differs/)
  })

  it('without signed attributes, the same flip breaks both the digest and the signature', async () => {
    const pdf = sign({ sign: bench.cms('rsa', ['-noattr']) })
    const { signature, reference } = await check(flipBit(pdf, pdf.indexOf('Persetujuan')))
    expect(pdfsigVerdict(reference ?? { fieldName: '', unsignedField: false })).toBe('invalid')
    expect(signature).toMatchObject({ status: 'invalid', integrity: { digestMatches: false, signatureVerifies: false } })
  })

  it('a changed digit in the signature value inside /Contents breaks the signature, as pdfsig says', async () => {
    const pdf = sign()
    const { hexStart, derLength } = contentsLayout(pdf)
    const { signature, reference } = await check(changeHexDigit(pdf, hexStart + (derLength - 10) * 2))
    expect(reference?.validation).toBe('Signature is Invalid.')
    expect(signature).toMatchObject({ status: 'invalid', integrity: { digestMatches: true, signatureVerifies: false } })
    expect(signature.problems).toContain("The signature value does not verify with the signer certificate's public key.")
  })

  it('a hex digit in /Contents that is no longer DER makes the signature invalid with the parse error', async () => {
    const pdf = sign()
    const { hexStart } = contentsLayout(pdf)
    const broken = Buffer.from(pdf)
    broken.write('FF', hexStart, 'latin1')
    const { signature } = await check(broken)
    expect(signature.status).toBe('invalid')
    expect(signature.problems[0]).toMatch(/^The \/Contents is not a readable CMS signature/)
  })

  it('an incremental update appended after signing keeps the signature valid but not covering the whole document', async () => {
    const signed = sign()
    const once = appendIncrementalUpdate(signed)
    const { signature, reference, verification } = await check(once)
    expect(reference).toMatchObject({ validation: 'Signature is Valid.', totalDocumentSigned: false })
    expect(signature).toMatchObject({ status: 'valid', coverage: { coversWholeDocument: false, bytesAfter: once.length - signed.length, revisionsAfter: 1 } })
    expect(verification.revisions).toBe(2)
    const twice = await check(appendIncrementalUpdate(once))
    expect(twice.signature.coverage.revisionsAfter).toBe(2)
    expect(twice.verification.revisions).toBe(3)
  })

  it('bytes appended without a new revision are counted, with no revision after', async () => {
    const { signature } = await check(Buffer.concat([sign(), Buffer.from('sampah di akhir berkas')]))
    expect(signature).toMatchObject({ status: 'valid', coverage: { coversWholeDocument: false, bytesAfter: 22, revisionsAfter: 0 } })
  })

  const malformedRanges: [string, (proper: [number, number, number, number]) => number[], RegExp][] = [
    ['not starting at 0', ([start, length, second, secondLength]) => [start + 9, length - 9, second, secondLength], /starts at byte 9, not 0/],
    ['a gap wider than /Contents', ([start, length, second, secondLength]) => [start, length - 30, second, secondLength], /unsigned gap \(bytes \d+–\d+\) is not exactly the \/Contents string/],
    ['overlapping ranges', ([start, , second, secondLength]) => [start, second + 10, second, secondLength], /two ranges overlap/],
    ['running past the end of the file', ([start, length, second, secondLength]) => [start, length, second, secondLength + 100], /runs 100 bytes past the end of the file/],
    ['three entries', ([start, length, second]) => [start, length, second], /not an array of four numbers/],
  ]

  it.each(malformedRanges)('a ByteRange %s is invalid with its reason, even where the digest matches', async (_, byteRange, reason) => {
    const { signature } = await check(sign({ byteRange }))
    expect(signature.status).toBe('invalid')
    expect(signature.problems.join('\n')).toMatch(reason)
  })

  it('stricter than pdfsig where it must be: pdfsig calls a ByteRange that leaves bytes unsigned valid', async () => {
    const wider = await check(sign({ byteRange: ([start, length, second, secondLength]) => [start, length - 30, second, secondLength] }))
    expect(wider.reference?.validation).toBe('Signature is Valid.')
    expect(wider.signature).toMatchObject({ status: 'invalid', integrity: { digestMatches: true, signatureVerifies: true } })
  })

  it('a gap that leaves only the angle brackets signed is accepted, as pdfsig does', async () => {
    const { signature, reference } = await check(sign({ gapWithoutDelimiters: true }))
    expect(reference?.validation).toBe('Signature is Valid.')
    expect(signature.status).toBe('valid')
    expect(signature.notes).toContain('The ByteRange signs the angle brackets of /Contents too; unusual, but nothing else is left unsigned.')
  })

  it('an RFC 3161 document timestamp verifies, names its TSA, and breaks when tampered with', async () => {
    const pdf = sign({ sign: bench.timestampToken(), subFilter: 'ETSI.RFC3161', type: 'DocTimeStamp' })
    const { signature, reference } = await check(pdf)
    expect(reference?.validation).toBe('Signature has not yet been verified.')
    expect(signature).toMatchObject({ kind: 'document-timestamp', status: 'valid', timestamp: true, signer: { commonName: 'Teken Test TSA' } })
    expect(Math.abs(Date.parse(signature.timestampedAt ?? '') - Date.now())).toBeLessThan(120_000)
    const tampered = await check(flipBit(pdf, pdf.indexOf('Persetujuan')))
    expect(tampered.signature).toMatchObject({ status: 'invalid', integrity: { digestMatches: false, signatureVerifies: true } })
  })

  it('adbe.x509.rsa_sha1 is verified as bare PKCS#1 v1.5, and breaks when tampered with', async () => {
    const raw = bench.rawRsaSha1()
    const pdf = sign({ sign: raw.sign, subFilter: 'adbe.x509.rsa_sha1', extraEntries: raw.certEntry })
    const { signature, reference } = await check(pdf)
    expect(reference?.validation).toBe('Signature has not yet been verified.')
    expect(signature).toMatchObject({ status: 'valid', integrity: { digestAlgorithm: 'SHA-1', signatureAlgorithm: 'RSA PKCS#1 v1.5 with SHA-1' }, signer: { commonName: 'Budi Santoso' } })
    const tampered = await check(flipBit(pdf, pdf.indexOf('Persetujuan')))
    expect(tampered.signature).toMatchObject({ status: 'invalid', integrity: { digestMatches: false, signatureVerifies: false } })
  })

  it('adbe.pkcs7.sha1 checks the encapsulated SHA-1 digest (openssl agrees; poppler 22.12 hashes it as if detached)', async () => {
    const pdf = sign({ sign: bench.pkcs7Sha1(), subFilter: 'adbe.pkcs7.sha1' })
    const { signature, reference, path } = await check(pdf)
    expect(reference?.validation).toBe('Digest Mismatch.')
    expect(signature).toMatchObject({ status: 'valid', integrity: { digestAlgorithm: 'SHA-1', digestMatches: true, signatureVerifies: true } })
    const [start1 = 0, length1 = 0, start2 = 0, length2 = 0] = signature.coverage.byteRange
    const { hexStart, derLength } = contentsLayout(pdf)
    const cms = Buffer.from(pdf.toString('latin1', hexStart, hexStart + derLength * 2), 'hex')
    const encapsulated = openssl(['cms', '-verify', '-noverify', '-binary', '-inform', 'DER'], { input: cms }).stdout
    const rangesDigest = openssl(['dgst', '-sha1', '-binary'], { input: Buffer.concat([pdf.subarray(start1, start1 + length1), pdf.subarray(start2, start2 + length2)]) }).stdout
    expect(encapsulated.equals(rangesDigest), path).toBe(true)
    const tampered = await check(flipBit(pdf, pdf.indexOf('Persetujuan')))
    expect(tampered.signature).toMatchObject({ status: 'invalid', integrity: { digestMatches: false, signatureVerifies: true } })
  })

  it('an unknown SubFilter is unsupported, with the reason, never valid', async () => {
    const { signature, verification } = await check(sign({ subFilter: 'Teken.custom' }))
    expect(signature).toMatchObject({ status: 'unsupported', problems: ['SubFilter Teken.custom is not a signature format Teken knows.'] })
    expect(verification.allValid).toBe(false)
  })

  it('a CMS without the signer certificate is unsupported: there is nothing to check it with', async () => {
    const { signature } = await check(sign({ sign: bench.cms('rsa', ['-nocerts']) }))
    expect(signature.status).toBe('unsupported')
    expect(signature.problems[0]).toBe('The signer certificate is not embedded in the signature, so the signature cannot be checked.')
  })

  it('a signature field missing from the AcroForm but on the page is still found, as pdfsig finds it', async () => {
    const { signature, reference, verification } = await check(sign({ fields: '[]' }))
    expect(reference?.validation).toBe('Signature is Valid.')
    expect(signature.status).toBe('valid')
    expect(signature.notes).toContain("The signature's field is on a page but missing from the document's list of form fields (AcroForm).")
    expect(verification.repaired).toBe(false)
  })

  it('a broken startxref is repaired and the signature still verifies', async () => {
    const { signature, verification } = await check(sign({ startxref: 12345 }))
    expect(verification.repaired).toBe(true)
    expect(signature.status).toBe('valid')
  })

  it('in a repaired file, a signature nothing leads to is found by scanning for /ByteRange', async () => {
    const { signature, verification } = await check(sign({ startxref: 12345, fields: '[]', annots: '[]' }))
    expect(verification.repaired).toBe(true)
    expect(signature).toMatchObject({ status: 'valid', fieldName: undefined })
    expect(signature.notes).toContain('Found by scanning the damaged file: no form field leads to this signature.')
  })

  it('a signed file cut short inside its signature is PDF_DAMAGED, not "unsigned"', async () => {
    const pdf = sign()
    const path = bench.save('truncated.pdf', pdf.subarray(0, contentsLayout(pdf).hexStart + 100))
    const error = await verifyPdf(path).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(TekenError)
    expect((error as TekenError).code).toBe('PDF_DAMAGED')
  })
})
