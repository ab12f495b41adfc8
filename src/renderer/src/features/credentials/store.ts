import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { DecryptedCredentialsView, VaultItemSummary } from '../../../../shared/contract'
import { valueOrReport, type ReportError } from '../../lib/ipc'

export interface CredentialsState {
  result?: DecryptedCredentialsView
  busy: boolean
  decrypt(request: Parameters<TekenApi['decryptCredentials']>[0]): Promise<void>
  copy(field: string): Promise<number | undefined>
  reveal(field: string): Promise<void>
  save(name: string, tags: string[]): Promise<VaultItemSummary | undefined>
  discard(): Promise<void>
}

/** Holds only the session handle and masked fields; the decrypted values stay in main. */
export const createCredentialsStore = (api: TekenApi, onError: ReportError, onVaultChanged: () => Promise<void>) =>
  create<CredentialsState>()((set, get) => {
    const sessionId = () => get().result?.sessionId ?? ''
    return {
      busy: false,
      async decrypt(request) {
        await get().discard()
        set({ busy: true })
        const result = await valueOrReport(api.decryptCredentials(request), onError)
        set({ busy: false, result })
      },
      async copy(field) {
        return (await valueOrReport(api.copyCredentialField({ sessionId: sessionId(), field }), onError))?.clearsAfterSeconds
      },
      async reveal(field) {
        await valueOrReport(api.revealCredentialField({ sessionId: sessionId(), field }), onError)
      },
      async save(name, tags) {
        const item = await valueOrReport(api.saveCredentialProfile({ sessionId: sessionId(), name, tags }), onError)
        if (item) {
          set({ result: undefined })
          await onVaultChanged()
        }
        return item
      },
      async discard() {
        const current = get().result
        if (!current) return
        set({ result: undefined })
        await api.discardCredentials({ sessionId: current.sessionId })
      },
    }
  })
