import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { TekenError } from '../../shared/errors'
import type { PlacementTemplate, ResolvedPlacement } from '../../shared/placement/template'
import { formatWib } from '../../shared/time'
import { toCsv } from './csv'

export const BATCH_MODES = ['peruri-bulk', 'peruri-system', 'peruri-single', 'local'] as const
export type BatchMode = (typeof BATCH_MODES)[number]

/**
 * A document's way through a batch. Peruri: queued → uploading → uploaded (orderId) →
 * coordinates-set → otp-requested → signing → signed → downloaded → verified. Local: queued →
 * signed → verified. `uploading` and `signing` are intents, written (durably) before the call they
 * announce, so a crash in between is found on resume. Ends: verified, failed (Teken knows nothing
 * was signed, or gave up retrying a known state), needs-review (Teken cannot know what Peruri did).
 */
export const DOCUMENT_STATES = ['queued', 'uploading', 'uploaded', 'coordinates-set', 'otp-requested', 'signing', 'signed', 'downloaded', 'verified', 'failed', 'needs-review'] as const
export type DocumentState = (typeof DOCUMENT_STATES)[number]

export const BATCH_STATUSES = ['running', 'paused', 'cancelled', 'finished'] as const
export type BatchStatus = (typeof BATCH_STATUSES)[number]

export interface BatchSettings {
  /** Provider calls (local: documents) in flight at once. */
  concurrency: number
  /** Provider calls started per second. */
  ratePerSecond: number
  /** Send Document Bulk payload limits: files per call and their bytes before base64. */
  maxFilesPerChunk: number
  maxBytesPerChunk: number
  /** Documents per Get OTP Bulk + Signing Bulk, and per Signing System call. */
  groupSize: number
  /** Attempts per step before a document fails. */
  maxAttempts: number
  /** The first pause after a fault (it doubles while faults continue). */
  backoffMs: number
}

export interface BatchRecord {
  id: string
  mode: BatchMode
  /** The Peruri environment; absent in local mode. */
  env?: string
  /** Who signs: the Peruri email, or the vault name of the local PKCS#12 identity. */
  signer: string
  osUser: string
  inputDir: string
  outputDir: string
  template: PlacementTemplate
  settings: BatchSettings
  createdAt: string
  status: BatchStatus
  finishedAt?: string
}

export interface DocumentRecord {
  id: number
  batchId: string
  inputPath: string
  fileName: string
  size: number
  /** Decided when the batch is created: `<stem>.signed.pdf` in the output folder. */
  outputPath: string
  state: DocumentState
  orderId?: string
  attempts: number
  failure?: string
  /** For a failed document: the last state Teken is sure of, where a retry starts. */
  retryFrom?: DocumentState
  placements?: ResolvedPlacement[]
  sha256Before?: string
  sha256After?: string
  updatedAt: string
}

/** Fields a transition may set; `null` clears one. */
export interface DocumentChange {
  state: DocumentState
  orderId?: string | null
  attempts?: number
  failure?: string | null
  retryFrom?: DocumentState | null
  placements?: ResolvedPlacement[]
  sha256Before?: string
  sha256After?: string
}

/** One audit row as the caller gives it; sequence, time, OS user and hashes are the journal's. */
export interface AuditInput {
  action: string
  batchId?: string
  signer?: string
  fileName?: string
  sha256Before?: string
  sha256After?: string
  orderId?: string
  result?: string
  detail?: string
}

export interface AuditRow extends AuditInput {
  seq: number
  at: string
  atWib: string
  osUser: string
  prevHash: string
  hash: string
}

export type AuditVerification = { ok: true; entries: number; head: string } | { ok: false; entries: number; brokenAt: number; reason: string }

/** "TEKN": marks a SQLite file as a Teken batch journal. */
const APPLICATION_ID = 0x54454b4e
const SCHEMA_VERSION = 1
const GENESIS = '0'.repeat(64)

const inList = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ')

