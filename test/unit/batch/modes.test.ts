import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BatchOtpRequest } from '../../../src/main/batch/batch-runner'
import { readPdfInfo } from '../../../src/main/pdf/sign'
import { systemClock } from '../../../src/main/ports/clock'
import { parseTemplateText } from '../../../src/shared/placement/template'
import { makeTestIdentity } from '../pdf/sign/support'
import { latestOtp, startSandboxFixture, type SandboxFixture } from '../peruri/support'
import { BUDI, expectAllVerified, expectSignedByPdfsig, hashFolder, ISSUE_TEMPLATE, makeLetters, runBatch, sha256, signCounts } from './support'

// Each mode end to end: real PDFs, the real Peruri sandbox over loopback HTTP (or a real PKCS#12
// identity), a real SQLite journal, and outputs judged by poppler's pdfsig.
describe('batch modes, end to end', () => {
  let fixture: SandboxFixture
  let work: string
  const otpFromInbox = async (request: BatchOtpRequest) => latestOtp(fixture.sandbox, request.email)

  beforeAll(async () => {
    fixture = await startSandboxFixture()
    work = await mkdtemp(join(tmpdir(), 'teken-batch-modes-'))
  })
  afterAll(async () => {
    await fixture.dispose()
    await rm(work, { recursive: true, force: true })
  })

  it("accepts the issue's minimal template form verbatim", () => {
    const template = parseTemplateText(JSON.stringify(ISSUE_TEMPLATE))
    expect(template.boxes).toEqual([{ page: 1, rect: [454, 45, 529, 116], visible: true, reason: 'Disetujui', location: 'Jakarta', certificationLevel: 'NOT_CERTIFIED' }])
  })

  it('peruri-bulk: chunked Send Document Bulk, one OTP for the group, every output verified under its predictable name', async () => {
    const inputDir = join(work, 'bulk-in')
    const outputDir = join(work, 'bulk-out')
    await makeLetters(inputDir, 5, { prefix: 'bulk' })
    const inputsBefore = await hashFolder(inputDir)
    const otpRequests: BatchOtpRequest[] = []
    const { journal, summary } = await runBatch({
      journalPath: join(work, 'bulk.journal'),
      mode: 'peruri-bulk',
      inputDir,
      outputDir,
      signer: BUDI,
      clock: fixture.clock,
      peruri: fixture.client,
      otp: (request) => {
        otpRequests.push(request)
        return otpFromInbox(request)
      },
      settings: { maxFilesPerChunk: 2 },
    })
    expectAllVerified(summary)
    expect(summary.counts.verified).toBe(5)
    expect(otpRequests).toEqual([expect.objectContaining({ email: BUDI, documents: 5 })])

    expect(await hashFolder(inputDir)).toEqual(inputsBefore)
    const counts = await signCounts(fixture.sandbox.server.url)
    for (const document of summary.documents) {
      expect(document.outputPath).toBe(join(outputDir, basename(document.fileName, '.pdf') + '.signed.pdf'))
      expectSignedByPdfsig(document.outputPath, 1, 'Budi Santoso')
      expect(document.sha256Before).toBe(inputsBefore.get(document.fileName))
      expect(document.sha256After).toBe(sha256(await readFile(document.outputPath)))
      expect(document.orderId).toMatch(/^\d+$/)
      expect(counts.get(document.fileName)).toBe(1)
    }
    expect(journal.verifyAudit()).toMatchObject({ ok: true })
    const actions = journal.auditRows().map((row) => `${row.action} ${row.fileName ?? ''}`.trim())
    for (const document of summary.documents) for (const action of ['document.uploaded', 'document.signed', 'document.verified']) expect(actions).toContain(`${action} ${document.fileName}`)

    const csv = await readFile(summary.report.csv, 'utf8')
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(6)
    expect(csv).toMatch(/^bulk-001\.pdf,verified,\d+,0,,/m)
    expect((await readFile(summary.report.pdf)).subarray(0, 5).toString()).toBe('%PDF-')
    expect((await readdir(outputDir)).filter((name) => name.startsWith('.'))).toEqual([])
    journal.close()
  }, 60_000)

  it('peruri-bulk: boxes that differ per document go out with Set Signature per order ("last" page of letters of 1–3 pages)', async () => {
    const inputDir = join(work, 'last-in')
    await makeLetters(inputDir, 3, { prefix: 'last', pages: (index) => index + 1 })
    const { journal, summary } = await runBatch({
      journalPath: join(work, 'last.journal'),
      mode: 'peruri-bulk',
      inputDir,
      outputDir: join(work, 'last-out'),
      signer: BUDI,
      template: { version: 1, boxes: [{ page: 'last', rect: [400, 40, 560, 110] }] },
      clock: fixture.clock,
      peruri: fixture.client,
      otp: otpFromInbox,
    })
    expectAllVerified(summary)
    for (const [index, document] of summary.documents.entries()) {
      expect(document.placements).toEqual([expect.objectContaining({ pageNumber: index + 1 })])
      const info = await readPdfInfo(document.outputPath)
      expect(info.signatureFields).toEqual([expect.objectContaining({ signed: true, pageNumber: index + 1, rect: [400, 40, 560, 110] })])
      expectSignedByPdfsig(document.outputPath, 1)
    }
    journal.close()
  }, 60_000)

  it('peruri-system: Set Key once, Send Document (SYSTEM) and Signing System in groups, no OTP; two boxes each', async () => {
    const inputDir = join(work, 'system-in')
    await makeLetters(inputDir, 5, { prefix: 'system' })
    const { journal, summary } = await runBatch({
      journalPath: join(work, 'system.journal'),
      mode: 'peruri-system',
      inputDir,
      outputDir: join(work, 'system-out'),
      signer: BUDI,
      template: { version: 1, boxes: [ISSUE_TEMPLATE.boxes[0]!, { page: 1, rect: [60, 45, 220, 116], reason: 'Mengetahui' }] },
      clock: fixture.clock,
      peruri: fixture.client,
      settings: { groupSize: 2 },
    })
    expectAllVerified(summary)
    const counts = await signCounts(fixture.sandbox.server.url)
    for (const document of summary.documents) {
      expectSignedByPdfsig(document.outputPath, 2, 'Budi Santoso')
      expect(counts.get(document.fileName)).toBe(1)
      expect(fixture.sandbox.order(document.orderId!)).toMatchObject({ kind: 'system', status: 'SIGNED' })
    }
    journal.close()
  }, 60_000)

  it('peruri-single: send, OTP, sign and download per document', async () => {
    const inputDir = join(work, 'single-in')
    await makeLetters(inputDir, 3, { prefix: 'single' })
    const otpRequests: BatchOtpRequest[] = []
    const { journal, summary } = await runBatch({
      journalPath: join(work, 'single.journal'),
      mode: 'peruri-single',
      inputDir,
      outputDir: join(work, 'single-out'),
      signer: BUDI,
      clock: fixture.clock,
      peruri: fixture.client,
      otp: (request) => {
        otpRequests.push(request)
        return otpFromInbox(request)
      },
    })
    expectAllVerified(summary)
    expect(otpRequests.map((request) => request.orderId).sort()).toEqual(summary.documents.map((document) => document.orderId).sort())
    for (const document of summary.documents) expectSignedByPdfsig(document.outputPath, 1, 'Budi Santoso')
    journal.close()
  }, 60_000)

  it('local: a PKCS#12 identity signs every template box, outputs verified', async () => {
    const inputDir = join(work, 'local-in')
    await makeLetters(inputDir, 5, { prefix: 'local' })
    const identityDir = await mkdtemp(join(work, 'identity-'))
    const { identity } = await makeTestIdentity(identityDir, 'Dewi Lestari')
    const { journal, summary } = await runBatch({
      journalPath: join(work, 'local.journal'),
      mode: 'local',
      inputDir,
      outputDir: join(work, 'local-out'),
      signer: 'dewi',
      // The sandbox fixture's clock stands still from before this identity was issued.
      clock: systemClock,
      localIdentity: async () => identity,
    })
    expectAllVerified(summary)
    for (const document of summary.documents) expectSignedByPdfsig(document.outputPath, 1, 'Dewi Lestari')
    expect(journal.verifyAudit()).toMatchObject({ ok: true })
    journal.close()
  }, 60_000)
})
