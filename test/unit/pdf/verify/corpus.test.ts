import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyPdf } from '../../../../src/main/pdf/verify'
import { TekenError } from '../../../../src/shared/errors'
import {
  CORPUS_DIR,
  manifestRevisions,
  manifestSignatureKinds,
  openssl,
  opensWithoutPassword,
  pdfsig,
  pdfsigVerdict,
  readManifest,
} from './reference-tools'

const manifest = readManifest()
const signedRows = manifest.filter((row) => row.signed.startsWith('yes'))

describe('verifyPdf over the real-world corpus, checked against pdfsig and the manifest', () => {
  it('the manifest lists all 85 files, 12 of them signed', () => {
    expect(manifest).toHaveLength(85)
    expect(signedRows).toHaveLength(12)
  })

  describe.each(signedRows)('$file', (row) => {
    it('gives the verdict pdfsig gives for every signature it can check, with the same ranges and signer', async () => {
      const path = CORPUS_DIR + row.file
      const ours = await verifyPdf(path)
      const reference = pdfsig(path)
      expect(ours.signatures.map((signature) => signature.fieldName).sort()).toEqual(reference.map((signature) => signature.fieldName).sort())
      for (const theirs of reference) {
        const mine = ours.signatures.find((signature) => signature.fieldName === theirs.fieldName)
        const [start1, end1, start2, end2] = theirs.signedRanges ?? []
        expect(mine?.coverage.byteRange, theirs.fieldName).toEqual([start1, (end1 ?? 0) - (start1 ?? 0), start2, (end2 ?? 0) - (start2 ?? 0)])
        const verdict = pdfsigVerdict(theirs)
        if (verdict) expect(mine?.status, `${theirs.fieldName}: pdfsig says ${theirs.validation}`).toBe(verdict)
        if (verdict === 'valid') expect(mine?.coverage.coversWholeDocument, theirs.fieldName).toBe(theirs.totalDocumentSigned)
        if (theirs.commonName) expect(mine?.signer?.commonName).toBe(theirs.commonName)
      }
    })

    it('finds the signature kinds the manifest lists, and its revision count', async () => {
      const ours = await verifyPdf(CORPUS_DIR + row.file)
      const expected = manifestSignatureKinds(row)
      const counted = new Map<string, number>()
      for (const signature of ours.signatures) {
        const label = signature.kind === 'document-timestamp' ? `${signature.subFilter} doc-timestamp` : signature.kind === 'certification' ? `${signature.subFilter} certification(DocMDP)` : signature.subFilter
        counted.set(label, (counted.get(label) ?? 0) + 1)
      }
      expect(counted).toEqual(expected)
      expect(ours.revisions).toBe(manifestRevisions(row))
    })
  })

  it('agrees on pdfjs-signed.pdf: invalid, because the CMS lists SHA-1 while its signer used SHA-256', async () => {
    const [signature] = (await verifyPdf(`${CORPUS_DIR}pdfjs-signed.pdf`)).signatures
    expect(signature?.status).toBe('invalid')
    expect(signature?.problems.join(' ')).toMatch(/not among the SignedData's digest algorithms \(SHA-1\)/)
  })

  it('reads the first signature of pyhanko-two-fields-signed-twice.pdf as not covering the later revision', async () => {
    const { signatures, revisions } = await verifyPdf(`${CORPUS_DIR}pyhanko-two-fields-signed-twice.pdf`)
    expect(revisions).toBe(2)
    expect(signatures.map((signature) => [signature.fieldName, signature.status, signature.coverage.coversWholeDocument, signature.coverage.revisionsAfter])).toEqual([
      ['Sig2', 'valid', false, 1],
      ['Sig1', 'valid', true, 0],
    ])
    expect(signatures[0]?.coverage.bytesAfter).toBe(50827 - 26384)
  })

  it('lists the LTA file as two CAdES signatures and one document timestamp, each timestamped', async () => {
    const { signatures } = await verifyPdf(`${CORPUS_DIR}pyhanko-pades-lta-dss-doc-timestamps.pdf`)
    expect(signatures.map((signature) => [signature.kind, signature.subFilter, signature.status, signature.timestamp])).toEqual([
      ['approval', 'ETSI.CAdES.detached', 'valid', true],
      ['document-timestamp', 'ETSI.RFC3161', 'valid', true],
      ['approval', 'ETSI.CAdES.detached', 'valid', true],
    ])
    expect(signatures[1]?.signer?.commonName).toBe('Time Stamping Authority')
    expect(signatures.every((signature) => signature.chain.at(-1)?.selfSigned)).toBe(true)
  })

  it('reports DocMDP certification with its permission level', async () => {
    for (const file of ['pyhanko-certified-docmdp.pdf', 'qpdf-signed-and-encrypted-aes128.pdf']) {
      const [signature] = (await verifyPdf(CORPUS_DIR + file)).signatures
      expect(signature, file).toMatchObject({ kind: 'certification', certification: { level: 1 }, status: 'valid' })
    }
  })

  it('verifies the signature of an encrypted file that opens without a password, decrypting its strings', async () => {
    const verification = await verifyPdf(`${CORPUS_DIR}qpdf-signed-and-encrypted-aes128.pdf`)
    expect(verification.encrypted).toBe(true)
    expect(verification.signatures[0]?.reason).toBe('Agreement certified by Adobe Acrobat Sign')
  })

  it('keeps UR3 usage-rights signatures apart from the document signatures, and they verify', async () => {
    for (const row of manifest.filter((candidate) => candidate.signed.includes('UR3'))) {
      const verification = await verifyPdf(CORPUS_DIR + row.file)
      expect(verification.signatures, row.file).toEqual([])
      expect(verification.usageRights.map((signature) => [signature.kind, signature.status, signature.fieldName]), row.file).toEqual([['usage-rights', 'valid', undefined]])
      expect(verification.allValid).toBe(true)
    }
  })

  it('finds no signatures in unsigned files, and names their empty fields and placeholders', async () => {
    for (const row of manifest.filter((candidate) => candidate.signed.startsWith('no') && opensWithoutPassword(candidate))) {
      const verification = await verifyPdf(CORPUS_DIR + row.file)
      expect(verification.signatures, row.file).toEqual([])
      const empty = Number(/(\d+) empty sig field/.exec(row.signed)?.[1] ?? 0)
      const placeholders = Number(/(\d+) placeholder sig dict/.exec(row.signed)?.[1] ?? 0)
      expect(verification.unsignedFields.filter((field) => !field.placeholder), row.file).toHaveLength(empty)
      expect(verification.unsignedFields.filter((field) => field.placeholder), row.file).toHaveLength(placeholders)
      expect(verification.revisions, row.file).toBe(manifestRevisions(row))
    }
  })

  it('refuses files that need a password or a certificate with PDF_ENCRYPTED', async () => {
    const locked = manifest.filter((row) => !opensWithoutPassword(row))
    expect(locked.length).toBeGreaterThan(8)
    for (const row of locked) {
      const error = await verifyPdf(CORPUS_DIR + row.file).catch((caught: unknown) => caught)
      expect(error, row.file).toBeInstanceOf(TekenError)
      expect((error as TekenError).code, row.file).toBe('PDF_ENCRYPTED')
    }
  })

  it('reads the damaged files instead of failing, rebuilding the xref where startxref is broken', async () => {
    const damaged = manifest.filter((candidate) => /qpdf: file is damaged/.test(candidate.notes))
    expect(damaged).toHaveLength(9)
    for (const row of damaged) {
      const verification = await verifyPdf(CORPUS_DIR + row.file)
      expect(verification.signatures, row.file).toEqual([])
      // The invalid xref entry there is one this reader never needs to follow.
      if (row.file !== 'pdfjs-pdf10-invalid-xref-entry.pdf') expect(verification.repaired, row.file).toBe(true)
    }
  })
})

/**
 * Where pdfsig cannot judge (RFC 3161 document timestamps, adbe.x509.rsa_sha1), openssl is the
 * independent reference: the token's imprint against `openssl dgst`, its CMS signature with
 * `openssl cms -verify`, the bare RSA signature with `openssl dgst -verify`.
 */
describe('what pdfsig cannot check, cross-checked with openssl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'teken-verify-openssl-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const signedBytes = (file: string, byteRange: number[]) => {
    const bytes = readFileSync(CORPUS_DIR + file)
    const [start1 = 0, length1 = 0, start2 = 0, length2 = 0] = byteRange
    writeFileSync(join(dir, 'ranges.bin'), Buffer.concat([bytes.subarray(start1, start1 + length1), bytes.subarray(start2, start2 + length2)]))
    const hex = bytes.subarray(start1 + length1 + 1, start2 - 1).toString('latin1')
    return Buffer.from(hex.replace(/(00)+$/, ''), 'hex')
  }

  /** The document's DSS certificates as PEM, extracted by qpdf rather than by the code under test. */
  const dssCertificatesPem = (file: string) => {
    const json = JSON.parse(execFileSync('qpdf', ['--json=2', '--json-key=qpdf', '--decode-level=all', '--json-stream-data=inline', CORPUS_DIR + file], { encoding: 'utf8', maxBuffer: 64 << 20 })) as {
      qpdf: [unknown, Record<string, { value?: Record<string, unknown>; stream?: { data?: string } }>]
    }
    const objects = json.qpdf[1]
    const object = (reference: unknown) => objects[`obj:${String(reference)}`]
    const dss = object(object(objects.trailer?.value?.['/Root'])?.value?.['/DSS'])?.value
    const certsValue = dss?.['/Certs']
    const certificates = (Array.isArray(certsValue) ? certsValue : (object(certsValue)?.value ?? [])) as string[]
    return certificates.map((reference) => `-----BEGIN CERTIFICATE-----\n${object(reference)?.stream?.data ?? ''}\n-----END CERTIFICATE-----\n`).join('')
  }

  it.each(['pdfcpu-pades-b-lta.pdf', 'pyhanko-pades-lta-dss-doc-timestamps.pdf'])('the document timestamp in %s verifies and timestamps exactly the signed ranges', async (file) => {
    const timestamp = (await verifyPdf(CORPUS_DIR + file)).signatures.find((signature) => signature.kind === 'document-timestamp')
    expect(timestamp?.status).toBe('valid')
    writeFileSync(join(dir, 'token.der'), signedBytes(file, timestamp?.coverage.byteRange ?? []))
    writeFileSync(join(dir, 'dss.pem'), dssCertificatesPem(file))
    const text = openssl(['ts', '-reply', '-in', 'token.der', '-token_in', '-text'], { cwd: dir }).stdout.toString()
    // Hex dump lines: "    0000 - e2 0e … 27-38 … d3   ..>..."; 16 bytes take 47 characters after " - ".
    const dump = /Message data:\n([\s\S]*?)\n[A-Z]/.exec(text)?.[1]?.split('\n') ?? []
    const imprint = dump.map((line) => line.slice(line.indexOf(' - ') + 3, line.indexOf(' - ') + 50).replace(/-/g, ' ').trim().split(/\s+/).join('')).join('')
    const digest = openssl(['dgst', '-sha256', '-r', 'ranges.bin'], { cwd: dir }).stdout.toString().split(' ')[0]
    expect(imprint).toBe(digest)
    const verified = openssl(['cms', '-verify', '-noverify', '-binary', '-inform', 'DER', '-in', 'token.der', '-certfile', 'dss.pem', '-out', 'tstinfo.der'], { cwd: dir })
    expect(verified.stderr).toMatch(/Verification successful/)
  })

  it('the adbe.x509.rsa_sha1 signature verifies with openssl dgst -verify over the signed ranges', async () => {
    const file = 'pdfcpu-signed-adbe-x509-rsa-sha1.pdf'
    const [signature] = (await verifyPdf(CORPUS_DIR + file)).signatures
    expect(signature).toMatchObject({ subFilter: 'adbe.x509.rsa_sha1', status: 'valid', signer: { commonName: 'Alice' } })
    const wrapped = signedBytes(file, signature?.coverage.byteRange ?? [])
    // DER OCTET STRING with a long-form length: 04 81 LL or 04 82 LL LL.
    const headerLength = 2 + ((wrapped[1] ?? 0) & 0x80 ? (wrapped[1] ?? 0) & 0x7f : 0)
    writeFileSync(join(dir, 'signature.bin'), wrapped.subarray(headerLength))
    const json = execFileSync('qpdf', ['--json=2', '--json-key=qpdf', CORPUS_DIR + file], { encoding: 'utf8', maxBuffer: 64 << 20 })
    writeFileSync(join(dir, 'cert.der'), Buffer.from(/"\/Cert": "b:([0-9a-f]+)"/.exec(json)?.[1] ?? '', 'hex'))
    openssl(['x509', '-inform', 'DER', '-in', 'cert.der', '-pubkey', '-noout', '-out', 'public.pem'], { cwd: dir })
    const verified = openssl(['dgst', '-sha1', '-verify', 'public.pem', '-signature', 'signature.bin', 'ranges.bin'], { cwd: dir })
    expect(verified.stdout.toString()).toMatch(/Verified OK/)
  })
})
