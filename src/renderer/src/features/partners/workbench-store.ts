import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type {
  MyValueProfileView,
  PartnerResponseView,
  PartnerTarget,
  RequestMethod,
  SignedRequestPreviewView,
  SNAP_SERVICE_SIGNATURES,
  SnapProfileView,
  SnapRequestKind,
} from '../../../../shared/contract'
import { busyWhile } from '../../lib/busy'
import { valueOrReport, type ReportError } from '../../lib/ipc'
import { chooseProfile } from './profile-choice'

/** The partner APIs the workbench signs for. */
export type WorkbenchProvider = 'snap' | 'myvalue'

/** What every partner request has. */
export interface RequestDraft {
  profile: string
  target: PartnerTarget
  method: RequestMethod
  path: string
  body: string
}

export interface SnapDraft extends RequestDraft {
  kind: SnapRequestKind
  serviceSignature: (typeof SNAP_SERVICE_SIGNATURES)[number]
  /** Empty: main uses the profile's own token. A token typed here is the user's to see. */
  accessToken: string
}

export interface WorkbenchProfiles {
  snap: SnapProfileView[]
  myvalue: MyValueProfileView[]
}

export interface WorkbenchState {
  profiles: WorkbenchProfiles
  preferredTarget: PartnerTarget
  provider: WorkbenchProvider
  /** One request per provider, so switching between them loses neither. */
  drafts: { snap?: SnapDraft; myvalue?: RequestDraft }
  /** The signed request main keeps under `previewId`; cleared by any edit, so what is shown is what is sent. */
  signed?: { provider: WorkbenchProvider; previewId: string; preview: SignedRequestPreviewView; sent: boolean }
  response?: { provider: WorkbenchProvider; view: PartnerResponseView }
  busy: boolean

  load(): Promise<void>
  selectProfile(provider: WorkbenchProvider, name: string): void
  /** Changes the request being composed (the active provider's). */
  edit(patch: Partial<Omit<RequestDraft, 'profile'>>): void
  editSnap(patch: Partial<Pick<SnapDraft, 'kind' | 'serviceSignature' | 'accessToken'>>): void
  sign(): Promise<void>
  send(): Promise<void>
}

/**
 * The API workbench: a SNAP or MyValue request being composed, its signed preview and the
 * provider's answer. Main signs and sends; this store never holds a key, a client secret or the
 * profile's token.
 */
export const createWorkbenchStore = (api: TekenApi, onError: ReportError) =>
  create<WorkbenchState>()((set, get) => {
    const run = busyWhile(set)
    // Built-in profiles talk to the embedded sandbox only.
    const targetFor = (profile: { builtIn: boolean }, preferredTarget: PartnerTarget): PartnerTarget => (profile.builtIn ? 'sandbox' : preferredTarget)
    /** Any change to what would be signed drops the signed copy and its answer. */
    const changed = (drafts: WorkbenchState['drafts'], provider = get().provider) => set({ drafts, provider, signed: undefined, response: undefined })

    return {
      profiles: { snap: [], myvalue: [] },
      preferredTarget: 'sandbox',
      provider: 'snap',
      drafts: {},
      busy: false,

      async load() {
        const listed = await valueOrReport(api.listPartnerProfiles(), onError)
        if (!listed) return
        const { drafts } = get()
        const { preferredTarget, samples } = listed
        const snap = chooseProfile(listed.snap, drafts.snap?.profile, preferredTarget)
        const myvalue = chooseProfile(listed.myvalue, drafts.myvalue?.profile, preferredTarget)
        set({
          profiles: { snap: listed.snap, myvalue: listed.myvalue },
          preferredTarget,
          drafts: {
            snap:
              snap &&
              (drafts.snap?.profile === snap.name
                ? drafts.snap
                : { profile: snap.name, target: targetFor(snap, preferredTarget), serviceSignature: snap.serviceSignature, kind: 'service', method: 'POST', ...samples.snap, accessToken: '' }),
            myvalue:
              myvalue && (drafts.myvalue?.profile === myvalue.name ? drafts.myvalue : { profile: myvalue.name, target: targetFor(myvalue, preferredTarget), method: 'POST', ...samples.myvalue }),
          },
        })
      },

      selectProfile(provider, name) {
        const { drafts, profiles, preferredTarget } = get()
        if (provider === 'snap') {
          const profile = profiles.snap.find((candidate) => candidate.name === name)
          if (drafts.snap && profile) changed({ ...drafts, snap: { ...drafts.snap, profile: name, target: targetFor(profile, preferredTarget), serviceSignature: profile.serviceSignature } }, provider)
        } else {
          const profile = profiles.myvalue.find((candidate) => candidate.name === name)
          if (drafts.myvalue && profile) changed({ ...drafts, myvalue: { ...drafts.myvalue, profile: name, target: targetFor(profile, preferredTarget) } }, provider)
        }
      },

      edit(patch) {
        const { drafts, provider } = get()
        if (provider === 'snap' && drafts.snap) changed({ ...drafts, snap: { ...drafts.snap, ...patch } })
        if (provider === 'myvalue' && drafts.myvalue) changed({ ...drafts, myvalue: { ...drafts.myvalue, ...patch } })
      },

      editSnap(patch) {
        const { drafts } = get()
        if (drafts.snap) changed({ ...drafts, snap: { ...drafts.snap, ...patch } }, 'snap')
      },

      async sign() {
        const { drafts, provider } = get()
        const snap = drafts.snap
        const myvalue = drafts.myvalue
        let preview: (() => ReturnType<TekenApi['previewSnapRequest']>) | undefined
        if (provider === 'snap' && snap) {
          const { accessToken, ...request } = snap
          preview = () => api.previewSnapRequest({ ...request, ...(accessToken.trim() ? { accessToken } : {}) })
        } else if (provider === 'myvalue' && myvalue) preview = () => api.previewMyValueRequest(myvalue)
        if (!preview) return
        const signed = await run(() => valueOrReport(preview(), onError))
        set({ signed: signed && { ...signed, provider, sent: false }, response: undefined })
      },

      async send() {
        const { signed } = get()
        if (!signed || signed.sent) return
        const response = await run(() => valueOrReport(api.sendSignedRequest({ previewId: signed.previewId }), onError))
        // Main sends a signed request once only, whatever the outcome.
        set({ signed: { ...signed, sent: true }, response: response && { provider: signed.provider, view: response } })
      },
    }
  })
