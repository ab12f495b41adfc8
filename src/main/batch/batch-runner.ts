import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { TekenError } from '../../shared/errors'
import type { PlacementTemplate, ResolvedPlacement } from '../../shared/placement/template'
import { signPdf, type AppearanceLanguage, type SigningIdentity } from '../pdf/sign'
import { verifyPdf } from '../pdf/verify'
import { writeFileAtomic } from '../platform/atomic-file'
import type { Clock } from '../ports/clock'
import type { PeruriClient } from '../providers/peruri/peruri-client'
import { signerFromPlacement } from '../providers/peruri/protocol'
import { listBatchInput, placementsFor, sha256, sha256File } from './batch-input'
import { BatchCancelled, createCallGate } from './call-gate'
import type { AuditInput, BatchMode, BatchRecord, BatchSettings, DocumentChange, DocumentRecord, DocumentState, Journal } from './journal'
import { judgeFailure } from './provider-failures'
import { countStates, writeBatchReport, type BatchReportPaths, type StateCounts } from './report'

export const DEFAULT_BATCH_SETTINGS: BatchSettings = {
  concurrency: 4,
  // Well above what four calls at Peruri's usual ~100 ms reach, so it only bites on a fast gateway.
  ratePerSecond: 50,
  maxFilesPerChunk: 20,
  maxBytesPerChunk: 10 * 1024 * 1024,
  groupSize: 100,
  maxAttempts: 5,
  backoffMs: 500,
}

/** What the OTP source is asked: the order (or bulk order) the code confirms, and for whom. */
export interface BatchOtpRequest {
  orderId: string
  email: string
  phone?: string
  documents: number
  /** Just before Peruri was asked to send it: a code that arrived since then is this one. */
  requestedAt: Date
}

export type BatchEvent =
  | { type: 'document'; document: DocumentRecord }
  | { type: 'progress'; counts: StateCounts; total: number; settled: number; elapsedMs: number; etaMs?: number }
  | { type: 'step'; message: string }

/** What a batch run needs from the outside world, injected so the engine runs in the app, the CLI and tests alike. */
export interface BatchPorts {
  clock: Clock
  peruriClient(env: string): Promise<PeruriClient>
  /** A PKCS#12 identity from the vault (local mode). */
  localIdentity(name: string): Promise<SigningIdentity>
  otp(request: BatchOtpRequest): Promise<string>
  onEvent?(event: BatchEvent): void
  /** Labels of local signatures' appearance. */
  language?: AppearanceLanguage
}

export interface BatchSummary {
  batch: BatchRecord
  documents: DocumentRecord[]
  counts: StateCounts
  /** Every document signed and verified. */
  complete: boolean
  report: BatchReportPaths
  runMs: number
}

export interface BatchRun {
  done: Promise<BatchSummary>
  /** Calls in flight finish; no new one starts until `resume`. */
  pause(): void
  resume(): void
  /** Calls in flight finish and are recorded; the rest stays as it is for a later `batch resume`. */
  cancel(): void
}

/** Attempts at an OTP before the group is given up for this run (Peruri burns the token after three). */
const OTP_TRIES = 3
/** How long a Signing System hashing key lives; it is renewed a minute before it ends. */
const HASHING_KEY_MINUTES = 60
const BEFORE_SIGNED: readonly DocumentState[] = ['queued', 'uploading', 'uploaded', 'coordinates-set', 'otp-requested', 'signing']
const BEFORE_VERIFIED: readonly DocumentState[] = [...BEFORE_SIGNED, 'signed', 'downloaded']
const SETTLED: readonly DocumentState[] = ['verified', 'failed', 'needs-review']

const LOST_UPLOAD =
  "The upload's answer never arrived (Teken stopped or the connection failed while sending), so Peruri may hold an order for this file that Teken does not know. " +
  "It was not sent again, to avoid signing it twice: check the signer's documents at Peruri, then sign it in a new batch if it is not there."

class OtpNotGiven extends Error {}

/** A resolved box as Peruri's signer object. */
const peruriSigner = (placement: ResolvedPlacement) => signerFromPlacement({ ...placement, page: placement.pageNumber })

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error))


