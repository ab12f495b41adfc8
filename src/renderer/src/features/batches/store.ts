import { create } from 'zustand'
import type { BatchDocumentView, BatchOverviewView, RequestOf } from '../../../../shared/contract'
import type { IpcError } from '../../../../shared/errors'
import { parseTemplateText, type PlacementTemplate } from '../../../../shared/placement/template'
import { TekenError } from '../../../../shared/errors'
import type { TekenApi } from '../../../../shared/api'
import { busyWhile } from '../../lib/busy'
import { base64OfBlob } from '../../lib/files'
import { valueOrReport } from '../../lib/ipc'

export type BatchModeName = BatchOverviewView['mode']

/** A batch being put together: the files dropped so far (copied into main as they come) and the choices. */
export interface BatchDraft {
  batchId: string
  files: { name: string; size: number }[]
  /** The first PDF, kept for the placement preview. */
  firstFile?: File
  staging: number
  template?: { name: string; text: string; parsed: PlacementTemplate }
  mode: BatchModeName
  /** Peruri modes: the signer's email. */
  email: string
  /** Local mode: the vault name of the PKCS#12 identity. */
  identity: string
}

/** The batch on screen: its overview and every document, kept current by revision while it runs. */
export interface OpenBatch {
  batch: BatchOverviewView
  documents: BatchDocumentView[]
  revision: number
}

export interface BatchesState {
  draft: BatchDraft
  history: BatchOverviewView[]
  open?: OpenBatch
  busy: boolean
  addFiles(files: readonly File[]): Promise<void>
  setTemplate(file: File): Promise<void>
  choose(patch: Partial<Pick<BatchDraft, 'mode' | 'email' | 'identity'>>): void
  /** `signer`: the Peruri email, or the local identity's vault name; `env` for Peruri modes. */
  start(signer: string, env?: string): Promise<void>
  loadHistory(): Promise<void>
  show(batchId: string): Promise<void>
  control(action: 'pause' | 'resume' | 'cancel'): Promise<void>
  /** Continues an interrupted or cancelled batch, retrying its failed documents. */
  resume(batchId: string): Promise<void>
  submitOtp(otp: string): Promise<boolean>
  resolveReview(documentId: number, resolution: RequestOf<'resolveBatchReview'>['resolution']): Promise<boolean>
  openOutput(what: 'folder' | 'report'): Promise<void>
  newDraft(): void
}

/** How often a running batch is asked for what changed. */
export const POLL_MS = 400

const freshDraft = (mode: BatchModeName = 'peruri-bulk'): BatchDraft => ({ batchId: crypto.randomUUID(), files: [], staging: 0, mode, email: '', identity: '' })

const isPdf = (file: File) => file.name.toLowerCase().endsWith('.pdf')

