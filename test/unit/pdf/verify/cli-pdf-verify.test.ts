import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCli } from '../../../support/cli'
import { verifyPdf } from '../../../../src/main/pdf/verify'
import { CORPUS_DIR } from './reference-tools'

describe('npm run cli -- pdf verify', () => {
  let dataDir: string
  const run = createCli(() => dataDir).run
  const cli = (...args: string[]) => run('pdf', 'verify', ...args)

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-cli-verify-'))
  })
  afterAll(() => rm(dataDir, { recursive: true, force: true }))

  it('prints one block per signature, times in WIB, and exits 0 when all are valid', () => {
    const result = cli('--in', `${CORPUS_DIR}pyhanko-pades-lta-dss-doc-timestamps.pdf`)
    expect(result.stderr).not.toMatch(/teken:/)
    expect(result.status).toBe(0)
    expect(result.stdout.match(/^Signature \d of 3: field "/gm)).toHaveLength(3)
    expect(result.stdout).toMatch(/Signer: +Alice\n/)
    expect(result.stdout).toMatch(/Signed at: +01 Nov 2020.* WIB \(\/M/)
    expect(result.stdout).toMatch(/Kind: +document timestamp \(RFC 3161\)/)
    expect(result.stdout).toMatch(/Intact: +yes \(SHA-256 matches, signature verifies\)/)
    expect(result.stdout).toMatch(/Coverage: +46,619 bytes appended later in 4 revisions/)
    expect(result.stdout).toMatch(/Chain \(as embedded; chain not checked against a trust store\):\n +1\. E=alice@example\.com, CN=Alice/)
    expect(result.stdout).toMatch(/^3 signatures: 3 valid\.$/m)
  }, 30_000)

  it('exits 1 and says why when a signature is not valid', () => {
    const result = cli('--in', `${CORPUS_DIR}pdfjs-signed.pdf`)
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(/Status: +INVALID/)
    expect(result.stdout).toMatch(/Problems:\n +- The CMS is inconsistent/)
    expect(result.stdout).toMatch(/^1 signature: 1 invalid\.$/m)
  }, 30_000)

  it('exits 0 with a clear line when there are no signatures, naming empty fields', () => {
    const result = cli('--in', `${CORPUS_DIR}jsignpdf-service-agreement-empty-sig-field.pdf`)
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/Unsigned signature fields: "JaneDoe"/)
    expect(result.stdout).toMatch(/^No signatures: this PDF is not signed\.$/m)
  }, 30_000)

  it('--json prints the same report verifyPdf returns', async () => {
    const path = `${CORPUS_DIR}pyhanko-two-fields-signed-twice.pdf`
    const result = cli('--in', path, '--json')
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify({ file: path, chainTrust: 'chain not checked against a trust store', ...(await verifyPdf(path)) })))
  }, 30_000)

  it('exits 2 for input it cannot read: encrypted, not a PDF, missing', () => {
    const encrypted = cli('--in', `${CORPUS_DIR}pypdf-aes128-user-password.pdf`)
    expect(encrypted.status).toBe(2)
    expect(encrypted.stderr).toContain('teken: The PDF needs a password to open. Teken verifies only files that open without one.\n')
    const notPdf = cli('--in', `${CORPUS_DIR}README.md`, '--json')
    expect(notPdf.status).toBe(2)
    expect(JSON.parse(notPdf.stdout)).toMatchObject({ error: { code: 'PDF_NOT_A_PDF' } })
    expect(cli('--in', join(dataDir, 'tidak-ada.pdf')).status).toBe(2)
  }, 60_000)
})
