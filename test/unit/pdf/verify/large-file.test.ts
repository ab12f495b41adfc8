import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PdfFileReader } from '../../../../src/main/pdf/core/file-reader'
import { verifyPdf } from '../../../../src/main/pdf/verify'
import { buildSignedPdf, SigningBench } from './signed-pdf-factory'

const FIFTY_MIB = 50 * 1024 * 1024

describe('a 50 MB signed PDF', () => {
  let bench: SigningBench
  let path: string
  beforeAll(() => {
    bench = new SigningBench()
    path = bench.save('besar.pdf', buildSignedPdf({ sign: bench.cms('rsa'), bulkBytes: FIFTY_MIB }))
  }, 60_000)
  afterAll(() => {
    vi.restoreAllMocks()
    bench.cleanup()
  })

  it('is verified in 1 MiB reads, never holding the file in memory, in about the time of hashing it', async () => {
    const hashStarted = performance.now()
    const hash = createHash('sha256')
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
    hash.digest()
    const hashingMs = performance.now() - hashStarted

    const read = vi.spyOn(PdfFileReader.prototype, 'read')
    const started = performance.now()
    const verification = await verifyPdf(path)
    const verifyMs = performance.now() - started
    const lengths = read.mock.calls.map(([, length]) => length)
    read.mockRestore()

    expect(verification.signatures[0]).toMatchObject({ status: 'valid', coverage: { coversWholeDocument: true } })
    expect(verification.fileSize).toBeGreaterThan(FIFTY_MIB)
    expect(Math.max(...lengths)).toBeLessThanOrEqual(1024 * 1024)
    // One pass to hash the signed ranges and one to find the %%EOF markers; nothing else reads much.
    expect(lengths.reduce((sum, length) => sum + length, 0)).toBeLessThan(2.2 * verification.fileSize)
    expect(verifyMs).toBeLessThan(4 * hashingMs + 2_000)
  }, 60_000)
})
