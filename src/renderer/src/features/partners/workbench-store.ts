import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { SNAP_METHODS, SNAP_SERVICE_SIGNATURES, SnapProfileView, SnapRequestKind, SnapRequestPreviewView, SnapResponseView, SnapTarget } from '../../../../shared/contract'
import { valueOrReport, type ReportError } from '../../lib/ipc'

export interface WorkbenchDraft {
  profile: string
  target: SnapTarget
  kind: SnapRequestKind
  serviceSignature: (typeof SNAP_SERVICE_SIGNATURES)[number]
  method: (typeof SNAP_METHODS)[number]
  path: string
  body: string
  /** Empty: main uses the profile's own token. A token typed here is the user's to see. */
  accessToken: string
}

export interface WorkbenchState {
  profiles: SnapProfileView[]
  preferredTarget: SnapTarget
  draft?: WorkbenchDraft
  /** The signed request main keeps under `previewId`; cleared by any edit, so what is shown is what is sent. */
  signed?: { previewId: string; preview: SnapRequestPreviewView; sent: boolean }
  response?: SnapResponseView
  busy: boolean

  load(): Promise<void>
  selectProfile(name: string): void
  edit(patch: Partial<Omit<WorkbenchDraft, 'profile'>>): void
  sign(): Promise<void>
  send(): Promise<void>
}

/**
 * The API workbench: a SNAP request being composed, its signed preview and the provider's answer.
 * Main signs and sends; this store never holds a key, a client secret or the profile's token.
 */
export const createWorkbenchStore = (api: TekenApi, onError: ReportError) =>
  create<WorkbenchState>()((set, get) => {
    async function run<T>(call: () => Promise<T>): Promise<T> {
      set({ busy: true })
      try {
        return await call()
      } finally {
        set({ busy: false })
      }
    }
    const profileDefaults = (profile: SnapProfileView, preferredTarget: SnapTarget) => ({
      profile: profile.name,
      target: profile.builtIn ? ('sandbox' as const) : preferredTarget,
      serviceSignature: profile.serviceSignature,
    })

    return {
      profiles: [],
      preferredTarget: 'sandbox',
      busy: false,

      async load() {
        const listed = await valueOrReport(api.listPartnerProfiles(), onError)
        if (!listed) return
        const { draft } = get()
        const kept = draft && listed.snap.find((profile) => profile.name === draft.profile)
        // On Sandbox the built-in profiles come first; on staging or production, the user's own.
        const initial = kept ?? listed.snap.find((profile) => profile.builtIn === (listed.preferredTarget === 'sandbox')) ?? listed.snap[0]
        set({
          profiles: listed.snap,
          preferredTarget: listed.preferredTarget,
          draft:
            draft && kept
              ? draft
              : initial && { ...profileDefaults(initial, listed.preferredTarget), kind: 'service', method: 'POST', path: listed.sample.path, body: listed.sample.body, accessToken: '' },
        })
      },

      selectProfile(name) {
        const { draft, profiles, preferredTarget } = get()
        const profile = profiles.find((candidate) => candidate.name === name)
        if (draft && profile) set({ draft: { ...draft, ...profileDefaults(profile, preferredTarget) }, signed: undefined, response: undefined })
      },

      edit(patch) {
        const { draft } = get()
        if (draft) set({ draft: { ...draft, ...patch }, signed: undefined, response: undefined })
      },

      async sign() {
        const { draft } = get()
        if (!draft) return
        const { accessToken, ...request } = draft
        const signed = await run(() => valueOrReport(api.previewSnapRequest({ ...request, ...(accessToken.trim() ? { accessToken } : {}) }), onError))
        set({ signed: signed && { ...signed, sent: false }, response: undefined })
      },

      async send() {
        const { signed } = get()
        if (!signed || signed.sent) return
        const response = await run(() => valueOrReport(api.sendSnapRequest({ previewId: signed.previewId }), onError))
        // Main sends a signed request once only, whatever the outcome.
        set({ signed: { ...signed, sent: true }, response })
      },
    }
  })
