import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { OvoPartnerView, OvoStep, OvoStepStatus } from '../../../../shared/contract'
import type { IpcResult } from '../../../../shared/errors'
import { busyWhile } from '../../lib/busy'
import { valueOrReport, type ReportError } from '../../lib/ipc'

export interface OvoStepPatch {
  status?: OvoStepStatus
  note?: string
  startedOn?: string | null
  doneOn?: string | null
}

export interface OvoOnboardingState {
  partners: OvoPartnerView[]
  /** The partner whose checklist is shown. */
  selectedId?: string
  busy: boolean
  load(): Promise<void>
  select(partnerId: string): void
  /** Resolves true when main added it (the new partner is then selected). */
  add(name: string): Promise<boolean>
  rename(partnerId: string, name: string): Promise<boolean>
  remove(partnerId: string): Promise<void>
  updateStep(partnerId: string, step: OvoStep, patch: OvoStepPatch): Promise<void>
  link(partnerId: string, step: OvoStep, itemId: string): Promise<void>
  unlink(partnerId: string, step: OvoStep, itemId: string): Promise<void>
}

/** OVO partner onboarding (seed 000's checklist): main keeps the file; every change answers with the whole list. */
export const createOvoOnboardingStore = (api: TekenApi, onError: ReportError) =>
  create<OvoOnboardingState>()((set, get) => {
    const run = busyWhile(set)
    function apply(call: () => Promise<IpcResult<{ partners: OvoPartnerView[] }>>): Promise<OvoPartnerView[] | undefined> {
      return run(async () => {
        const answer = await valueOrReport(call(), onError)
        if (!answer) return undefined
        const { selectedId } = get()
        const stillThere = answer.partners.some((partner) => partner.id === selectedId)
        set({ partners: answer.partners, selectedId: stillThere ? selectedId : answer.partners[0]?.id })
        return answer.partners
      })
    }

    return {
      partners: [],
      busy: false,
      load: async () => void (await apply(() => api.listOvoPartners())),
      select: (selectedId) => set({ selectedId }),
      async add(name) {
        const before = new Set(get().partners.map((partner) => partner.id))
        const partners = await apply(() => api.addOvoPartner({ name }))
        const added = partners?.find((partner) => !before.has(partner.id))
        if (added) set({ selectedId: added.id })
        return added !== undefined
      },
      rename: async (partnerId, name) => (await apply(() => api.renameOvoPartner({ partnerId, name }))) !== undefined,
      remove: async (partnerId) => void (await apply(() => api.removeOvoPartner({ partnerId }))),
      updateStep: async (partnerId, step, patch) => void (await apply(() => api.updateOvoStep({ partnerId, step, ...patch }))),
      link: async (partnerId, step, itemId) => void (await apply(() => api.linkOvoStepItem({ partnerId, step, itemId }))),
      unlink: async (partnerId, step, itemId) => void (await apply(() => api.unlinkOvoStepItem({ partnerId, step, itemId }))),
    }
  })
