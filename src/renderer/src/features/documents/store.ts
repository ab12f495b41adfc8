import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { DocumentHandle, VerificationView } from '../../../../shared/contract'
import { readFileForIpc } from '../../lib/files'
import { valueOrReport, type ReportError } from '../../lib/ipc'

export interface OpenDocument {
  handle: DocumentHandle
  /** The bytes as main holds them, for pdf.js to render. */
  data: Uint8Array
}

export interface DocumentsState {
  current?: OpenDocument
  opening: boolean
  pick(): Promise<void>
  openFile(file: File): Promise<void>
  /** Shows a document main already holds, such as a signed PDF downloaded from Peruri. */
  openHandle(handle: DocumentHandle): Promise<void>
  close(): Promise<void>
  /** Resolves with where main saved it (undefined when it failed or the user cancelled). */
  saveTemplate(name: string, text: string): Promise<string | undefined>
  sign(request: Parameters<TekenApi['signDocument']>[0]): Promise<{ saved: boolean; path?: string; verification: VerificationView } | undefined>
  verify(docId: string): Promise<VerificationView | undefined>
}

const fromBase64 = (base64: string) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))

/** The open document: main holds it; this store holds its handle and a copy of its bytes for preview. */
export const createDocumentsStore = (api: TekenApi, onError: ReportError) =>
  create<DocumentsState>()((set, get) => {
    async function show(handle: DocumentHandle | undefined) {
      if (!handle) return
      const read = await valueOrReport(api.readDocument({ docId: handle.docId }), onError)
      if (!read) return
      await get().close()
      set({ current: { handle, data: fromBase64(read.base64) } })
    }
    async function opening(work: () => Promise<void>) {
      set({ opening: true })
      try {
        await work()
      } finally {
        set({ opening: false })
      }
    }
    return {
      opening: false,
      pick: () =>
        opening(async () => {
          const picked = await valueOrReport(api.pickDocument(), onError)
          if (picked && 'docId' in picked) await show(picked)
        }),
      openFile: (file) => opening(async () => show(await valueOrReport(api.openDocumentBytes(await readFileForIpc(file)), onError))),
      openHandle: (handle) => opening(() => show(handle)),
      async saveTemplate(name, text) {
        const saved = await valueOrReport(api.saveTemplate({ name, text }), onError)
        return saved?.saved ? (saved.path ?? '') : undefined
      },
      sign: (request) => valueOrReport(api.signDocument(request), onError),
      verify: (docId) => valueOrReport(api.verifyDocument({ docId }), onError),
      async close() {
        const current = get().current
        if (!current) return
        set({ current: undefined })
        await api.closeDocument({ docId: current.handle.docId })
      },
    }
  })
