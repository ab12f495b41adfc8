import { randomUUID } from 'node:crypto'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBatch } from '../../../src/main/batch/batch-runner'
import { JOURNAL_FILE } from '../../../src/main/batch/batch-service'
import { openJournal } from '../../../src/main/batch/journal'
import { systemClock } from '../../../src/main/ports/clock'
import type { BatchDocumentView, BatchOverviewView } from '../../../src/shared/contract'
import { parseTemplate } from '../../../src/shared/placement/template'
import { createTestCore, routerCalls, type TestCore } from '../../support/core'
import { BUDI, expectSignedByPdfsig, ISSUE_TEMPLATE, makeLetters, signCounts } from './support'

type Progress = { batch: BatchOverviewView; documents: BatchDocumentView[]; full: boolean; revision: number }

// The app's batch channels through the router of a real core: staged files, the embedded Peruri
// sandbox over loopback, real journals in the data folder, outputs judged by pdfsig.
describe('batch channels through the router of a real core', () => {
  let testCore: TestCore
  const { call, value } = routerCalls(() => testCore)
  const sandbox = async () => (await testCore.core.services.sandboxHost.peruri()).sandbox
  const template = JSON.stringify(ISSUE_TEMPLATE)

  /** Polls the batch until `done` says so, answering OTP requests from the sandbox inbox unless told not to. */
  async function follow(batchId: string, done: (progress: Progress) => boolean, options: { answerOtp?: boolean } = {}): Promise<Progress> {
    const deadline = Date.now() + 60_000
    for (;;) {
      const progress = await value<Progress>('batchProgress', { batchId, since: 0 })
      if (done(progress)) return progress
      if (progress.batch.otp && options.answerOtp !== false) {
        const otp = (await sandbox()).otps(progress.batch.otp.email).at(-1)!.otp
        await value('submitBatchOtp', { batchId, otp })
      }
      if (Date.now() > deadline) throw new Error(`batch ${batchId} did not get there: ${JSON.stringify(progress.batch)}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  const ended = (progress: Progress) => !progress.batch.running

  async function stage(batchId: string, count: number, prefix: string): Promise<void> {
    const letters = await makeLetters(join(testCore.dataDir, 'letters', batchId), count, { prefix })
    for (const path of letters) await value('stageBatchFile', { batchId, fileName: path.split('/').at(-1), base64: (await readFile(path)).toString('base64') })
  }

  beforeAll(async () => {
    testCore = await createTestCore()
  })
  afterAll(() => testCore.dispose())

  it('signs staged files in peruri-bulk mode with one OTP for the batch, reports progress by revision, writes the report', async () => {
    const batchId = randomUUID()
    await stage(batchId, 6, 'bulk')
    const started = await value<BatchOverviewView>('startBatch', { batchId, templateText: template, mode: 'peruri-bulk', env: 'sandbox', signer: BUDI })
    expect(started).toMatchObject({ batchId, mode: 'peruri-bulk', signer: BUDI, total: 6, running: true, interrupted: false })

    const waiting = await follow(batchId, (progress) => progress.batch.otp !== undefined, { answerOtp: false })
    expect(waiting.batch.otp).toMatchObject({ email: BUDI, documents: 6 })
    // Only what changed after a revision comes back.
    const unchanged = await value<Progress>('batchProgress', { batchId, since: waiting.revision })
    expect(unchanged).toMatchObject({ full: false, documents: [] })

    await value('submitBatchOtp', { batchId, otp: (await sandbox()).otps(BUDI).at(-1)!.otp })
    const later = await follow(batchId, (progress) => progress.revision > waiting.revision)
    const delta = await value<Progress>('batchProgress', { batchId, since: waiting.revision })
    expect(delta.full || delta.documents.length > 0).toBe(true)
    expect(later.batch.otp).toBeUndefined()

    const final = await follow(batchId, ended)
    expect(final.batch).toMatchObject({ status: 'finished', running: false, interrupted: false })
    expect(final.batch.counts.verified).toBe(6)
    expect(final.documents.map((document) => document.state)).toEqual(Array(6).fill('verified'))
    const counts = await signCounts((await sandbox()).server.url)
    for (const document of final.documents) {
      expectSignedByPdfsig(document.outputPath, 1, 'Budi Santoso')
      expect(counts.get(document.fileName)).toBe(1)
    }
    expect(final.batch.report).toBeDefined()
    expect((await readFile(final.batch.report!.pdf)).subarray(0, 5).toString()).toBe('%PDF-')
    expect((await readFile(final.batch.report!.csv, 'utf8')).split('\r\n').filter(Boolean)).toHaveLength(7)
    // The dropped files were copies in the batch's own folder; the output sits beside them.
    expect(final.batch.inputDir).toBe(join(testCore.dataDir, 'batches', batchId, 'input'))
    expect(final.batch.outputDir).toBe(join(testCore.dataDir, 'batches', batchId, 'signed'))

    const { batches } = await value<{ batches: BatchOverviewView[] }>('listBatches')
    expect(batches.find((batch) => batch.batchId === batchId)).toMatchObject({ status: 'finished', total: 6 })
    // A started batch takes no more files, and the renderer cannot name a path as a handle.
    await expect(call('stageBatchFile', { batchId, fileName: 'late.pdf', base64: 'JVBERg==' })).resolves.toMatchObject({ ok: false, error: { code: 'BATCH_BUSY' } })
    await expect(call('stageBatchFile', { batchId: '../../etc', fileName: 'x.pdf', base64: 'JVBERg==' })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    await expect(call('stageBatchFile', { batchId: randomUUID(), fileName: '../x.pdf', base64: 'JVBERg==' })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
  }, 90_000)

  it('says what is wrong before anything starts: no PDFs, a bad template', async () => {
    const empty = randomUUID()
    await expect(call('startBatch', { batchId: empty, templateText: template, mode: 'peruri-bulk', env: 'sandbox', signer: BUDI })).resolves.toMatchObject({ ok: false, error: { code: 'BATCH_INPUT_EMPTY' } })
    const badTemplate = await call('startBatch', { batchId: empty, templateText: '{"version":1,"boxes":[{"page":1,"rect":[1,2,3]}]}', mode: 'peruri-bulk', env: 'sandbox', signer: BUDI })
    expect(badTemplate).toMatchObject({ ok: false, error: { code: 'PLACEMENT_TEMPLATE_INVALID' } })
    // The renderer names no paths: input and output are the batch's own folders.
    await expect(call('startBatch', { batchId: empty, inputDir: '/etc', templateText: template, mode: 'peruri-bulk', env: 'sandbox', signer: BUDI })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    // Nothing was recorded, so nothing appears in the history.
    const { batches } = await value<{ batches: BatchOverviewView[] }>('listBatches')
    expect(batches.map((batch) => batch.batchId)).not.toContain(empty)
  })

  it('cancelling while the OTP is awaited leaves the batch to resume; resuming asks again and finishes', async () => {
    const batchId = randomUUID()
    await stage(batchId, 3, 'cancel')
    await value('startBatch', { batchId, templateText: template, mode: 'peruri-bulk', env: 'sandbox', signer: BUDI })
    await follow(batchId, (progress) => progress.batch.otp !== undefined, { answerOtp: false })
    await value('controlBatch', { batchId, action: 'cancel' })
    const cancelled = await follow(batchId, ended, { answerOtp: false })
    expect(cancelled.batch.status).toBe('cancelled')
    expect(cancelled.documents.every((document) => document.state === 'failed' && /No OTP/.test(document.failure ?? ''))).toBe(true)

    await value('resumeBatch', { batchId })
    const final = await follow(batchId, ended)
    expect(final.batch).toMatchObject({ status: 'finished' })
    expect(final.documents.map((document) => document.state)).toEqual(['verified', 'verified', 'verified'])
  }, 90_000)

  it('offers a batch left running by a crash for resume, and finishes it', async () => {
    // What a crash right after creating the batch leaves: a journal whose batch says running, and no run.
    const batchId = randomUUID()
    const folder = join(testCore.dataDir, 'batches', batchId)
    const inputDir = join(folder, 'input')
    await makeLetters(inputDir, 2, { prefix: 'crash' })
    const journal = openJournal(join(folder, JOURNAL_FILE), { create: true, osUser: 'tester', now: () => new Date() })
    await createBatch(journal, { mode: 'peruri-system', env: 'sandbox', signer: BUDI, inputDir, outputDir: join(folder, 'signed'), template: parseTemplate(ISSUE_TEMPLATE) }, systemClock)
    journal.close()

    const { batches } = await value<{ batches: BatchOverviewView[] }>('listBatches')
    expect(batches.find((batch) => batch.batchId === batchId)).toMatchObject({ status: 'running', running: false, interrupted: true })
    await value('resumeBatch', { batchId })
    await expect(call('resumeBatch', { batchId })).resolves.toMatchObject({ ok: false, error: { code: 'BATCH_BUSY' } })
    const final = await follow(batchId, ended)
    expect(final.batch).toMatchObject({ status: 'finished', interrupted: false })
    expect(final.batch.counts.verified).toBe(2)
  }, 90_000)

  it('a person settles needs-review documents: send again, or take the signed order found at Peruri', async () => {
    // One document signed in a first batch: its order is what the person "finds" at Peruri.
    const firstId = randomUUID()
    await stage(firstId, 1, 'found')
    await value('startBatch', { batchId: firstId, templateText: template, mode: 'peruri-system', env: 'sandbox', signer: BUDI })
    const first = await follow(firstId, ended)
    const foundOrder = first.documents[0]!.orderId!

    // A batch whose two uploads lost their answers: needs review, never uploaded twice.
    const batchId = randomUUID()
    const folder = join(testCore.dataDir, 'batches', batchId)
    const inputDir = join(folder, 'input')
    await makeLetters(inputDir, 2, { prefix: 'review' })
    const journal = openJournal(join(folder, JOURNAL_FILE), { create: true, osUser: 'tester', now: () => new Date() })
    const record = await createBatch(journal, { mode: 'peruri-system', env: 'sandbox', signer: BUDI, inputDir, outputDir: join(folder, 'signed'), template: parseTemplate(ISSUE_TEMPLATE) }, systemClock)
    journal.update(journal.documents(record.id), { state: 'needs-review', failure: 'upload answer lost' })
    journal.setBatchStatus(record.id, 'finished')
    journal.close()
    const [lost, found] = (await value<Progress>('batchProgress', { batchId, since: 0 })).documents

    // An order that is not signed is refused with Peruri's word for it.
    const unsigned = await call('resolveBatchReview', { batchId, documentId: found!.id, resolution: { kind: 'signed-order', orderId: '999999999' } })
    expect(unsigned).toMatchObject({ ok: false })
    await value('resolveBatchReview', { batchId, documentId: lost!.id, resolution: { kind: 'send-again' } })
    await value('resolveBatchReview', { batchId, documentId: found!.id, resolution: { kind: 'signed-order', orderId: foundOrder } })
    await expect(call('resolveBatchReview', { batchId, documentId: lost!.id, resolution: { kind: 'send-again' } })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })

    await value('resumeBatch', { batchId })
    const final = await follow(batchId, ended)
    expect(final.documents.map((document) => [document.state, document.orderId === foundOrder])).toEqual([
      ['verified', false],
      ['verified', true],
    ])
    const audit = openJournal(join(folder, JOURNAL_FILE), { osUser: 'tester', now: () => new Date() })
    try {
      expect(audit.auditRows().filter((row) => row.action === 'document.review-resolved').map((row) => row.result)).toEqual(['not at Peruri: to be sent again', 'signed at Peruri: downloading that order'])
      expect(audit.verifyAudit()).toMatchObject({ ok: true })
    } finally {
      audit.close()
    }
    expect((await readdir(join(folder, 'signed'))).filter((name) => name.endsWith('.signed.pdf')).sort()).toEqual(['review-001.signed.pdf', 'review-002.signed.pdf'])
  }, 90_000)
})