const SCHEMA = `
CREATE TABLE journal (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  audit_seq INTEGER NOT NULL,
  audit_head TEXT NOT NULL,
  runner TEXT
);
INSERT INTO journal (id, audit_seq, audit_head) VALUES (1, 0, '${GENESIS}');
CREATE TABLE batch (
  id TEXT PRIMARY KEY,
  mode TEXT NOT NULL CHECK (mode IN (${inList(BATCH_MODES)})),
  env TEXT,
  signer TEXT NOT NULL,
  os_user TEXT NOT NULL,
  input_dir TEXT NOT NULL,
  output_dir TEXT NOT NULL,
  template TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN (${inList(BATCH_STATUSES)})),
  finished_at TEXT
);
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL REFERENCES batch (id),
  input_path TEXT NOT NULL,
  file_name TEXT NOT NULL,
  size INTEGER NOT NULL,
  output_path TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${inList(DOCUMENT_STATES)})),
  order_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  failure TEXT,
  retry_from TEXT CHECK (retry_from IS NULL OR retry_from IN (${inList(DOCUMENT_STATES)})),
  placements TEXT,
  sha256_before TEXT,
  sha256_after TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX documents_by_batch ON documents (batch_id, id);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  at_wib TEXT NOT NULL,
  os_user TEXT NOT NULL,
  signer TEXT,
  batch_id TEXT,
  action TEXT NOT NULL,
  file_name TEXT,
  sha256_before TEXT,
  sha256_after TEXT,
  order_id TEXT,
  result TEXT,
  detail TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
`

interface BatchRow {
  id: string
  mode: BatchMode
  env: string | null
  signer: string
  os_user: string
  input_dir: string
  output_dir: string
  template: string
  settings: string
  created_at: string
  status: BatchStatus
  finished_at: string | null
}

interface DocumentRow {
  id: number
  batch_id: string
  input_path: string
  file_name: string
  size: number
  output_path: string
  state: DocumentState
  order_id: string | null
  attempts: number
  failure: string | null
  retry_from: DocumentState | null
  placements: string | null
  sha256_before: string | null
  sha256_after: string | null
  updated_at: string
}

interface AuditDbRow {
  seq: number
  at: string
  at_wib: string
  os_user: string
  signer: string | null
  batch_id: string | null
  action: string
  file_name: string | null
  sha256_before: string | null
  sha256_after: string | null
  order_id: string | null
  result: string | null
  detail: string | null
  prev_hash: string
  hash: string
}

/** The hash of an audit row: SHA-256 over every column but the hash itself, in a fixed order. */
function auditHash(row: Omit<AuditDbRow, 'hash'>): string {
  const fields = [row.seq, row.at, row.at_wib, row.os_user, row.signer, row.batch_id, row.action, row.file_name, row.sha256_before, row.sha256_after, row.order_id, row.result, row.detail, row.prev_hash]
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex')
}

const withoutNulls = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== undefined)) as T

function batchFromRow(row: BatchRow): BatchRecord {
  return withoutNulls({
    id: row.id,
    mode: row.mode,
    env: row.env ?? undefined,
    signer: row.signer,
    osUser: row.os_user,
    inputDir: row.input_dir,
    outputDir: row.output_dir,
    template: JSON.parse(row.template) as PlacementTemplate,
    settings: JSON.parse(row.settings) as BatchSettings,
    createdAt: row.created_at,
    status: row.status,
    finishedAt: row.finished_at ?? undefined,
  })
}

function documentFromRow(row: DocumentRow): DocumentRecord {
  return withoutNulls({
    id: row.id,
    batchId: row.batch_id,
    inputPath: row.input_path,
    fileName: row.file_name,
    size: row.size,
    outputPath: row.output_path,
    state: row.state,
    orderId: row.order_id ?? undefined,
    attempts: row.attempts,
    failure: row.failure ?? undefined,
    retryFrom: row.retry_from ?? undefined,
    placements: row.placements ? (JSON.parse(row.placements) as ResolvedPlacement[]) : undefined,
    sha256Before: row.sha256_before ?? undefined,
    sha256After: row.sha256_after ?? undefined,
    updatedAt: row.updated_at,
  })
}

function auditFromRow(row: AuditDbRow): AuditRow {
  return withoutNulls({
    seq: row.seq,
    at: row.at,
    atWib: row.at_wib,
    osUser: row.os_user,
    action: row.action,
    batchId: row.batch_id ?? undefined,
    signer: row.signer ?? undefined,
    fileName: row.file_name ?? undefined,
    sha256Before: row.sha256_before ?? undefined,
    sha256After: row.sha256_after ?? undefined,
    orderId: row.order_id ?? undefined,
    result: row.result ?? undefined,
    detail: row.detail ?? undefined,
    prevHash: row.prev_hash,
    hash: row.hash,
  })
}

