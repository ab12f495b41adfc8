import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { SandboxTokenKind, SimasProfileView, TokenReportView } from '../../../../shared/contract'
import { busyWhile } from '../../lib/busy'
import { valueOrReport, type ReportError } from '../../lib/ipc'
import { chooseProfile } from './profile-choice'

export interface TokenInspectorState {
  profiles: SimasProfileView[]
  profile?: string
  /** The token pasted by the user (or issued by the sandbox for them): theirs to see. */
  token: string
  report?: TokenReportView
  userinfo?: Record<string, unknown>
  busy: boolean

  load(): Promise<void>
  selectProfile(name: string): void
  setToken(token: string): void
  inspect(): Promise<void>
  lookUpUserinfo(): Promise<void>
  /** Fills in a token from the embedded SIMAS-ID sandbox and inspects it. */
  takeSandboxToken(kind: SandboxTokenKind): Promise<void>
}

/** The SIMAS-ID token inspector: main validates (JWKS, claims) and answers with a line per check. */
export const createTokenInspectorStore = (api: TekenApi, onError: ReportError) =>
  create<TokenInspectorState>()((set, get) => {
    const run = busyWhile(set)
    const request = () => {
      const { profile, token } = get()
      return profile && token.trim() ? { profile, token } : undefined
    }

    return {
      profiles: [],
      token: '',
      busy: false,

      async load() {
        const listed = await valueOrReport(api.listPartnerProfiles(), onError)
        if (!listed) return
        set({ profiles: listed.simas, profile: chooseProfile(listed.simas, get().profile, listed.preferredTarget)?.name })
      },
      selectProfile: (profile) => set({ profile, report: undefined, userinfo: undefined }),
      setToken: (token) => set({ token, report: undefined, userinfo: undefined }),

      async inspect() {
        const inspecting = request()
        if (!inspecting) return
        const report = await run(() => valueOrReport(api.inspectSimasToken(inspecting), onError))
        set({ report, userinfo: undefined })
      },

      async lookUpUserinfo() {
        const asking = request()
        if (!asking) return
        const answer = await run(() => valueOrReport(api.simasUserinfo(asking), onError))
        set({ userinfo: answer?.userinfo })
      },

      async takeSandboxToken(kind) {
        const issued = await run(() => valueOrReport(api.issueSandboxSimasToken({ kind }), onError))
        if (!issued) return
        get().setToken(issued.token)
        await get().inspect()
      },
    }
  })
