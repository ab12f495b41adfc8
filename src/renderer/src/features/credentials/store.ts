import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { DecryptedCredentialsView, VaultItemSummary } from '../../../../shared/contract'
import type { IpcError } from '../../../../shared/errors'

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
export const createCredentialsStore = (api: TekenApi, onError: (error: IpcError) => void, onVaultChanged: () => Promise<void>) =>
  create<CredentialsState>()((set, get) => {
    const sessionId = () => get().result?.sessionId ?? ''
    return {
      busy: false,
      async decrypt(request) {
        await get().discard()
        set({ busy: true })
        const result = await api.decryptCredentials(request)
        set({ busy: false })
        if (result.ok) set({ result: result.value })
        else onError(result.error)
      },
      async copy(field) {
        const result = await api.copyCredentialField({ sessionId: sessionId(), field })
        if (result.ok) return result.value.clearsAfterSeconds
        onError(result.error)
        return undefined
      },
      async reveal(field) {
        const result = await api.revealCredentialField({ sessionId: sessionId(), field })
        if (!result.ok) onError(result.error)
      },
      async save(name, tags) {
        const result = await api.saveCredentialProfile({ sessionId: sessionId(), name, tags })
        if (!result.ok) {
          onError(result.error)
          return undefined
        }
        set({ result: undefined })
        await onVaultChanged()
        return result.value
      },
      async discard() {
        const current = get().result
        if (!current) return
        set({ result: undefined })
        await api.discardCredentials({ sessionId: current.sessionId })
      },
    }
  })
