import { createHash } from 'node:crypto'
import { appendFile, mkdir, open, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Clock } from '../ports/clock'

export interface AuditEvent {
  /** What happened, as `domain.verb`: `vault.key-imported`, `vault.item-deleted`, … */
  action: string
  /** What it happened to: an item name, a file name. Never a secret. */
  subject: string
  details?: Record<string, string>
}

export interface AuditEntry extends AuditEvent {
  seq: number
  at: string
  actor: string
  /** Hash of the previous entry (64 zeros for the first): deleting or editing a line breaks the chain. */
  prev: string
  hash: string
}

/** Which entries `query` answers: newest first, optionally only before a sequence number, matching a search and an action group. */
export interface AuditQuery {
  /** Case-insensitive text that the action or the subject contains. */
  search?: string
  /** An action group such as `vault.`: entries whose action starts with it. */
  actionPrefix?: string
  /** Only entries older than this sequence number (the oldest one of the page before). */
  before?: number
  limit?: number
}

export type AuditVerification = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: string }

const GENESIS = '0'.repeat(64)

function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, action, subject, details, prev } = entry
  return createHash('sha256').update(JSON.stringify([seq, at, actor, action, subject, details ?? {}, prev])).digest('hex')
}

/**
 * An append-only, hash-chained JSON-lines log in the data folder. It records what was done, when and
 * by whom; callers pass names and fingerprints, never secret material.
 */
export function createAuditLog(options: { file: string; clock: Clock; actor: string }) {
  let tail: Promise<{ seq: number; hash: string }> | undefined
  let writes: Promise<unknown> = Promise.resolve()

  async function readEntries(): Promise<AuditEntry[]> {
    let text: string
    try {
      text = await readFile(options.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as AuditEntry)
  }

  async function lastLink(): Promise<{ seq: number; hash: string }> {
    const entries = await readEntries()
    const last = entries.at(-1)
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS }
  }

  /** One page of matching entries, newest first, and whether older matching entries remain. */
  async function query(filter: AuditQuery = {}): Promise<{ entries: AuditEntry[]; more: boolean }> {
    const limit = filter.limit ?? 200
    const needle = filter.search?.trim().toLowerCase() ?? ''
    const matching: AuditEntry[] = []
    const entries = await readEntries()
    for (let index = entries.length - 1; index >= 0; index--) {
      const entry = entries[index]!
      if (filter.before !== undefined && entry.seq >= filter.before) continue
      if (filter.actionPrefix && !entry.action.startsWith(filter.actionPrefix)) continue
      if (needle && !entry.action.toLowerCase().includes(needle) && !entry.subject.toLowerCase().includes(needle)) continue
      if (matching.length === limit) return { entries: matching, more: true }
      matching.push(entry)
    }
    return { entries: matching, more: false }
  }

  return {
    /** Appends one entry; appends are serialised so the chain never forks. */
    append(event: AuditEvent): Promise<AuditEntry> {
      const written = writes.then(async () => {
        tail ??= lastLink()
        const previous = await tail
        const unhashed = { seq: previous.seq + 1, at: options.clock.now().toISOString(), actor: options.actor, ...event, prev: previous.hash }
        const entry: AuditEntry = { ...unhashed, hash: entryHash(unhashed) }
        await mkdir(dirname(options.file), { recursive: true, mode: 0o700 })
        await appendFile(options.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 })
        const handle = await open(options.file, 'r')
        await handle.sync().finally(() => handle.close())
        tail = Promise.resolve({ seq: entry.seq, hash: entry.hash })
        return entry
      })
      writes = written.catch(() => {
        tail = undefined
      })
      return written
    },

    /** The newest `limit` entries, newest first. */
    async list(limit = 200): Promise<AuditEntry[]> {
      return (await query({ limit })).entries
    },

    query,

    /** Every entry, oldest first, as written. */
    all: readEntries,

    async verify(): Promise<AuditVerification> {
      let entries: AuditEntry[]
      try {
        entries = await readEntries()
      } catch {
        return { ok: false, entries: 0, brokenAt: 0, reason: 'the log is not valid JSON lines' }
      }
      let prev = GENESIS
      for (const [index, entry] of entries.entries()) {
        const { hash, ...unhashed } = entry
        if (entry.seq !== index + 1) return { ok: false, entries: entries.length, brokenAt: index + 1, reason: `entry ${index + 1} has sequence number ${entry.seq}` }
        if (entry.prev !== prev) return { ok: false, entries: entries.length, brokenAt: entry.seq, reason: `entry ${entry.seq} does not follow the entry before it` }
        if (entryHash(unhashed) !== hash) return { ok: false, entries: entries.length, brokenAt: entry.seq, reason: `entry ${entry.seq} was altered` }
        prev = hash
      }
      return { ok: true, entries: entries.length }
    },
  }
}

export type AuditLog = ReturnType<typeof createAuditLog>