/** Records a new batch over the PDFs of `inputDir` in the journal; nothing is sent yet. */
export async function createBatch(
  journal: Journal,
  input: { mode: BatchMode; env?: string; signer: string; inputDir: string; outputDir: string; template: PlacementTemplate; settings?: Partial<BatchSettings> },
  clock: Clock,
): Promise<BatchRecord> {
  if (journal.hasBatch()) {
    const latest = journal.latestBatch()
    if (latest.status !== 'finished') throw new TekenError('INVALID_REQUEST', `The journal ${journal.path} holds batch ${latest.id}, which is not finished: continue it with batch resume, or choose another journal.`)
  }
  const documents = await listBatchInput(input.inputDir, input.outputDir)
  const id = `${clock.now().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${randomBytes(2).toString('hex')}`
  return journal.createBatch({
    id,
    mode: input.mode,
    ...(input.env ? { env: input.env } : {}),
    signer: input.signer,
    inputDir: resolve(input.inputDir),
    outputDir: resolve(input.outputDir),
    template: input.template,
    settings: { ...DEFAULT_BATCH_SETTINGS, ...input.settings },
    documents,
  })
}

/**
 * Runs (or resumes) a batch until every document is verified, failed or needs review. The journal
 * is the truth: an intent is written durably before each provider call that changes something, the
 * answer after it, and documents found in flight on resume are settled with Peruri (Check Document
 * Status) before anything is sent again.
 */
