import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { DocumentHandle, KycPrefill, PeruriEnvironmentView, PeruriOrderStatus, PeruriRegistration, SandboxOtpView, SignatureBox, VerificationView } from '../../../../shared/contract'
import type { IpcResult } from '../../../../shared/errors'
import type { PeruriWebViewKind, PeruriWebViewResult } from '../../../../shared/peruri-webview'
import { busyWhile } from '../../lib/busy'
import { valueOrReport, type ReportError } from '../../lib/ipc'

/** One document on its way through Peruri: sent, OTP, signed, downloaded, saved. */
export interface PeruriFlow {
  env: string
  /** The open document that was sent. */
  docId: string
  orderId: string
  /** Who the latest OTP went to and when, for the resend countdown. */
  otp?: { signer: string; phone?: string; sentAt: number }
  status?: PeruriOrderStatus
  downloaded?: { document: DocumentHandle; verification: VerificationView }
}

export type OnboardingStep = 'registered' | 'activated' | 'video' | 'speciment'

export interface PeruriOnboarding {
  /** The signer being onboarded; every step after registration acts on this email. */
  email: string
  done: Partial<Record<OnboardingStep, true>>
  certificate?: { issued: boolean; resultDesc: string }
}

export interface PeruriState {
  environments: PeruriEnvironmentView[]
  /** The environment the app's environment switch stands for (it may not be defined yet). */
  preferred?: string
  env?: string
  /** One Peruri call at a time: the buttons wait for it. */
  busy: boolean
  flow?: PeruriFlow
  onboarding: PeruriOnboarding
  inbox: SandboxOtpView[]
  /** SIMAS-ID profiles that can pre-fill the registration from common-KYC; the built-in sandbox one names a number to try. */
  kycProfiles: { name: string; clientId: string; sandboxPhoneNumber?: string }[]

  loadEnvironments(): Promise<void>
  selectEnv(name: string): void

  send(request: { docId: string; email: string; boxes: SignatureBox[] }): Promise<void>
  sendTier(request: { docId: string; uploader: string; signers: { email: string; boxes: SignatureBox[] }[] }): Promise<void>
  requestOtp(): Promise<void>
  /** Resolves true when Peruri took the code. */
  sign(otp: string): Promise<boolean>
  refreshStatus(): Promise<void>
  download(): Promise<void>
  /** Resolves with where main saved the signed document (undefined when it failed or the user cancelled). */
  save(): Promise<string | undefined>
  /** Forgets the flow and closes its downloaded document in main, unless that is the document on screen. */
  resetFlow(shownDocId?: string): Promise<void>

  setOnboardingEmail(email: string): void
  register(registration: PeruriRegistration): Promise<boolean>
  activate(): Promise<void>
  sendVideo(base64: string): Promise<void>
  sendSpeciment(base64: string): Promise<void>
  checkCertificate(): Promise<void>
  /** Asks main to allow the camera for the e-KYC recording about to start. */
  armCamera(): Promise<boolean>

  refreshInbox(email: string): Promise<void>

  /** The web view to frame (activation for the onboarding email, signing for the flow's order) and the exact origin its answer must come from. */
  webView(kind: PeruriWebViewKind, parentOrigin: string): Promise<{ url: string; origin: string } | undefined>
  /**
   * The framed web view's accepted answer, taken as the API path's: activation marks the step done
   * and asks for the certificate status; signing ends the signer's turn and shows the order's status.
   * A resultCode other than "0" is reported with Peruri's words. Resolves true on success.
   */
  webViewResult(kind: PeruriWebViewKind, result: PeruriWebViewResult): Promise<boolean>

  loadKycProfiles(): Promise<void>
  /** The registration fields SIMAS-ID's KYC record has for this phone number; undefined after a reported error. */
  kycPrefill(profile: string, phoneNumber: string): Promise<KycPrefill | undefined>
}

/**
 * Peruri in the renderer: the environment in use, the document flow and signer onboarding. Main
 * keeps each order's boxes and OTP token; this store holds only order ids, statuses and handles.
 */
