import { create } from 'zustand'
import type { TekenApi } from '../../../../shared/api'
import type { VaultItemSummary, VaultSecretField, VaultStatus } from '../../../../shared/contract'
import type { IpcResult } from '../../../../shared/errors'
import { valueOrReport, type ReportError } from '../../lib/ipc'

type PublicKeyFormat = 'spki-pem' | 'pkcs1-pem' | 'spki-der' | 'pkcs1-der'

export interface VaultState {
  status?: VaultStatus
  items: VaultItemSummary[]
  refresh(): Promise<void>
  generate(request: { name: string; bits: 2048 | 4096; tags: string[] }): Promise<VaultItemSummary | undefined>
  importKey(request: Parameters<TekenApi['importKey']>[0]): Promise<{ item: VaultItemSummary; formatFound: string } | undefined>
  addSecret(request: Parameters<TekenApi['addSecret']>[0]): Promise<VaultItemSummary | undefined>
  remove(id: string): Promise<boolean>
  publicKey(id: string, format: PublicKeyFormat): Promise<{ fileName: string; text?: string; fingerprint: string } | undefined>
  savePublicKey(id: string, format: PublicKeyFormat): Promise<string | undefined>
  savePrivateKey(id: string, format: 'pkcs8-encrypted' | 'pkcs12', passphrase: string): Promise<string | undefined>
  /** Main copies a secret value (or one half of a Basic-auth pair) to the clipboard; resolves with the seconds until it is cleared. */
  copySecret(id: string, field?: VaultSecretField): Promise<number | undefined>
  /** Main shows a secret value in a window it owns; the value never reaches this page. */
  revealSecret(id: string, field?: VaultSecretField): Promise<boolean>
  saveBackup(passphrase: string): Promise<string | undefined>
  importBackup(file: { base64: string }, passphrase: string): Promise<VaultItemSummary[] | undefined>
  reset(): Promise<boolean>
}

/**
 * The vault as the renderer knows it: summaries and handles. Every action returns undefined/false
 * after reporting its error, so screens only handle the success path.
 */
export const createVaultStore = (api: TekenApi, onError: ReportError) =>
  create<VaultState>()((set, get) => {
    /** A call whose success may have changed the vault refreshes the list. */
    async function run<T>(call: Promise<IpcResult<T>>, refresh = false): Promise<T | undefined> {
      const value = await valueOrReport(call, onError)
      if (value !== undefined && refresh) await get().refresh()
      return value
    }
    const savedPath = (saved?: { saved: boolean; path?: string }) => (saved?.saved ? (saved.path ?? '') : undefined)

    return {
      items: [],
      async refresh() {
        const status = await run(api.getVaultStatus())
        if (!status) return
        const items = status.state === 'ready' || status.state === 'empty' ? await run(api.listVaultItems()) : []
        set({ status, items: items ?? [] })
      },
      generate: (request) => run(api.generateKey(request), true),
      importKey: (request) => run(api.importKey(request), true),
      addSecret: (request) => run(api.addSecret(request), true),
      remove: async (id) => (await run(api.deleteVaultItem({ id }), true)) !== undefined,
      publicKey: (id, format) => run(api.exportPublicKey({ id, format })),
      savePublicKey: async (id, format) => savedPath(await run(api.savePublicKey({ id, format }))),
      savePrivateKey: async (id, format, passphrase) => savedPath(await run(api.savePrivateKey({ id, format, passphrase }))),
      copySecret: async (id, field) => (await run(api.copyVaultSecret({ id, ...(field ? { field } : {}) })))?.clearsAfterSeconds,
      revealSecret: async (id, field) => (await run(api.revealVaultSecret({ id, ...(field ? { field } : {}) }))) !== undefined,
      saveBackup: async (passphrase) => savedPath(await run(api.saveVaultBackup({ passphrase }))),
      importBackup: async (file, passphrase) => (await run(api.importVaultBackup({ base64: file.base64, passphrase }), true))?.imported,
      reset: async () => (await run(api.resetVault({ confirm: 'RESET' }), true)) !== undefined,
    }
  })