export function startBatchRun(journal: Journal, batchId: string, ports: BatchPorts): BatchRun {
  const batch = journal.batch(batchId)
  const { settings, mode } = batch
  const gate = createCallGate({ concurrency: settings.concurrency, ratePerSecond: mode === 'local' ? Infinity : settings.ratePerSecond, backoffMs: settings.backoffMs })
  const stagingDir = join(batch.outputDir, `.teken-staging-${batch.id}`)
  let documents: DocumentRecord[] = []
  /** Documents a lane is working on, so no other lane takes them. */
  const busy = new Set<number>()
  /** Documents whose signing outcome Peruri would not tell this run; the next resume asks again. */
  const unresolved = new Set<number>()
  const triesThisRun = new Map<number, number>()
  let cancelled = false
  let failure: unknown
  const startedAt = performance.now()
  let settledAtStart = 0
  let waiters: (() => void)[] = []

  const emit = (event: BatchEvent) => ports.onEvent?.(event)
  /** Wakes every lane waiting for work: a document changed state, or the run is stopping. */
  function changed(): void {
    const woken = waiters
    waiters = []
    for (const wake of woken) wake()
  }
  const nextChange = () => new Promise<void>((wake) => waiters.push(wake))

  const audit =
    (action: string, extra: (document: DocumentRecord) => Partial<AuditInput> = () => ({})) =>
    (document: DocumentRecord): AuditInput => ({
      action,
      batchId: batch.id,
      signer: batch.signer,
      fileName: document.fileName,
      ...(document.orderId ? { orderId: document.orderId } : {}),
      ...(document.sha256Before ? { sha256Before: document.sha256Before } : {}),
      ...(document.sha256After ? { sha256After: document.sha256After } : {}),
      ...extra(document),
    })

  function move(targets: readonly DocumentRecord[], change: DocumentChange | ((document: DocumentRecord) => DocumentChange), write: Parameters<Journal['update']>[2] = {}): void {
    if (targets.length === 0) return
    journal.update(targets, change, write)
    const counts = countStates(documents)
    const settled = SETTLED.reduce((sum, state) => sum + counts[state], 0)
    const elapsedMs = performance.now() - startedAt
    const doneThisRun = settled - settledAtStart
    const etaMs = doneThisRun > 0 ? (elapsedMs / doneThisRun) * (documents.length - settled) : undefined
    emit({ type: 'progress', counts, total: documents.length, settled, elapsedMs, ...(etaMs !== undefined ? { etaMs } : {}) })
    for (const document of targets) emit({ type: 'document', document })
    changed()
  }

  const fail = (targets: readonly DocumentRecord[], reason: string, retryFrom: DocumentState) =>
    move(targets, (document) => ({ state: 'failed', failure: reason, retryFrom, attempts: document.attempts + 1 }), { audit: audit('document.failed', () => ({ result: reason })) })

  const needsReview = (targets: readonly DocumentRecord[], reason: string) => move(targets, { state: 'needs-review', failure: reason }, { audit: audit('document.needs-review', () => ({ result: reason })) })

  /** A step failed without changing anything at Peruri: back to `retryFrom` while attempts last, else failed. */
  function retryOrFail(targets: readonly DocumentRecord[], error: unknown, retryFrom: DocumentState, transient = judgeFailure(error).transient): void {
    const reason = reasonOf(error)
    const again: DocumentRecord[] = []
    const givenUp: DocumentRecord[] = []
    for (const document of targets) {
      const tries = (triesThisRun.get(document.id) ?? 0) + 1
      triesThisRun.set(document.id, tries)
      ;(transient && tries < settings.maxAttempts ? again : givenUp).push(document)
    }
    if (again.length) emit({ type: 'step', message: `${again.length} document(s) will be tried again: ${reason}` })
    move(again, (document) => ({ state: retryFrom, attempts: document.attempts + 1 }))
    fail(givenUp, reason, retryFrom)
  }

  /** Every provider call: through the gate, and slowing the batch down on faults. */
  const call = <T>(run: () => Promise<T>) => gate.run(run, (error) => judgeFailure(error).transient)

  /** Work on documents that no other lane may take meanwhile. */
  const hold =
    (targets: readonly DocumentRecord[], work: () => Promise<void>) =>
    async (): Promise<void> => {
      for (const document of targets) busy.add(document.id)
      try {
        await work()
      } finally {
        for (const document of targets) busy.delete(document.id)
        changed()
      }
    }

  const free = (states: readonly DocumentState[]) => documents.filter((document) => states.includes(document.state) && !busy.has(document.id) && !unresolved.has(document.id))
  const anyIn = (states: readonly DocumentState[]) => documents.some((document) => states.includes(document.state) && !unresolved.has(document.id))

  /** A lane: takes work while there is some, waits for changes while more may come, ends when none can. */
  async function lane(claim: () => (() => Promise<void>) | undefined, finished: () => boolean): Promise<void> {
    try {
      while (!cancelled) {
        const work = claim()
        if (work) await work()
        else if (finished()) return
        else await nextChange()
      }
    } catch (error) {
      if (error instanceof BatchCancelled) return
      // Anything else (the journal's disk is full, a bug) stops the whole run; the journal stays consistent.
      failure ??= error
      stop()
    }
  }

  function stop(): void {
    cancelled = true
    gate.cancel()
    changed()
  }

  /** A document whose output is staged: verify it, then move it to its predictable name. */
  async function finishOutput(document: DocumentRecord, staged: string, retryFrom: DocumentState): Promise<void> {
    let problem: string | undefined
    let signatures = 0
    try {
      const verification = await verifyPdf(staged)
      signatures = verification.signatures.length
      const expected = document.placements?.length ?? 1
      const broken = verification.signatures.filter((signature) => signature.status !== 'valid')
      if (broken.length) problem = `The signed document does not verify: ${broken.map((signature) => `${signature.fieldName ?? 'signature'} ${signature.status}${signature.problems[0] ? ` (${signature.problems[0]})` : ''}`).join('; ')}.`
      else if (signatures < expected) problem = `The signed document has ${signatures} signature(s); the template asks for ${expected}.`
    } catch (error) {
      problem = `The signed document cannot be read: ${reasonOf(error)}`
    }
    if (problem) {
      await rm(staged, { force: true })
      return fail([document], problem, retryFrom)
    }
    const sha256After = document.sha256After ?? (await sha256File(staged))
    await rename(staged, document.outputPath)
    move([document], { state: 'verified', failure: null, sha256After }, { audit: audit('document.verified', () => ({ result: `valid, ${signatures} signature(s)` })) })
  }

  // ---- local ------------------------------------------------------------------------------------

  async function runLocal(): Promise<void> {
    const identity = await ports.localIdentity(batch.signer)
    const signLocally = async (document: DocumentRecord): Promise<void> => {
      const steps: string[] = []
      try {
        const sha256Before = await sha256File(document.inputPath)
        const placements = await placementsFor(document.inputPath, batch.template)
        let current = document.inputPath
        await gate.run(async () => {
          for (const [index, placement] of placements.entries()) {
            const next = join(stagingDir, `${document.id}.${index + 1}.pdf`)
            steps.push(next)
            const { pageNumber, signer: _label, ...box } = placement
            await signPdf({ inputPath: current, outputPath: next, identity, placement: { ...box, page: pageNumber, ...(ports.language ? { language: ports.language } : {}) }, clock: ports.clock })
            current = next
          }
        }, () => false)
        move([document], { state: 'signed', placements, sha256Before }, { audit: audit('document.signed') })
        await finishOutput(document, current, 'queued')
      } catch (error) {
        if (error instanceof BatchCancelled) throw error
        fail([document], reasonOf(error), 'queued')
      } finally {
        await Promise.all(steps.map((step) => rm(step, { force: true })))
      }
    }
    const claim = () => {
      const next = free(['queued'])[0]
      return next ? hold([next], () => signLocally(next)) : undefined
    }
    await Promise.all(Array.from({ length: settings.concurrency }, () => lane(claim, () => !anyIn(['queued']))))
  }

  // ---- Peruri -----------------------------------------------------------------------------------

  async function runPeruri(): Promise<void> {
    const client = await ports.peruriClient(batch.env ?? '')
    const email = batch.signer
    const markSigning = (group: DocumentRecord[]) => move(group, { state: 'signing' }, { durable: true })

    /** Reads, hashes and places the documents of one upload, one file at a time, just before sending. */
    async function prepare(chunk: DocumentRecord[]) {
      const ready: { document: DocumentRecord; bytes: Buffer; sha256Before: string; placements: NonNullable<DocumentRecord['placements']> }[] = []
      for (const document of chunk) {
        try {
          const placements = await placementsFor(document.inputPath, batch.template)
          const bytes = await readFile(document.inputPath)
          ready.push({ document, bytes, sha256Before: sha256(bytes), placements })
        } catch (error) {
          fail([document], reasonOf(error), 'queued')
        }
      }
      return ready
    }

    async function send(chunk: DocumentRecord[]): Promise<void> {
      const prepared = await prepare(chunk)
      // One Send Document Bulk per set of documents that can share a signer array: identical boxes,
      // or one box each (those get Set Signature per order afterwards).
      const bySigner = new Map<string, typeof prepared>()
      for (const entry of prepared) {
        const key = entry.placements.length === 1 ? 'one box' : JSON.stringify(entry.placements)
        bySigner.set(key, [...(bySigner.get(key) ?? []), entry])
      }
      for (const group of bySigner.values()) {
        const targets = group.map((entry) => entry.document)
        const entryOf = new Map(group.map((entry) => [entry.document.id, entry]))
        const first = JSON.stringify(group[0]!.placements)
        const shared = group.every((entry) => JSON.stringify(entry.placements) === first)
        const signer = shared ? group[0]!.placements.map(peruriSigner) : undefined
        let sent = false
        try {
          const orderIds = await call(async () => {
            // A JWT problem surfaces here, before anything has been sent.
            await client.jwt()
            move(targets, (document) => ({ state: 'uploading', placements: entryOf.get(document.id)!.placements, sha256Before: entryOf.get(document.id)!.sha256Before }), { durable: true })
            sent = true
            if (mode === 'peruri-bulk') return (await client.sendDocumentBulk({ email, files: group.map((entry) => ({ fileName: entry.document.fileName, document: entry.bytes })), ...(signer ? { signer } : {}) })).orderIds
            const only = group[0]!
            return [(await client.sendDocument({ email, fileName: only.document.fileName, document: only.bytes, ...(signer ? { signer } : {}), ...(mode === 'peruri-system' ? { orderType: 'SYSTEM' as const } : {}) })).orderId]
          })
          const orderOf = new Map(targets.map((document, index) => [document.id, orderIds[index]!]))
          move(targets, (document) => ({ state: signer ? 'coordinates-set' : 'uploaded', orderId: orderOf.get(document.id)! }), { audit: audit('document.uploaded') })
        } catch (error) {
          if (error instanceof BatchCancelled) throw error
          if (sent && judgeFailure(error).outcome === 'unknown') needsReview(targets, `${LOST_UPLOAD} (${reasonOf(error)})`)
          else retryOrFail(targets, error, 'queued')
        }
      }
    }

    async function setCoordinates(document: DocumentRecord): Promise<void> {
      try {
        // Set Signature replaces the order's box: repeating it after a lost answer is harmless.
        await call(() => client.setSignature(document.orderId!, peruriSigner(document.placements![0]!)))
        move([document], { state: 'coordinates-set' })
      } catch (error) {
        if (error instanceof BatchCancelled) throw error
        retryOrFail([document], error, 'uploaded')
      }
    }

    const claimUpload = () => {
      const needsCoordinates = free(['uploaded'])[0]
      if (needsCoordinates) return hold([needsCoordinates], () => setCoordinates(needsCoordinates))
      const queued = free(['queued'])
      if (queued.length === 0) return undefined
      if (mode !== 'peruri-bulk') return hold([queued[0]!], () => send([queued[0]!]))
      const chunk: DocumentRecord[] = []
      let bytes = 0
      for (const document of queued) {
        if (chunk.length && (chunk.length >= settings.maxFilesPerChunk || bytes + document.size > settings.maxBytesPerChunk)) break
        chunk.push(document)
        bytes += document.size
      }
      return hold(chunk, () => send(chunk))
    }

    /** Asks Peruri whether documents whose signing outcome is unknown are signed; returns those that are not. */
    async function confirmSigned(targets: readonly DocumentRecord[]): Promise<DocumentRecord[]> {
      const notSigned: DocumentRecord[] = []
      let stopped = false
      // allSettled: every answer that arrives is recorded before this returns, even when cancelled.
      await Promise.allSettled(
        targets.map(async (document) => {
          try {
            const status = await call(() => client.checkDocumentStatus(document.orderId!))
            if (status.status === 'SIGNED') move([document], { state: 'signed', failure: null }, { audit: audit('document.signed', () => ({ detail: 'confirmed by Check Document Status' })) })
            else if (status.status === 'WAITING') notSigned.push(document)
            else needsReview([document], `Peruri's Check Document Status does not say whether order ${document.orderId} is signed ("${status.status ?? status.resultDesc}").`)
          } catch (error) {
            if (error instanceof BatchCancelled) return void (stopped = true)
            unresolved.add(document.id)
            move([document], { state: document.state, failure: `Whether order ${document.orderId} was signed is not known yet: Check Document Status failed (${reasonOf(error)}). batch resume asks Peruri again.` })
          }
        }),
      )
      if (stopped) throw new BatchCancelled()
      return notSigned
    }

    /** Documents found in flight (an interrupted run, a lost answer): settled with Peruri, never re-signed blindly. */
    async function reconcile(targets: DocumentRecord[]): Promise<void> {
      move(await confirmSigned(targets), { state: 'coordinates-set' })
    }

    /** Gets the OTP for a group and signs with it; a wrong code is asked for again. */
    async function withOtp(group: DocumentRecord[], request: () => Promise<{ otpFor: string; token: string; phone?: string }>, sign: (grant: { otpFor: string; token: string }, code: string) => Promise<Set<string>>): Promise<Set<string>> {
      const requestedAt = ports.clock.now()
      const grant = await call(request)
      move(group, { state: 'otp-requested' })
      emit({ type: 'step', message: `OTP requested for ${group.length} document(s)${grant.phone ? `, sent to ${grant.phone}` : ''}` })
      for (let attempt = 1; ; attempt += 1) {
        let code: string
        try {
          code = await ports.otp({ orderId: grant.otpFor, email, documents: group.length, requestedAt, ...(grant.phone ? { phone: grant.phone } : {}) })
        } catch (error) {
          throw new OtpNotGiven(reasonOf(error))
        }
        try {
          return await call(async () => {
            markSigning(group)
            return sign(grant, code)
          })
        } catch (error) {
          if (!(error instanceof TekenError && error.code === 'PERURI_OTP_INVALID') || attempt >= OTP_TRIES) throw error
          emit({ type: 'step', message: `Peruri refused the OTP (${error.message}); asking again` })
        }
      }
    }

    let hashing: { key: string; renewAt: number } | undefined
    async function hashingKey(): Promise<string> {
      if (hashing && ports.clock.now().getTime() < hashing.renewAt) return hashing.key
      // Random per run and kept only in memory: nobody else can sign this partner's documents with it.
      const key = randomBytes(32).toString('hex')
      const { expiresAt } = await call(() => client.setKey(key, HASHING_KEY_MINUTES))
      hashing = { key, renewAt: (expiresAt?.getTime() ?? ports.clock.now().getTime() + HASHING_KEY_MINUTES * 60_000) - 60_000 }
      return key
    }

    const orderIdsOf = (group: DocumentRecord[]) => group.map((document) => document.orderId!)
    const authorizeAndSign: (group: DocumentRecord[]) => Promise<Set<string>> = {
      'peruri-bulk': (group: DocumentRecord[]) =>
        withOtp(
          group,
          async () => {
            const grant = await client.getOtpBulk(orderIdsOf(group))
            return { otpFor: grant.orderIdBulk, token: grant.token, ...(grant.phone ? { phone: grant.phone } : {}) }
          },
          async (grant, code) => new Set((await client.signingBulk({ orderIdBulk: grant.otpFor, otpCodeBulk: code, tokenBulk: grant.token })).map((entry) => entry.orderId)),
        ),
      'peruri-single': (group: DocumentRecord[]) =>
        withOtp(
          group,
          async () => {
            const grant = await client.getOtp(group[0]!.orderId!)
            return { otpFor: group[0]!.orderId!, token: grant.token, ...(grant.phone ? { phone: grant.phone } : {}) }
          },
          async (grant, code) => {
            await client.signing({ orderId: grant.otpFor, otpCode: code, token: grant.token })
            return new Set([grant.otpFor])
          },
        ),
      'peruri-system': async (group: DocumentRecord[]) => {
        const key = await hashingKey()
        await call(async () => {
          markSigning(group)
          await client.signingSystem(orderIdsOf(group), key)
        })
        return new Set(orderIdsOf(group))
      },
    }[mode as Exclude<BatchMode, 'local'>]

    async function signGroup(group: DocumentRecord[]): Promise<void> {
      try {
        const signed = await authorizeAndSign(group)
        move(
          group.filter((document) => signed.has(document.orderId!)),
          { state: 'signed' },
          { audit: audit('document.signed') },
        )
        const unlisted = group.filter((document) => document.state === 'signing')
        if (unlisted.length) retryOrFail(await confirmSigned(unlisted), new Error('Peruri answered the signing without listing these orders, and they are not signed.'), 'coordinates-set')
      } catch (error) {
        if (error instanceof BatchCancelled) throw error
        if (error instanceof OtpNotGiven) return fail(group, `No OTP: ${error.message}`, 'coordinates-set')
        // Whatever the error, a signing that may have happened is checked with Peruri first.
        const notSigned = await confirmSigned(group.filter((document) => document.state === 'signing'))
        const expired = error instanceof TekenError && error.code === 'PERURI_OTP_EXPIRED'
        retryOrFail([...group.filter((document) => document.state === 'coordinates-set' || document.state === 'otp-requested'), ...notSigned], error, 'coordinates-set', expired || judgeFailure(error).transient)
      }
    }

    const groupSize = mode === 'peruri-single' ? 1 : settings.groupSize
    const claimSigning = () => {
      const unsure = free(['signing'])
      if (unsure.length) return hold(unsure, () => reconcile(unsure))
      const ready = free(['coordinates-set'])
      // Full groups while uploads continue (one OTP per group), then whatever is left. Documents
      // still held by an upload worker are about to be ready.
      const more = anyIn(['queued', 'uploading', 'uploaded']) || documents.some((document) => document.state === 'coordinates-set' && busy.has(document.id))
      const group = ready.slice(0, groupSize)
      if (ready.length >= groupSize || (ready.length > 0 && !more)) return hold(group, () => signGroup(group))
      return undefined
    }

    async function download(document: DocumentRecord): Promise<void> {
      const staged = join(stagingDir, `${document.id}.pdf`)
      try {
        const bytes = await call(() => client.downloadDocument(document.orderId!))
        await writeFileAtomic(staged, bytes)
        move([document], { state: 'downloaded', sha256After: sha256(bytes) })
      } catch (error) {
        if (error instanceof BatchCancelled) throw error
        return retryOrFail([document], error, 'signed')
      }
      await finishOutput(document, staged, 'signed')
    }
    const claimDownload = () => {
      const next = free(['signed'])[0]
      return next ? hold([next], () => download(next)) : undefined
    }

    await Promise.all([
      ...Array.from({ length: settings.concurrency }, () => lane(claimUpload, () => !anyIn(['queued', 'uploaded']))),
      lane(claimSigning, () => !anyIn(BEFORE_SIGNED)),
      // Twice as many download workers as slots: while one writes and verifies what it fetched, another
      // already waits at the gate, so no slot idles between calls.
      ...Array.from({ length: 2 * settings.concurrency }, () => lane(claimDownload, () => !anyIn(BEFORE_VERIFIED))),
    ])
  }

  /** What an interrupted run left behind, made safe to continue. */
  function prepareResume(): void {
    needsReview(
      documents.filter((document) => document.state === 'uploading'),
      LOST_UPLOAD,
    )
    // An OTP was asked for but the signing intent never written: Signing was not called, so the
    // group simply starts again with a new OTP.
    move(
      documents.filter((document) => document.state === 'otp-requested'),
      { state: 'coordinates-set' },
    )
    move(
      documents.filter((document) => document.state === 'failed'),
      (document) => ({ state: document.retryFrom ?? 'queued', failure: null, retryFrom: null }),
    )
    // Downloads and local signing are repeatable: redo them rather than trust a half-written file.
    move(
      documents.filter((document) => document.state === 'downloaded' || (mode === 'local' && document.state === 'signed')),
      { state: mode === 'local' ? 'queued' : 'signed' },
    )
  }

  async function execute(): Promise<BatchSummary> {
    journal.claimRunner(process.pid, isProcessAlive)
    try {
      documents = journal.documents(batch.id)
      const counts = countStates(documents)
      const firstRun = counts.queued === documents.length && batch.status === 'running'
      journal.setBatchStatus(batch.id, 'running', { action: firstRun ? 'batch.started' : 'batch.resumed', batchId: batch.id, signer: batch.signer, result: `${documents.length - counts.verified} of ${documents.length} documents to do` })
      prepareResume()
      settledAtStart = SETTLED.reduce((sum, state) => sum + countStates(documents)[state], 0)
      await mkdir(stagingDir, { recursive: true, mode: 0o700 })
      if (mode === 'local') await runLocal()
      else await runPeruri()
      if (failure) throw failure
      const finishedAt = ports.clock.now()
      const final = countStates(documents)
      const report = await writeBatchReport(batch, documents, finishedAt)
      if (!anyIn(BEFORE_VERIFIED)) await rm(stagingDir, { recursive: true, force: true })
      const status = cancelled ? 'cancelled' : 'finished'
      journal.setBatchStatus(batch.id, status, {
        action: `batch.${status}`,
        batchId: batch.id,
        signer: batch.signer,
        result: `${final.verified} verified, ${final.failed} failed, ${final['needs-review']} need review, ${documents.length - final.verified - final.failed - final['needs-review']} unfinished`,
      })
      return { batch: journal.batch(batch.id), documents, counts: final, complete: final.verified === documents.length, report, runMs: performance.now() - startedAt }
    } finally {
      journal.releaseRunner()
    }
  }

  return {
    done: execute(),
    pause() {
      gate.pause()
      journal.setBatchStatus(batch.id, 'paused')
      emit({ type: 'step', message: 'paused' })
    },
    resume() {
      gate.resume()
      journal.setBatchStatus(batch.id, 'running')
      emit({ type: 'step', message: 'resumed' })
    },
    cancel() {
      if (!cancelled) emit({ type: 'step', message: 'cancelling: calls in flight finish and are recorded' })
      stop()
    },
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
