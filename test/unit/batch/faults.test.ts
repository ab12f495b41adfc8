import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BatchMode, DocumentRecord } from '../../../src/main/batch/journal'
import { createCli } from '../../support/cli'
import { latestOtp, startSandboxFixture, type SandboxFixture } from '../peruri/support'
import { BUDI, expectSignedByPdfsig, injectFaults, makeLetters, runBatch } from './support'

interface SandboxOrder {
  orderId: string
  fileName: string
  signCount: number
}

// Timeouts, 503s and dropped answers (the provider did the work, the answer was lost) injected into
// the real sandbox: no document is ever uploaded or signed twice, and every failure is explained.
describe('batch under provider faults', () => {
  let fixture: SandboxFixture
  let work: string
  const cli = createCli(() => join(work, 'data'))

  beforeAll(async () => {
    fixture = await startSandboxFixture()
    work = await mkdtemp(join(tmpdir(), 'teken-batch-faults-'))
  })
  afterEach(() => injectFaults(fixture.sandbox.server.url, { latencyMs: 0, errorRate: 0, timeoutRate: 0, dropRate: 0 }))
  afterAll(async () => {
    await fixture.dispose()
    await rm(work, { recursive: true, force: true })
  })

  const orders = async () => (await (await fetch(`${fixture.sandbox.server.url}/sandbox/orders`)).json()) as SandboxOrder[]

  async function run(name: string, mode: BatchMode, count: number, settings: Record<string, number> = {}) {
    const inputDir = join(work, `${name}-in`)
    await makeLetters(inputDir, count, { prefix: name })
    const journalPath = join(work, `${name}.journal`)
    const { journal, summary } = await runBatch({
      journalPath,
      mode,
      inputDir,
      outputDir: join(work, `${name}-out`),
      signer: BUDI,
      clock: fixture.clock,
      peruri: fixture.client,
      otp: async (request) => latestOtp(fixture.sandbox, request.email),
      settings: { backoffMs: 20, ...settings },
    })
    journal.close()
    return { journalPath, summary }
  }

  /** At most one order per file at Peruri, at most one signature; verified ones signed exactly once. */
  async function expectExactlyOnce(prefix: string, documents: DocumentRecord[]): Promise<void> {
    const ours = (await orders()).filter((order) => order.fileName.startsWith(`${prefix}-`))
    for (const document of documents) {
      const forFile = ours.filter((order) => order.fileName === document.fileName)
      expect(forFile.length, `orders for ${document.fileName}`).toBeLessThanOrEqual(1)
      const signed = forFile.reduce((sum, order) => sum + order.signCount, 0)
      if (document.state === 'verified') {
        expect(signed).toBe(1)
        expectSignedByPdfsig(document.outputPath, 1, 'Budi Santoso')
      } else {
        expect(signed, `${document.fileName} (${document.state})`).toBeLessThanOrEqual(1)
        expect(document.failure, `why ${document.fileName} is ${document.state}`).toBeTruthy()
      }
    }
  }

  /** `batch status` names every document that is not verified, with its state and reason, and exits 1. */
  function expectExplainedByStatus(journalPath: string, documents: DocumentRecord[]): void {
    const status = cli.run('batch', 'status', '--journal', journalPath)
    const problems = documents.filter((document) => document.state !== 'verified')
    expect(status.status).toBe(problems.length ? 1 : 0)
    const lines = status.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(documents.length + 1)
    for (const document of problems) expect(lines).toContain([document.fileName, document.state, ...(document.orderId ? [`order ${document.orderId}`] : []), ...(document.attempts ? [`attempts ${document.attempts}`] : []), document.failure].join('\t'))
  }

  it('retries a 503 upload, reviews a dropped one, re-asks a timed-out OTP, settles a dropped signing with Check Document Status', async () => {
    const url = fixture.sandbox.server.url
    await injectFaults(url, { holdMs: 200, failNext: { pathPart: 'sendDocumentBulk', kind: 'error', count: 1 } })
    await injectFaults(url, { failNext: { pathPart: 'sendDocumentBulk', kind: 'drop', count: 1 } })
    await injectFaults(url, { failNext: { pathPart: 'getOtpBulk', kind: 'timeout', count: 1 } })
    await injectFaults(url, { failNext: { pathPart: 'signingBulk', kind: 'drop', count: 1 } })
    await injectFaults(url, { failNext: { pathPart: 'downloadDocument', kind: 'error', count: 2 } })
    await injectFaults(url, { failNext: { pathPart: 'checkDocumentStatus', kind: 'error', count: 1 } })
    const { journalPath, summary } = await run('scripted', 'peruri-bulk', 6, { maxFilesPerChunk: 2, concurrency: 1 })

    const byState = (state: string) => summary.documents.filter((document) => document.state === state)
    expect(byState('verified')).toHaveLength(4)
    const reviewed = byState('needs-review')
    expect(reviewed).toHaveLength(2)
    for (const document of reviewed) expect(document.failure).toMatch(/^The upload's answer never arrived.*\(.*could not be reached/)
    // The dropped upload did create the orders at Peruri; they stay unsigned and are never sent again.
    const ours = (await orders()).filter((order) => reviewed.some((document) => document.fileName === order.fileName))
    expect(ours.map((order) => order.signCount)).toEqual([0, 0])
    await expectExactlyOnce('scripted', summary.documents)
    expectExplainedByStatus(journalPath, summary.documents)
  }, 60_000)

  for (const mode of ['peruri-bulk', 'peruri-single', 'peruri-system'] as const) {
    it(`${mode}: random 503s, timeouts and dropped answers never sign a document twice`, async () => {
      await injectFaults(fixture.sandbox.server.url, { errorRate: 0.15, timeoutRate: 0.05, dropRate: 0.1, holdMs: 150 })
      const prefix = `random-${mode}`
      const { journalPath, summary } = await run(prefix, mode, 10, { maxFilesPerChunk: 3, groupSize: 4 })
      await injectFaults(fixture.sandbox.server.url, { errorRate: 0, timeoutRate: 0, dropRate: 0 })
      expect(summary.documents.every((document) => ['verified', 'failed', 'needs-review'].includes(document.state) || document.failure)).toBe(true)
      await expectExactlyOnce(prefix, summary.documents)
      expectExplainedByStatus(journalPath, summary.documents)
    }, 90_000)
  }
})
