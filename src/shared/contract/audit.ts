import { z } from 'zod'

/** The action groups the Audit screen filters by: every main-log action is `group.verb`. */
export const AUDIT_ACTION_GROUPS = ['vault.', 'credentials.', 'pdf.', 'peruri.', 'snap.', 'myvalue.', 'audit.'] as const

export const AUDIT_PAGE_MAX = 500

export const AuditEntryViewSchema = z
  .object({
    seq: z.number().int(),
    at: z.iso.datetime(),
    actor: z.string(),
    action: z.string(),
    subject: z.string(),
    /** Names, fingerprints, hosts, counts: audit entries never hold a secret. */
    details: z.record(z.string(), z.string()),
    /** The first characters of the entry's chain hash, enough to compare with an export. */
    hash: z.string(),
  })
  .strict()
export type AuditEntryView = z.infer<typeof AuditEntryViewSchema>

export const AuditVerificationViewSchema = z
  .object({ ok: z.boolean(), entries: z.number().int(), brokenAt: z.number().int().optional(), reason: z.string().optional() })
  .strict()
export type AuditVerificationView = z.infer<typeof AuditVerificationViewSchema>

export const auditChannels = {
  /** The app's hash-chained audit log, newest first, one page at a time, optionally filtered. */
  listAuditEntries: {
    request: z
      .object({
        /** Text the action or the subject contains (case-insensitive). */
        search: z.string().max(200).optional(),
        /** An action group such as `vault.`. */
        actionPrefix: z
          .string()
          .regex(/^[a-z][a-z0-9-]*\.$/)
          .optional(),
        limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
        /** Only entries older than this sequence number: the last one of the previous page. */
        before: z.number().int().min(1).optional(),
      })
      .strict(),
    response: z.object({ entries: z.array(AuditEntryViewSchema), more: z.boolean() }).strict(),
  },
  /** Walks the whole chain: intact, or the first entry that was altered, removed or reordered and why. */
  verifyAuditLog: { request: z.undefined(), response: AuditVerificationViewSchema },
  /** Saves the whole log as CSV (times in WIB) through "Save as…"; answers the saved file's name only. */
  exportAuditLog: {
    request: z.undefined(),
    response: z.object({ saved: z.boolean(), fileName: z.string().optional(), entries: z.number().int().optional() }).strict(),
  },
} as const
