import { existsSync } from 'node:fs'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { TekenError } from '../../shared/errors'
import { parseTemplateText } from '../../shared/placement/template'
import { writeFileAtomic } from '../platform/atomic-file'
import type { AppearanceLanguage, SigningIdentity } from '../pdf/sign'
import type { Clock } from '../ports/clock'
import type { PeruriClient } from '../providers/peruri/peruri-client'
import { createBatch, startBatchRun, type BatchOtpRequest, type BatchRun } from './batch-runner'
import { openJournal, type BatchMode, type BatchRecord, type DocumentRecord, type Journal } from './journal'
import { batchReportPaths, countStates, type StateCounts } from './report'
import { resolveReview, type ReviewResolution } from './review'

export const JOURNAL_FILE = 'journal.sqlite'

/** What the app asks of a batch that waits for the signer's OTP (bulk: one for the whole group). */
export interface PendingOtp {
  email: string
  phone?: string
  documents: number
  /** When Peruri was asked to send it. */
  askedAt: string
}

export interface BatchOverview {
  /** The batch's folder under the data folder: the app's handle on it. */
  batchId: string
  /** The journal's own id, as the CLI and the reports name it. */
  name: string
  mode: BatchMode
  env?: string
  signer: string
  status: BatchRecord['status']
  createdAt: string
  finishedAt?: string
  inputDir: string
  outputDir: string
  total: number
  counts: StateCounts
  /** This app is working on it right now. */
  running: boolean
  /** Left running or paused by a run that is gone (a quit or a crash): resume continues it safely. */
  interrupted: boolean
  etaMs?: number
  elapsedMs?: number
  otp?: PendingOtp
  /** The engine's latest remark ("OTP requested for 20 document(s)", "paused", a retry). */
  lastStep?: string
  /** Why the last run stopped early, when it did not end on its own. */
  runError?: string
  report?: { csv: string; pdf: string }
}

export interface BatchProgress {
  batch: BatchOverview
  /** Documents changed after `since` (all of them when `full`). */
  documents: DocumentRecord[]
  full: boolean
  revision: number
}

/** What a run in this process reports as it goes. */
interface LiveState {
  revision: number
  /** Each document's latest record and the revision it changed at. */
  changes: Map<number, { revision: number; document: DocumentRecord }>
  otp?: { pending: PendingOtp; resolve(code: string): void; reject(error: Error): void }
  progress?: { etaMs?: number; elapsedMs: number }
  lastStep?: string
}

interface ActiveBatch {
  journal: Journal
  record: BatchRecord
  run: Pick<BatchRun, 'pause' | 'resume' | 'cancel'>
  /** Settles when the run has ended and its journal is closed. */
  ended: Promise<void>
  live: LiveState
}

/**
 * The app's batches: one folder per batch under `<data>/batches/` with its journal (and, for files
 * dropped into the app, a copy of them in `input/`). Runs happen in this process; the journal keeps
 * every state, so a batch left running by a quit or a crash is found again and resumed safely.
 */