const invalid = (path: string, why: string) => new TekenError('BATCH_JOURNAL_INVALID', `${path} is not a Teken batch journal: ${why}.`, { path })

/**
 * A batch journal: one SQLite file (WAL) with the batches, every document's state, and an
 * append-only, hash-chained audit trail. State changes that guard a provider call are written with
 * `synchronous=FULL` (fsynced before the call leaves); the rest with NORMAL, which survives a
 * crash of Teken, only not of the machine.
 */
export function openJournal(path: string, options: { create?: boolean; osUser: string; now: () => Date }) {
  if (!options.create && !existsSync(path)) throw new TekenError('BATCH_NOT_FOUND', `There is no batch journal at ${path}.`, { path })
  let db: Database.Database
  try {
    db = new Database(path)
    db.pragma('journal_mode = WAL')
  } catch (error) {
    throw invalid(path, (error as Error).message)
  }
  try {
    const applicationId = db.pragma('application_id', { simple: true }) as number
    const version = db.pragma('user_version', { simple: true }) as number
    if (applicationId === 0 && version === 0 && (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n === 0) {
      db.exec(`BEGIN; ${SCHEMA} PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT;`)
    } else if (applicationId !== APPLICATION_ID) {
      throw invalid(path, 'it is a SQLite database of something else')
    } else if (version !== SCHEMA_VERSION) {
      throw invalid(path, `its format version ${version} is not the ${SCHEMA_VERSION} this Teken reads`)
    }
  } catch (error) {
    db.close()
    throw error instanceof TekenError ? error : invalid(path, (error as Error).message)
  }
  db.pragma('synchronous = NORMAL')

  const statements = {
    insertBatch: db.prepare(
      'INSERT INTO batch (id, mode, env, signer, os_user, input_dir, output_dir, template, settings, created_at, status) VALUES (@id, @mode, @env, @signer, @os_user, @input_dir, @output_dir, @template, @settings, @created_at, @status)',
    ),
    insertDocument: db.prepare(
      "INSERT INTO documents (batch_id, input_path, file_name, size, output_path, state, updated_at) VALUES (@batch_id, @input_path, @file_name, @size, @output_path, 'queued', @updated_at)",
    ),
    updateDocument: db.prepare(
      'UPDATE documents SET state = @state, order_id = @order_id, attempts = @attempts, failure = @failure, retry_from = @retry_from, placements = @placements, sha256_before = @sha256_before, sha256_after = @sha256_after, updated_at = @updated_at WHERE id = @id',
    ),
    batchStatus: db.prepare('UPDATE batch SET status = @status, finished_at = @finished_at WHERE id = @id'),
    head: db.prepare('SELECT audit_seq, audit_head FROM journal WHERE id = 1'),
    setHead: db.prepare('UPDATE journal SET audit_seq = @seq, audit_head = @hash WHERE id = 1'),
    insertAudit: db.prepare(
      'INSERT INTO audit (seq, at, at_wib, os_user, signer, batch_id, action, file_name, sha256_before, sha256_after, order_id, result, detail, prev_hash, hash) VALUES (@seq, @at, @at_wib, @os_user, @signer, @batch_id, @action, @file_name, @sha256_before, @sha256_after, @order_id, @result, @detail, @prev_hash, @hash)',
    ),
    runner: db.prepare('SELECT runner FROM journal WHERE id = 1'),
    setRunner: db.prepare('UPDATE journal SET runner = ? WHERE id = 1'),
  }

  function appendAudit(input: AuditInput): void {
    const head = statements.head.get() as { audit_seq: number; audit_head: string }
    const when = options.now()
    const row: Omit<AuditDbRow, 'hash'> = {
      seq: head.audit_seq + 1,
      at: when.toISOString(),
      at_wib: formatWib(when, 'id', { seconds: true }),
      os_user: options.osUser,
      signer: input.signer ?? null,
      batch_id: input.batchId ?? null,
      action: input.action,
      file_name: input.fileName ?? null,
      sha256_before: input.sha256Before ?? null,
      sha256_after: input.sha256After ?? null,
      order_id: input.orderId ?? null,
      result: input.result ?? null,
      detail: input.detail ?? null,
      prev_hash: head.audit_head,
    }
    const hash = auditHash(row)
    statements.insertAudit.run({ ...row, hash })
    statements.setHead.run({ seq: row.seq, hash })
  }

  /** Runs `write` in one transaction; `durable` fsyncs it (and everything before it) before returning. */
  function transaction(write: () => void, durable: boolean): void {
    if (durable) db.pragma('synchronous = FULL')
    try {
      db.transaction(write).immediate()
    } finally {
      if (durable) db.pragma('synchronous = NORMAL')
    }
  }

  const journal = {
    path,

    createBatch(input: Omit<BatchRecord, 'createdAt' | 'status' | 'osUser' | 'finishedAt'> & { documents: Pick<DocumentRecord, 'inputPath' | 'fileName' | 'size' | 'outputPath'>[] }): BatchRecord {
      const createdAt = options.now().toISOString()
      transaction(() => {
        statements.insertBatch.run({
          id: input.id,
          mode: input.mode,
          env: input.env ?? null,
          signer: input.signer,
          os_user: options.osUser,
          input_dir: input.inputDir,
          output_dir: input.outputDir,
          template: JSON.stringify(input.template),
          settings: JSON.stringify(input.settings),
          created_at: createdAt,
          status: 'running',
        })
        for (const document of input.documents) {
          statements.insertDocument.run({ batch_id: input.id, input_path: document.inputPath, file_name: document.fileName, size: document.size, output_path: document.outputPath, updated_at: createdAt })
        }
        appendAudit({
          action: 'batch.created',
          batchId: input.id,
          signer: input.signer,
          result: `${input.documents.length} documents`,
          detail: JSON.stringify({ mode: input.mode, env: input.env, input: input.inputDir, output: input.outputDir }),
        })
      }, true)
      return journal.batch(input.id)
    },

    batch(id: string): BatchRecord {
      const row = db.prepare('SELECT * FROM batch WHERE id = ?').get(id) as BatchRow | undefined
      if (!row) throw new TekenError('BATCH_NOT_FOUND', `The journal ${path} has no batch ${id}.`, { path, batch: id })
      return batchFromRow(row)
    },

    /** The newest batch, which `batch resume` and `batch status` mean. */
    latestBatch(): BatchRecord {
      const row = db.prepare('SELECT * FROM batch ORDER BY created_at DESC, rowid DESC LIMIT 1').get() as BatchRow | undefined
      if (!row) throw new TekenError('BATCH_NOT_FOUND', `The journal ${path} holds no batch yet.`, { path })
      return batchFromRow(row)
    },

    hasBatch(): boolean {
      return db.prepare('SELECT 1 FROM batch LIMIT 1').get() !== undefined
    },

    documents(batchId: string): DocumentRecord[] {
      return (db.prepare('SELECT * FROM documents WHERE batch_id = ? ORDER BY id').all(batchId) as DocumentRow[]).map(documentFromRow)
    },

    /**
     * Moves documents to a new state in one transaction, with the audit rows the change calls for,
     * and updates the given records only once the transaction committed.
     */
    update(documents: readonly DocumentRecord[], change: DocumentChange | ((document: DocumentRecord) => DocumentChange), write: { durable?: boolean; audit?: (document: DocumentRecord) => AuditInput | undefined } = {}): void {
      if (documents.length === 0) return
      const updatedAt = options.now().toISOString()
      const next = documents.map((document) => {
        const { orderId, failure, retryFrom, ...rest } = typeof change === 'function' ? change(document) : change
        const merged: DocumentRecord = { ...document, ...rest, updatedAt }
        if (orderId !== undefined) merged.orderId = orderId ?? undefined
        if (failure !== undefined) merged.failure = failure ?? undefined
        if (retryFrom !== undefined) merged.retryFrom = retryFrom ?? undefined
        return withoutNulls(merged)
      })
      transaction(() => {
        for (const document of next) {
          statements.updateDocument.run({
            id: document.id,
            state: document.state,
            order_id: document.orderId ?? null,
            attempts: document.attempts,
            failure: document.failure ?? null,
            retry_from: document.retryFrom ?? null,
            placements: document.placements ? JSON.stringify(document.placements) : null,
            sha256_before: document.sha256Before ?? null,
            sha256_after: document.sha256After ?? null,
            updated_at: updatedAt,
          })
          const audit = write.audit?.(document)
          if (audit) appendAudit(audit)
        }
      }, write.durable ?? false)
      documents.forEach((document, index) => {
        for (const key of Object.keys(document) as (keyof DocumentRecord)[]) delete document[key]
        Object.assign(document, next[index])
      })
    },

    setBatchStatus(batchId: string, status: BatchStatus, audit?: AuditInput): void {
      transaction(() => {
        statements.batchStatus.run({ id: batchId, status, finished_at: status === 'finished' ? options.now().toISOString() : null })
        if (audit) appendAudit(audit)
      }, false)
    },

    audit(input: AuditInput): void {
      transaction(() => appendAudit(input), false)
    },

    /**
     * Walks the audit chain: consecutive sequence numbers, each row naming its predecessor's hash,
     * each hash matching the row, and the last row matching the head kept in the journal table
     * (which catches rows cut off the end).
     */
    verifyAudit(): AuditVerification {
      const entries = (db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n
      let expectedSeq = 1
      let prevHash = GENESIS
      for (const row of db.prepare('SELECT * FROM audit ORDER BY seq').iterate() as IterableIterator<AuditDbRow>) {
        if (row.seq !== expectedSeq) return { ok: false, entries, brokenAt: expectedSeq, reason: `row ${expectedSeq}${row.seq - expectedSeq > 1 ? `–${row.seq - 1}` : ''} was deleted` }
        if (row.prev_hash !== prevHash) return { ok: false, entries, brokenAt: row.seq, reason: `row ${row.seq} does not follow row ${row.seq - 1}: row ${row.seq - 1} was altered or replaced` }
        const { hash, ...content } = row
        if (auditHash(content) !== hash) return { ok: false, entries, brokenAt: row.seq, reason: `row ${row.seq} was altered` }
        prevHash = hash
        expectedSeq += 1
      }
      const head = statements.head.get() as { audit_seq: number; audit_head: string }
      if (head.audit_seq > entries) return { ok: false, entries, brokenAt: entries + 1, reason: `the last ${head.audit_seq - entries} row(s), from row ${entries + 1}, were deleted` }
      if (head.audit_seq !== entries || head.audit_head !== prevHash) return { ok: false, entries, brokenAt: entries, reason: `row ${entries} does not match the head the journal recorded` }
      return { ok: true, entries, head: prevHash }
    },

    auditRows(): AuditRow[] {
      return (db.prepare('SELECT * FROM audit ORDER BY seq').all() as AuditDbRow[]).map(auditFromRow)
    },

    auditCsv(): string {
      const header = ['seq', 'at', 'at_wib', 'os_user', 'signer', 'batch', 'action', 'file_name', 'sha256_before', 'sha256_after', 'order_id', 'result', 'detail', 'prev_hash', 'hash']
      const rows = journal.auditRows().map((row) => [row.seq, row.at, row.atWib, row.osUser, row.signer, row.batchId, row.action, row.fileName, row.sha256Before, row.sha256After, row.orderId, row.result, row.detail, row.prevHash, row.hash])
      return toCsv(header, rows)
    },

    /**
     * Marks this process as the journal's runner, so a second `batch resume` cannot work on the same
     * documents. A runner whose process is gone (killed, crashed) no longer counts.
     */
    claimRunner(pid: number, isAlive: (pid: number) => boolean): void {
      db.transaction(() => {
        const current = (statements.runner.get() as { runner: string | null }).runner
        const holder = current ? (JSON.parse(current) as { pid: number; since: string }) : undefined
        if (holder && holder.pid !== pid && isAlive(holder.pid)) {
          throw new TekenError('INVALID_REQUEST', `The batch in ${path} is already being worked on by process ${holder.pid} (since ${holder.since}); wait for it or stop it first.`)
        }
        statements.setRunner.run(JSON.stringify({ pid, since: options.now().toISOString() }))
      }).immediate()
    },

    releaseRunner(): void {
      statements.setRunner.run(null)
    },

    close(): void {
      db.close()
    },
  }
  return journal
}

export type Journal = ReturnType<typeof openJournal>
