import { basename } from 'node:path'
import type { AuditEntryView } from '../../shared/contract'
import { formatWib, WIB_TIME_ZONE } from '../../shared/time'
import type { AuditEntry, AuditLog } from '../audit/audit-log'
import { toCsv } from '../batch/csv'
import type { Clock } from '../ports/clock'
import type { FileSaver } from '../ports/desktop'
import type { Handlers } from './router'

/** How much of an entry's chain hash the screen shows; the export has all of it. */
const HASH_PREFIX = 12

const entryView = ({ seq, at, actor, action, subject, details, hash }: AuditEntry): AuditEntryView => ({
  seq,
  at,
  actor,
  action,
  subject,
  details: { ...details },
  hash: hash.slice(0, HASH_PREFIX),
})

export const AUDIT_CSV_HEADER = ['seq', 'at', 'actor', 'action', 'subject', 'details', 'hash'] as const

/** The whole log as RFC 4180 CSV, oldest first, the time in WIB and the details as JSON. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  return toCsv(
    AUDIT_CSV_HEADER,
    entries.map((entry) => [entry.seq, formatWib(new Date(entry.at), 'id', { seconds: true }), entry.actor, entry.action, entry.subject, JSON.stringify(entry.details ?? {}), entry.hash]),
  )
}

/** `teken-audit-20261122-120705-WIB.csv`: when it was exported, on the WIB clock. */
function exportName(now: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: WIB_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  )
  return `teken-audit-${parts.year}${parts.month}${parts.day}-${parts.hour}${parts.minute}${parts.second}-WIB.csv`
}

/** The Audit screen: the app's hash-chained log, its verification, and a CSV export through "Save as…". */
export function auditHandlers(deps: { audit: AuditLog; fileSaver: FileSaver; clock: Clock }): Pick<Handlers, 'listAuditEntries' | 'verifyAuditLog' | 'exportAuditLog'> {
  return {
    listAuditEntries: async ({ search, actionPrefix, limit, before }) => {
      const page = await deps.audit.query({ ...(search ? { search } : {}), ...(actionPrefix ? { actionPrefix } : {}), limit: limit ?? 100, ...(before ? { before } : {}) })
      return { entries: page.entries.map(entryView), more: page.more }
    },
    verifyAuditLog: async () => ({ ...(await deps.audit.verify()) }),
    exportAuditLog: async () => {
      const entries = await deps.audit.all()
      const path = await deps.fileSaver.save({ title: 'Save audit log', suggestedName: exportName(deps.clock.now()), bytes: Buffer.from(auditCsv(entries)) })
      if (!path) return { saved: false }
      const fileName = basename(path)
      // Who took a copy of the trail, and how much of it, is itself part of the trail.
      await deps.audit.append({ action: 'audit.exported', subject: fileName, details: { entries: String(entries.length) } })
      return { saved: true, fileName, entries: entries.length }
    },
  }
}