export const createPeruriStore = (api: TekenApi, onError: ReportError) =>
  create<PeruriState>()((set, get) => {
    const busy = busyWhile(set)
    const run = <T>(call: () => Promise<IpcResult<T>>): Promise<T | undefined> => busy(() => valueOrReport(call(), onError))
    const updateFlow = (patch: Partial<PeruriFlow>) => {
      const flow = get().flow
      if (flow) set({ flow: { ...flow, ...patch } })
    }
    /** The current flow's environment and order, for the calls that follow a send. */
    const order = () => {
      const flow = get().flow
      return flow ? { env: flow.env, orderId: flow.orderId } : undefined
    }
    async function started(env: string, docId: string, sent: { orderId: string } | undefined) {
      if (!sent) return
      await get().resetFlow(docId)
      set({ flow: { env, docId, orderId: sent.orderId } })
      await get().refreshStatus()
      await get().requestOtp()
    }
    async function onboardingStep(step: OnboardingStep, call: (env: string, email: string) => Promise<IpcResult<{ done: true }>>) {
      const { env, onboarding } = get()
      if (!env || !(await run(() => call(env, onboarding.email)))) return false
      set({ onboarding: { ...get().onboarding, done: { ...get().onboarding.done, [step]: true } } })
      return true
    }

    return {
      environments: [],
      busy: false,
      onboarding: { email: '', done: {} },
      inbox: [],
      kycProfiles: [],

      async loadEnvironments() {
        const listed = await valueOrReport(api.listPeruriEnvironments(), onError)
        if (!listed) return
        const names = listed.environments.map((env) => env.name)
        const { env: chosen, preferred: before } = get()
        // The user's pick stands until the environment switch moves; then its environment is the default again.
        const keep = chosen !== undefined && names.includes(chosen) && listed.preferred === before
        const env = keep ? chosen : names.includes(listed.preferred) ? listed.preferred : names[0]
        set({ environments: listed.environments, preferred: listed.preferred, env })
      },
      selectEnv: (env) => set({ env }),

      async send({ docId, email, boxes }) {
        const env = get().env
        if (env) await started(env, docId, await run(() => api.peruriSendDocument({ env, docId, email, boxes })))
      },
      async sendTier({ docId, uploader, signers }) {
        const env = get().env
        if (env) await started(env, docId, await run(() => api.peruriSendTier({ env, docId, uploader, signers })))
      },
      async requestOtp() {
        const current = order()
        // Taken before asking: the OTP webhook may receive the code before Peruri's answer arrives here.
        const askedAt = Date.now()
        const sent = current && (await run(() => api.peruriRequestOtp(current)))
        if (sent) updateFlow({ otp: { ...sent, sentAt: askedAt } })
      },
      async sign(otp) {
        const current = order()
        const status = current && (await run(() => api.peruriSign({ ...current, otp })))
        if (!status) return false
        // A tier continues with the next signer, who needs a code of their own.
        updateFlow({ status, otp: undefined })
        return true
      },
      async refreshStatus() {
        const current = order()
        const status = current && (await run(() => api.peruriDocumentStatus(current)))
        if (status) updateFlow({ status })
      },
      async download() {
        const current = order()
        const downloaded = current && (await run(() => api.peruriDownload(current)))
        if (downloaded) updateFlow({ downloaded })
      },
      async save() {
        const docId = get().flow?.downloaded?.document.docId
        const saved = docId ? await run(() => api.saveDocument({ docId })) : undefined
        return saved?.saved ? (saved.path ?? '') : undefined
      },
      async resetFlow(shownDocId) {
        const downloaded = get().flow?.downloaded
        set({ flow: undefined, inbox: [] })
        if (downloaded && downloaded.document.docId !== shownDocId) await api.closeDocument({ docId: downloaded.document.docId })
      },

      setOnboardingEmail: (email) => set({ onboarding: { email, done: {} } }),
      async register(registration) {
        set({ onboarding: { email: registration.email, done: {} } })
        const env = get().env
        return env !== undefined && (await onboardingStep('registered', () => api.peruriRegister({ env, registration })))
      },
      activate: async () => void (await onboardingStep('activated', (env, email) => api.peruriActivate({ env, email }))),
      sendVideo: async (video) => void (await onboardingStep('video', (env, email) => api.peruriVideoVerification({ env, email, video }))),
      sendSpeciment: async (image) => void (await onboardingStep('speciment', (env, email) => api.peruriSendSpeciment({ env, email, image }))),
      async checkCertificate() {
        const { env, onboarding } = get()
        const certificate = env && (await run(() => api.peruriCheckCertificate({ env, email: onboarding.email })))
        if (certificate) set({ onboarding: { ...get().onboarding, certificate: { issued: certificate.issued, resultDesc: certificate.resultDesc } } })
      },

      armCamera: async () => (await valueOrReport(api.armCamera(), onError)) !== undefined,

      async refreshInbox(email) {
        const inbox = await valueOrReport(api.sandboxOtpInbox({ email }), onError)
        if (inbox) set({ inbox: inbox.messages })
      },

      async webView(kind, parentOrigin) {
        const { env, onboarding } = get()
        if (kind === 'activation') return env ? run(() => api.peruriWebView({ env, kind, email: onboarding.email, parentOrigin })) : undefined
        const current = order()
        return current ? run(() => api.peruriWebView({ ...current, kind, parentOrigin })) : undefined
      },
      async webViewResult(kind, result) {
        if (!result.ok) {
          onError({ code: 'PERURI_ERROR', message: `${result.resultDesc} (resultCode ${result.resultCode})`, details: { resultCode: result.resultCode, via: 'web view' } })
          return false
        }
        if (kind === 'activation') {
          set({ onboarding: { ...get().onboarding, done: { ...get().onboarding.done, activated: true } } })
          await get().checkCertificate()
          return true
        }
        const current = order()
        const status = current && (await run(() => api.peruriWebViewSigned(current)))
        if (!status) return false
        updateFlow({ status, otp: undefined })
        return true
      },

      async loadKycProfiles() {
        const listed = await valueOrReport(api.listKycProfiles(), onError)
        if (listed) set({ kycProfiles: listed.profiles })
      },
      kycPrefill: (profile, phoneNumber) => run(() => api.kycPrefillRegistration({ profile, phoneNumber })),
    }
  })