export const createBatchesStore = (api: TekenApi, reportError: (error: IpcError) => void) =>
  create<BatchesState>()((set, get) => {
    const run = busyWhile(set)
    let polling: ReturnType<typeof setTimeout> | undefined
    let pollFailing = false
    /** Asks for the open batch's changes until it stops running; one timer at a time. */
    function poll(delayMs = POLL_MS): void {
      clearTimeout(polling)
      polling = setTimeout(async () => {
        const open = get().open
        if (!open) return
        const result = await api.batchProgress({ batchId: open.batch.batchId, since: open.revision })
        // The user may have opened another batch meanwhile.
        if (get().open?.batch.batchId !== open.batch.batchId) return
        if (!result.ok) {
          // The run goes on in main whatever happens here: say so once, and keep asking, less often.
          if (!pollFailing) reportError(result.error)
          pollFailing = true
          return poll(POLL_MS * 5)
        }
        pollFailing = false
        const { batch, documents, full, revision } = result.value
        set({ open: { batch, revision, documents: full ? documents : merge(get().open!.documents, documents) } })
        if (batch.running) poll()
        else void get().loadHistory()
      }, delayMs)
    }

    async function showOverview(batch: BatchOverviewView | undefined): Promise<void> {
      if (!batch) return
      set({ open: { batch, documents: [], revision: 0 } })
      const result = await valueOrReport(api.batchProgress({ batchId: batch.batchId, since: 0 }), reportError)
      if (result) set({ open: { batch: result.batch, documents: result.documents, revision: result.revision } })
      if (result?.batch.running) poll()
      void get().loadHistory()
    }

    return {
      draft: freshDraft(),
      history: [],
      busy: false,

      async addFiles(files) {
        const pdfs = files.filter(isPdf)
        const { batchId } = get().draft
        set((state) => ({ draft: { ...state.draft, staging: state.draft.staging + pdfs.length, firstFile: state.draft.firstFile ?? pdfs[0] } }))
        // One file per call, so a thousand-file drop never builds one huge message.
        for (const file of pdfs) {
          const staged = await valueOrReport(api.stageBatchFile({ batchId, fileName: file.name, base64: await base64OfBlob(file) }), reportError)
          if (get().draft.batchId !== batchId) return
          set((state) => ({
            draft: { ...state.draft, staging: state.draft.staging - 1, files: staged ? [...state.draft.files.filter((known) => known.name !== file.name), { name: file.name, size: file.size }] : state.draft.files },
          }))
        }
      },

      async setTemplate(file) {
        const text = await file.text()
        try {
          set((state) => ({ draft: { ...state.draft, template: { name: file.name, text, parsed: parseTemplateText(text) } } }))
        } catch (error) {
          if (!(error instanceof TekenError)) throw error
          reportError(error.toIpcError())
        }
      },

      choose: (patch) => set((state) => ({ draft: { ...state.draft, ...patch } })),

      async start(signer, env) {
        const { draft } = get()
        if (!draft.template) return
        await run(async () => {
          const started = await valueOrReport(api.startBatch({ batchId: draft.batchId, templateText: draft.template!.text, mode: draft.mode, signer, ...(env ? { env } : {}) }), reportError)
          if (!started) return
          set({ draft: freshDraft(draft.mode) })
          await showOverview(started)
        })
      },

      async loadHistory() {
        const listed = await valueOrReport(api.listBatches(), reportError)
        if (listed) set({ history: listed.batches })
      },

      async show(batchId) {
        const listed = get().history.find((batch) => batch.batchId === batchId)
        await showOverview(listed)
      },

      async control(action) {
        const open = get().open
        if (!open) return
        const batch = await valueOrReport(api.controlBatch({ batchId: open.batch.batchId, action }), reportError)
        if (batch) set({ open: { ...get().open!, batch } })
      },

      async resume(batchId) {
        await run(async () => showOverview(await valueOrReport(api.resumeBatch({ batchId }), reportError)))
      },

      async submitOtp(otp) {
        const open = get().open
        if (!open) return false
        return (await valueOrReport(api.submitBatchOtp({ batchId: open.batch.batchId, otp }), reportError)) !== undefined
      },

      async resolveReview(documentId, resolution) {
        const open = get().open
        if (!open) return false
        const batch = await valueOrReport(api.resolveBatchReview({ batchId: open.batch.batchId, documentId, resolution }), reportError)
        if (batch) await showOverview(batch)
        return batch !== undefined
      },

      async openOutput(what) {
        const open = get().open
        if (open) await valueOrReport(api.openBatchOutput({ batchId: open.batch.batchId, what }), reportError)
      },

      newDraft: () => {
        clearTimeout(polling)
        set({ open: undefined, draft: freshDraft(get().draft.mode) })
      },
    }
  })

/** The documents with the changed ones replaced in place (ids are the journal's, in order). */
function merge(documents: BatchDocumentView[], changed: BatchDocumentView[]): BatchDocumentView[] {
  if (changed.length === 0) return documents
  const byId = new Map(changed.map((document) => [document.id, document]))
  return documents.map((document) => byId.get(document.id) ?? document)
}
