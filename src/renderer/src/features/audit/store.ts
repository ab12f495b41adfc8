import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { AuditEntryView, AuditVerificationView } from '../../../../shared/contract'
import { busyWhile } from '../../lib/busy'
import { valueOrReport, type ReportError } from '../../lib/ipc'

/** Entries per "Load more". */
export const AUDIT_PAGE = 100

export interface AuditFilters {
  search: string
  /** An action group such as `vault.`, or '' for every action. */
  group: string
}

export interface AuditState {
  entries: AuditEntryView[]
  /** Older matching entries remain. */
  more: boolean
  verification?: AuditVerificationView
  filters: AuditFilters
  loaded: boolean
  busy: boolean
  /** The first page under the current filters, and the chain's verification. */
  refresh(): Promise<void>
  setFilters(patch: Partial<AuditFilters>): Promise<void>
  loadMore(): Promise<void>
  /** Resolves with the saved file's name, or undefined when cancelled or failed. */
  exportCsv(): Promise<string | undefined>
}

/** The app's audit log as the Audit screen shows it: read-only pages, the chain check and the CSV export, all done by main. */
export const createAuditStore = (api: TekenApi, onError: ReportError) =>
  create<AuditState>()((set, get) => {
    const run = busyWhile(set)
    // A newer listing (typed search) wins over an older answer that arrives late.
    let generation = 0

    const request = (before?: number) => {
      const { search, group } = get().filters
      return { ...(search.trim() ? { search: search.trim() } : {}), ...(group ? { actionPrefix: group } : {}), limit: AUDIT_PAGE, ...(before ? { before } : {}) }
    }

    async function firstPage(): Promise<void> {
      const mine = ++generation
      const page = await valueOrReport(api.listAuditEntries(request()), onError)
      if (page && mine === generation) set({ entries: page.entries, more: page.more, loaded: true })
    }

    async function verify(): Promise<void> {
      const verification = await valueOrReport(api.verifyAuditLog(), onError)
      if (verification) set({ verification })
    }

    return {
      entries: [],
      more: false,
      filters: { search: '', group: '' },
      loaded: false,
      busy: false,
      refresh: () => run(() => Promise.all([firstPage(), verify()]).then(() => undefined)),
      async setFilters(patch) {
        set({ filters: { ...get().filters, ...patch } })
        await firstPage()
      },
      loadMore: () =>
        run(async () => {
          const mine = generation
          const last = get().entries.at(-1)
          if (!last) return
          const page = await valueOrReport(api.listAuditEntries(request(last.seq)), onError)
          if (page && mine === generation) set({ entries: [...get().entries, ...page.entries], more: page.more })
        }),
      exportCsv: () =>
        run(async () => {
          const answer = await valueOrReport(api.exportAuditLog(), onError)
          if (!answer?.saved) return undefined
          // The export is audited too: show its entry.
          await Promise.all([firstPage(), verify()])
          return answer.fileName ?? ''
        }),
    }
  })