export function createBatchService(options: {
  dataDir: string
  clock: Clock
  osUser: string
  peruriClient(env: string): Promise<PeruriClient>
  localIdentity(ref: string): Promise<SigningIdentity>
  language(): Promise<AppearanceLanguage>
}) {
  const root = join(options.dataDir, 'batches')
  const active = new Map<string, ActiveBatch>()
  /** Why a run of this batch ended with an error (the journal disk filled, a bug). */
  const runErrors = new Map<string, string>()

  const folderOf = (batchId: string) => {
    // The handle comes from the renderer: a plain folder name, never a path.
    if (!/^[\w-]{1,64}$/.test(batchId)) throw new TekenError('INVALID_REQUEST', `"${batchId}" is not a batch handle.`)
    return join(root, batchId)
  }
  const open = (batchId: string, create = false) => openJournal(join(folderOf(batchId), JOURNAL_FILE), { create, osUser: options.osUser, now: () => options.clock.now() })

  function overview(batchId: string, record: BatchRecord, documents: readonly DocumentRecord[], running?: ActiveBatch): BatchOverview {
    const report = batchReportPaths(record)
    return {
      batchId,
      name: record.id,
      mode: record.mode,
      ...(record.env ? { env: record.env } : {}),
      signer: record.signer,
      status: record.status,
      createdAt: record.createdAt,
      ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
      inputDir: record.inputDir,
      outputDir: record.outputDir,
      total: documents.length,
      counts: countStates(documents),
      running: running !== undefined,
      interrupted: !running && (record.status === 'running' || record.status === 'paused'),
      ...(running?.live.progress?.etaMs !== undefined ? { etaMs: running.live.progress.etaMs } : {}),
      ...(running?.live.progress ? { elapsedMs: running.live.progress.elapsedMs } : {}),
      ...(running?.live.otp ? { otp: running.live.otp.pending } : {}),
      ...(running?.live.lastStep ? { lastStep: running.live.lastStep } : {}),
      ...(runErrors.has(batchId) ? { runError: runErrors.get(batchId)! } : {}),
      ...(existsSync(report.csv) && existsSync(report.pdf) ? { report } : {}),
    }
  }

  /** Reads a batch that is not running here, from its journal. */
  function readStored<T>(batchId: string, read: (journal: Journal, record: BatchRecord) => T): T {
    const journal = open(batchId)
    try {
      return read(journal, journal.latestBatch())
    } finally {
      journal.close()
    }
  }

  function launch(batchId: string, journal: Journal): void {
    const record = journal.latestBatch()
    const live: LiveState = { revision: 0, changes: new Map() }
    const started = options.language().then((language) =>
      startBatchRun(journal, record.id, {
        clock: options.clock,
        peruriClient: options.peruriClient,
        localIdentity: options.localIdentity,
        language,
        otp: (request: BatchOtpRequest) =>
          new Promise<string>((resolve, reject) => {
            const pending: PendingOtp = { email: request.email, ...(request.phone ? { phone: request.phone } : {}), documents: request.documents, askedAt: request.requestedAt.toISOString() }
            live.otp = { pending, resolve, reject }
          }),
        onEvent(event) {
          if (event.type === 'document') {
            live.revision += 1
            live.changes.set(event.document.id, { revision: live.revision, document: { ...event.document } })
          } else if (event.type === 'progress') {
            live.progress = { elapsedMs: event.elapsedMs, ...(event.etaMs !== undefined ? { etaMs: event.etaMs } : {}) }
          } else {
            live.lastStep = event.message
          }
        },
      }),
    )
    runErrors.delete(batchId)
    const ended = started
      .then((run) => run.done)
      .then(
        () => undefined,
        (error: unknown) => void runErrors.set(batchId, error instanceof Error ? error.message : String(error)),
      )
      .finally(() => {
        active.delete(batchId)
        journal.close()
      })
    const control = (action: 'pause' | 'resume' | 'cancel') => () => void started.then((run) => run[action]())
    active.set(batchId, { journal, record, live, ended, run: { pause: control('pause'), resume: control('resume'), cancel: control('cancel') } })
  }

  /** The OTP a run waits for, answered at most once. */
  const takeOtp = (entry: ActiveBatch) => {
    const waiting = entry.live.otp
    entry.live.otp = undefined
    return waiting
  }

  const notRunning = (batchId: string) => {
    if (active.has(batchId)) throw new TekenError('BATCH_BUSY', 'This batch is running here: wait until it ends, or cancel it first.', { batch: batchId })
  }

  return {
    /** Copies one dropped PDF into a new batch's input folder; the user's own file is never touched. */
    async stageFile(batchId: string, fileName: string, bytes: Buffer): Promise<{ staged: number }> {
      if (basename(fileName) !== fileName || extname(fileName).toLowerCase() !== '.pdf') throw new TekenError('INVALID_REQUEST', `"${fileName}" is not a PDF file name.`)
      if (existsSync(join(folderOf(batchId), JOURNAL_FILE))) throw new TekenError('BATCH_BUSY', 'This batch has started; files can no longer be added to it.')
      const inputDir = join(folderOf(batchId), 'input')
      await writeFileAtomic(join(inputDir, fileName), bytes)
      return { staged: (await readdir(inputDir)).length }
    },

    /** Creates the batch (its journal lists every document before anything is sent) and starts it. */
    async start(input: { batchId: string; templateText: string; mode: BatchMode; env?: string; signer: string; concurrency?: number }): Promise<BatchOverview> {
      const folder = folderOf(input.batchId)
      const template = parseTemplateText(input.templateText)
      // Nothing staged yet is "no PDFs", not an unreadable folder.
      await mkdir(join(folder, 'input'), { recursive: true })
      const journal = open(input.batchId, true)
      try {
        if (journal.hasBatch()) throw new TekenError('BATCH_BUSY', 'This batch has already started.')
        await createBatch(
          journal,
          {
            mode: input.mode,
            ...(input.mode === 'local' ? {} : { env: input.env ?? '' }),
            signer: input.signer,
            inputDir: join(folder, 'input'),
            outputDir: join(folder, 'signed'),
            template,
            ...(input.concurrency ? { settings: { concurrency: input.concurrency } } : {}),
          },
          options.clock,
        )
      } catch (error) {
        journal.close()
        // No batch was recorded: leave no empty journal behind for the history to trip over.
        if (!(error instanceof TekenError && error.code === 'BATCH_BUSY')) for (const suffix of ['', '-wal', '-shm']) await rm(join(folder, JOURNAL_FILE + suffix), { force: true })
        throw error
      }
      launch(input.batchId, journal)
      return this.overview(input.batchId)
    },

    /** Continues a batch: one left by a quit or crash, a cancelled one, or one with failed documents to retry. */
    resume(batchId: string): BatchOverview {
      notRunning(batchId)
      launch(batchId, open(batchId))
      return this.overview(batchId)
    },

    overview(batchId: string): BatchOverview {
      const running = active.get(batchId)
      if (running) return overview(batchId, running.journal.latestBatch(), running.journal.documents(running.record.id), running)
      return readStored(batchId, (journal, record) => overview(batchId, record, journal.documents(record.id)))
    },

    /** The batch and the documents that changed after `since`; a batch not running here comes whole. */
    progress(batchId: string, since: number): BatchProgress {
      const running = active.get(batchId)
      if (!running) return readStored(batchId, (journal, record) => ({ batch: overview(batchId, record, journal.documents(record.id)), documents: journal.documents(record.id), full: true, revision: 0 }))
      const documents = running.journal.documents(running.record.id)
      const batch = overview(batchId, running.journal.latestBatch(), documents, running)
      if (since <= 0) return { batch, documents, full: true, revision: running.live.revision }
      const changed = [...running.live.changes.values()].filter((change) => change.revision > since).map((change) => change.document)
      return { batch, documents: changed, full: false, revision: running.live.revision }
    },

    /** Every batch in the data folder, newest first. */
    async list(): Promise<BatchOverview[]> {
      const folders = existsSync(root) ? (await readdir(root, { withFileTypes: true })).filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, JOURNAL_FILE))) : []
      const batches: BatchOverview[] = []
      for (const folder of folders) {
        try {
          batches.push(this.overview(folder.name))
        } catch (error) {
          // A journal that cannot be read is skipped in the list, not a reason to hide the others.
          if (!(error instanceof TekenError)) throw error
        }
      }
      return batches.sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    },

    control(batchId: string, action: 'pause' | 'resume' | 'cancel'): BatchOverview {
      const running = active.get(batchId)
      if (!running) throw new TekenError('BATCH_NOT_FOUND', 'This batch is not running.', { batch: batchId })
      running.run[action]()
      if (action === 'cancel') takeOtp(running)?.reject(new Error('the batch was cancelled'))
      return this.overview(batchId)
    },

    /** Hands the signer's OTP to the batch waiting for it. */
    submitOtp(batchId: string, code: string): void {
      const running = active.get(batchId)
      const waiting = running && takeOtp(running)
      if (!waiting) throw new TekenError('OTP_NOT_RECEIVED', 'This batch is not waiting for an OTP.', { batch: batchId })
      waiting.resolve(code)
    },

    /** A person settles a needs-review document (see `resolveReview`); the next resume carries on from there. */
    async resolveReview(batchId: string, documentId: number, resolution: ReviewResolution): Promise<BatchOverview> {
      notRunning(batchId)
      const journal = open(batchId)
      try {
        const record = journal.latestBatch()
        await resolveReview(journal, record, documentId, resolution, options.peruriClient)
        return overview(batchId, journal.latestBatch(), journal.documents(record.id))
      } finally {
        journal.close()
      }
    },

    /** Stops every run (calls in flight finish and are recorded), for quitting and tests. */
    async close(): Promise<void> {
      const running = [...active.values()]
      for (const entry of running) {
        entry.run.cancel()
        takeOtp(entry)?.reject(new Error('Teken is closing'))
      }
      await Promise.all(running.map((entry) => entry.ended))
    },
  }
}

export type BatchService = ReturnType<typeof createBatchService>
