import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPdf } from '../../../../src/main/pdf/verify'
import { TekenError, type ErrorCode } from '../../../../src/shared/errors'
import { CORPUS_DIR } from './reference-tools'
import { buildSignedPdf, SigningBench } from './signed-pdf-factory'

async function expectFailure(path: string, code: ErrorCode): Promise<TekenError> {
  const error = await verifyPdf(path).catch((caught: unknown) => caught)
  expect(error, path).toBeInstanceOf(TekenError)
  expect((error as TekenError).code, `${path}: ${(error as Error).message}`).toBe(code)
  return error as TekenError
}

describe('verifyPdf on input it cannot read: a specific error each', () => {
  let bench: SigningBench
  beforeAll(() => {
    bench = new SigningBench()
  })
  afterAll(() => bench.cleanup())

  it('files that are not PDFs are PDF_NOT_A_PDF', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
    const lateHeader = Buffer.concat([Buffer.alloc(2000, 0x20), Buffer.from('%PDF-1.7\n')])
    for (const path of [`${CORPUS_DIR}README.md`, `${CORPUS_DIR}MANIFEST.tsv`, bench.save('image.png', png), bench.save('empty.pdf', Buffer.alloc(0)), bench.save('late.pdf', lateHeader)]) {
      const error = await expectFailure(path, 'PDF_NOT_A_PDF')
      expect(error.message).toMatch(/no %PDF- header/)
    }
  })

  it('a missing file or a folder is FILE_NOT_READABLE', async () => {
    expect((await expectFailure(bench.path('tidak-ada.pdf'), 'FILE_NOT_READABLE')).message).toMatch(/ENOENT/)
    mkdirSync(bench.path('folder.pdf'))
    expect((await expectFailure(bench.path('folder.pdf'), 'FILE_NOT_READABLE')).message).toMatch(/not a file/)
  })

  it('a header with nothing usable behind it is PDF_DAMAGED', async () => {
    await expectFailure(bench.save('header-only.pdf', Buffer.from('%PDF-1.7\nthis is not a PDF body\n')), 'PDF_DAMAGED')
    await expectFailure(bench.save('no-catalog.pdf', Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Page >>\nendobj\n%%EOF\n')), 'PDF_DAMAGED')
  })

  it('a password or a certificate to open the file is PDF_ENCRYPTED, saying which', async () => {
    expect((await expectFailure(`${CORPUS_DIR}pypdf-aes256-r6-user-and-owner.pdf`, 'PDF_ENCRYPTED')).message).toMatch(/needs a password/)
    expect((await expectFailure(`${CORPUS_DIR}pyhanko-pubkey-encrypted-aes256.pdf`, 'PDF_ENCRYPTED')).message).toMatch(/Adobe\.PubSec security handler/)
  })

  describe('encrypted by qpdf with an empty user password: strings decrypted, /Contents left as it is', () => {
    const variants: [string, string[]][] = [
      ['RC4 40-bit (R2)', ['40']],
      ['RC4 128-bit (R3)', ['128', '--use-aes=n']],
      ['AES-128 (R4) with object streams', ['128', '--use-aes=y', '--', '--object-streams=generate']],
      ['AES-256 (R5)', ['256', '--force-R5']],
      ['AES-256 (R6) with object streams', ['256', '--', '--object-streams=generate']],
    ]

    it.each(variants)('%s', async (_, encryption) => {
      const source = bench.save('plain.pdf', buildSignedPdf({ sign: bench.cms('rsa') }))
      const target = bench.path('encrypted.pdf')
      const [bits = '', ...rest] = encryption
      const separator = rest.indexOf('--')
      const encryptArgs = separator >= 0 ? rest.slice(0, separator) : rest
      const writeArgs = separator >= 0 ? rest.slice(separator + 1) : []
      execFileSync('qpdf', ['--allow-weak-crypto', ...writeArgs, '--encrypt', '', 'pemilik', bits, ...encryptArgs, '--', source, target])
      const verification = await verifyPdf(target)
      expect(verification.encrypted).toBe(true)
      const [signature] = verification.signatures
      expect(signature).toMatchObject({ fieldName: 'Tanda Tangan 1', reason: 'Persetujuan kontrak', location: 'Jakarta', signer: { commonName: 'Budi Santoso' } })
      // qpdf rewrote the file, so the old ByteRange no longer fits it.
      expect(signature?.status).toBe('invalid')
      execFileSync('qpdf', ['--allow-weak-crypto', '--encrypt', 'rahasia', 'pemilik', bits, ...encryptArgs, '--', source, target])
      await expectFailure(target, 'PDF_ENCRYPTED')
    })
  })
})
