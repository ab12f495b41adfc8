import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBatch, startBatchRun, type BatchOtpRequest, type BatchPorts, type BatchRun } from '../../../src/main/batch/batch-runner'
import { openJournal, type BatchSettings } from '../../../src/main/batch/journal'
import { signerFromPlacement } from '../../../src/main/providers/peruri/protocol'
import { parseTemplate } from '../../../src/shared/placement/template'
import { latestOtp, startSandboxFixture, type SandboxFixture } from '../peruri/support'
import { BUDI, expectAllVerified, expectSignedByPdfsig, ISSUE_TEMPLATE, makeLetters, signCounts } from './support'

// What a run interrupted at the worst moments leaves in the journal, and how the next run settles it.
describe('batch resume and run control', () => {
  let fixture: SandboxFixture
  let work: string
  const template = parseTemplate(ISSUE_TEMPLATE)
  const otpRequests: BatchOtpRequest[] = []
  const ports = (): BatchPorts => ({
    clock: fixture.clock,
    peruriClient: async () => fixture.client,
    localIdentity: () => Promise.reject(new Error('not local')),
    otp: async (request) => {
      otpRequests.push(request)
      return latestOtp(fixture.sandbox, request.email)
    },
  })

  async function newBatch(name: string, count: number, settings: Partial<BatchSettings> = {}) {
    const inputDir = join(work, `${name}-in`)
    await makeLetters(inputDir, count, { prefix: name })
    const journal = openJournal(join(work, `${name}.journal`), { create: true, osUser: 'tester', now: () => fixture.clock.now() })
    const batch = await createBatch(journal, { mode: 'peruri-bulk', env: 'test', signer: BUDI, inputDir, outputDir: join(work, `${name}-out`), template, settings: { backoffMs: 10, ...settings } }, fixture.clock)
    return { journal, batch, documents: journal.documents(batch.id) }
  }

  beforeAll(async () => {
    fixture = await startSandboxFixture()
    work = await mkdtemp(join(tmpdir(), 'teken-batch-resume-'))
  })
  afterAll(async () => {
    await fixture.dispose()
    await rm(work, { recursive: true, force: true })
  })

  it('marks a document whose upload answer was lost for review and never sends it again', async () => {
    const { journal, batch, documents } = await newBatch('lost', 3)
    // A run killed between writing the intent and recording Peruri's answer leaves exactly this.
    journal.update([documents[0]!], { state: 'uploading' }, { durable: true })
    const summary = await startBatchRun(journal, batch.id, ports()).done
    const [lost, ...rest] = summary.documents
    expect(lost).toMatchObject({ state: 'needs-review', failure: expect.stringMatching(/answer never arrived.*not sent again/) })
    expect(rest.map((document) => document.state)).toEqual(['verified', 'verified'])
    expect((await signCounts(fixture.sandbox.server.url)).has('lost-001.pdf')).toBe(false)
    expect(summary.complete).toBe(false)
    expect(await readFile(summary.report.csv, 'utf8')).toMatch(/^lost-001\.pdf,needs-review,,0,"The upload's answer never arrived/m)
    expect(journal.auditRows().filter((row) => row.action === 'document.needs-review').map((row) => row.fileName)).toEqual(['lost-001.pdf'])
    journal.close()
  }, 30_000)

  it('settles documents left in flight with Check Document Status before anything is signed again', async () => {
    const { journal, batch, documents } = await newBatch('flight', 3)
    const signer = [signerFromPlacement({ ...template.boxes[0]!, page: 1 })]
    const files = await Promise.all(documents.map(async (document) => ({ fileName: document.fileName, document: await readFile(document.inputPath) })))
    const { orderIds } = await fixture.client.sendDocumentBulk({ email: BUDI, files, signer })
    // The interrupted run's Signing Bulk went through for the first two; its answer never got back.
    const grant = await fixture.client.getOtpBulk(orderIds.slice(0, 2))
    await fixture.client.signingBulk({ orderIdBulk: grant.orderIdBulk, otpCodeBulk: latestOtp(fixture.sandbox, BUDI), tokenBulk: grant.token })
    journal.update(documents.slice(0, 2), (document) => ({ state: 'signing', orderId: orderIds[documents.indexOf(document)]! }), { durable: true })
    journal.update([documents[2]!], { state: 'otp-requested', orderId: orderIds[2]! })

    otpRequests.length = 0
    const summary = await startBatchRun(journal, batch.id, ports()).done
    expectAllVerified(summary)
    expect(otpRequests).toEqual([expect.objectContaining({ documents: 1 })])
    for (const orderId of orderIds) expect(fixture.sandbox.order(orderId)).toMatchObject({ status: 'SIGNED', signCount: 1 })
    for (const document of summary.documents) expectSignedByPdfsig(document.outputPath, 1, 'Budi Santoso')
    const confirmations = journal.auditRows().filter((row) => row.detail === 'confirmed by Check Document Status')
    expect(confirmations.map((row) => row.fileName)).toEqual(['flight-001.pdf', 'flight-002.pdf'])
    journal.close()
  }, 30_000)

  it('pauses, resumes and cancels; a cancelled batch resumes to the end with every document signed once', async () => {
    const { journal, batch } = await newBatch('control', 8, { groupSize: 2, concurrency: 2 })
    fixture.sandbox.setFaults({ latencyMs: 40 })
    try {
      let run: BatchRun
      let paused = false
      let resumed = false
      let pausedNow!: () => void
      const whenPaused = new Promise<void>((resolve) => (pausedNow = resolve))
      run = startBatchRun(journal, batch.id, {
        ...ports(),
        onEvent: (event) => {
          if (event.type !== 'document' || event.document.state !== 'verified') return
          if (!paused) {
            paused = true
            run.pause()
            pausedNow()
          } else if (resumed) run.cancel()
        },
      })
      await whenPaused
      // Calls in flight at the pause finish; after that nothing moves.
      await new Promise((resolve) => setTimeout(resolve, 400))
      const settled = JSON.stringify(journal.documents(batch.id).map((document) => document.state))
      await new Promise((resolve) => setTimeout(resolve, 400))
      expect(JSON.stringify(journal.documents(batch.id).map((document) => document.state))).toBe(settled)
      expect(journal.batch(batch.id).status).toBe('paused')
      resumed = true
      run.resume()
      const cancelled = await run.done
      expect(cancelled.batch.status).toBe('cancelled')
      expect(cancelled.counts.verified).toBeLessThan(8)

      run = startBatchRun(journal, batch.id, ports())
      const finished = await run.done
      expect(finished.batch.status).toBe('finished')
      expect(finished.complete).toBe(true)
      const counts = await signCounts(fixture.sandbox.server.url)
      for (const document of finished.documents) expect(counts.get(document.fileName)).toBe(1)
    } finally {
      fixture.sandbox.setFaults({ latencyMs: 0 })
      journal.close()
    }
  }, 60_000)
})
