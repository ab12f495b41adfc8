import { createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { join } from 'node:path'
import { TekenError } from '../../shared/errors'
import { generateRsaKey } from '../keys'
import type { Clock } from '../ports/clock'
import { SANDBOX_API_KEY_ITEM, SANDBOX_SYSTEM_ID } from '../providers/peruri/environments'
import type { SimasProfile } from '../providers/simas/profile'
import { SNAP_PRESETS, SnapProfileSchema, type SnapProfile } from '../providers/snap/profile'
import type { Vault } from '../vault/vault'
import { startPeruriSandbox, type PeruriSandbox, type PeruriSandboxOptions } from './peruri/peruri-sandbox'
import { SIMAS_SANDBOX_DEFAULTS, startSimasSandbox, type SimasSandbox } from './simas/simas-sandbox'
import { startSnapSandbox, type SnapSandbox } from './snap/snap-sandbox'

/** The partners the embedded SNAP sandbox knows from the start, each a built-in SNAP profile of the same name. */
export const SANDBOX_SNAP_PARTNERS = [
  { profile: 'Ifortepay sandbox', clientId: 'IFP-SANDBOX-MERCHANT', channelId: '95221', tokenPath: SNAP_PRESETS['ifortepay-payment-stage'].tokenPath },
  { profile: 'OVO sandbox', clientId: 'OVO-SANDBOX-PARTNER', channelId: '95221', tokenPath: SNAP_PRESETS.ovo.tokenPath },
] as const

export const SANDBOX_SIMAS_PROFILE = 'SIMAS-ID sandbox'
/** The sandbox's first client (seed 002 names nanovest); its secret is generated into the vault. */
export const SANDBOX_SIMAS_CLIENT_ID = SIMAS_SANDBOX_DEFAULTS.clients[0]!.clientId

export const sandboxSnapKeyItem = (profile: string) => `${profile} key`
export const sandboxSnapSecretItem = (profile: string) => `${profile} client secret`
export const SANDBOX_SIMAS_SECRET_ITEM = `${SANDBOX_SIMAS_PROFILE} client secret`

export interface BuiltInProfile<Config> {
  name: string
  config: Config
}

/**
 * The embedded simulators of the Sandbox environment, each started in-process on first use (a random
 * loopback port). Peruri keeps its state in the data folder's `sandbox/peruri/`; the SNAP and SIMAS-ID
 * sandboxes keep theirs in memory. Their keys and secrets are real vault items, generated on first
 * use, so the sandboxes exercise the same credential path as production.
 */
export function createSandboxHost(options: { dataDir: string; clock: Clock; vault: Vault; otpWebhook?: () => PeruriSandboxOptions['otpWebhook'] }) {
  const { vault } = options
  let peruri: Promise<{ sandbox: PeruriSandbox; apiKey: string }> | undefined
  let snap: Promise<{ sandbox: SnapSandbox; profiles: BuiltInProfile<SnapProfile>[] }> | undefined
  let simas: Promise<{ sandbox: SimasSandbox; profile: BuiltInProfile<SimasProfile> }> | undefined

  /** The vault item's value, made with `create` and stored the first time it is asked for. */
  async function vaultValue(name: string, tags: string[], type: 'api-key' | 'client-secret', create: () => string): Promise<string> {
    try {
      const { secret } = await vault.secret(name)
      if (secret.kind === 'value') return secret.value
    } catch (error) {
      // Not created yet: the first start makes one. Anything else (no keychain) is the user's to see.
      if (!(error instanceof TekenError && error.code === 'VAULT_ITEM_NOT_FOUND')) throw error
    }
    const value = create()
    await vault.addSecret({ name, tags, secret: { type, value } })
    return value
  }

  async function vaultKey(name: string, tags: string[]): Promise<void> {
    try {
      await vault.privateKey(name)
    } catch (error) {
      if (!(error instanceof TekenError && error.code === 'VAULT_ITEM_NOT_FOUND')) throw error
      await vault.addPrivateKey({ name, tags, key: generateRsaKey(2048), source: 'generated' })
    }
  }

  /** Starts once; a failed start is forgotten so that the next call tries again. */
  function startOnce<T>(current: Promise<T> | undefined, start: () => Promise<T>, forget: () => void): Promise<T> {
    return (
      current ??
      start().catch((error: unknown) => {
        forget()
        throw error
      })
    )
  }

  async function startSnap() {
    const sandbox = await startSnapSandbox({ clock: options.clock })
    try {
      const profiles: BuiltInProfile<SnapProfile>[] = []
      // One partner after the other: each adds vault items, and the vault writes one change at a time anyway.
      for (const partner of SANDBOX_SNAP_PARTNERS) {
        const tags = ['snap', 'sandbox']
        await vaultKey(sandboxSnapKeyItem(partner.profile), tags)
        const clientSecret = await vaultValue(sandboxSnapSecretItem(partner.profile), tags, 'client-secret', () => randomBytes(32).toString('base64url'))
        const config = SnapProfileSchema.parse({
          baseUrl: sandbox.url,
          tokenPath: partner.tokenPath,
          clientId: partner.clientId,
          privateKeyRef: sandboxSnapKeyItem(partner.profile),
          clientSecretRef: sandboxSnapSecretItem(partner.profile),
          partnerId: partner.clientId,
          channelId: partner.channelId,
        })
        const { key } = await vault.privateKey(config.privateKeyRef)
        sandbox.registerPartner({ clientId: config.clientId, publicKeyPem: publicPem(key), clientSecret, partnerId: partner.clientId })
        profiles.push({ name: partner.profile, config })
      }
      return { sandbox, profiles }
    } catch (error) {
      await sandbox.close()
      throw error
    }
  }

  async function startSimas() {
    const clientSecret = await vaultValue(SANDBOX_SIMAS_SECRET_ITEM, ['simas', 'sandbox'], 'client-secret', () => randomBytes(32).toString('base64url'))
    const sandbox = await startSimasSandbox({ clock: options.clock, clients: [{ clientId: SANDBOX_SIMAS_CLIENT_ID, clientSecret }] })
    const profile: SimasProfile = { baseUrl: sandbox.baseUrl, realm: sandbox.realm, clientId: SANDBOX_SIMAS_CLIENT_ID, checkAzp: true, apiBaseUrl: sandbox.baseUrl }
    return { sandbox, profile: { name: SANDBOX_SIMAS_PROFILE, config: profile } }
  }

  return {
    stateDir: (provider: 'peruri') => join(options.dataDir, 'sandbox', provider),
    /** The running embedded Peruri sandbox and the API key it accepts. */
    peruri(): Promise<{ sandbox: PeruriSandbox; apiKey: string }> {
      peruri = startOnce(
        peruri,
        async () => {
          const apiKey = await vaultValue(SANDBOX_API_KEY_ITEM, ['peruri', 'sandbox'], 'api-key', randomUUID)
          const sandbox = await startPeruriSandbox({
            stateDir: join(options.dataDir, 'sandbox', 'peruri'),
            clock: options.clock,
            systems: [{ apiKey, systemId: SANDBOX_SYSTEM_ID }],
            // Read at every OTP, so the app's webhook counts whether it started before or after the sandbox.
            get otpWebhook() {
              return options.otpWebhook?.()
            },
          })
          return { sandbox, apiKey }
        },
        () => (peruri = undefined),
      )
      return peruri
    },
    /** The running embedded SNAP sandbox and the built-in profiles of the partners it has registered. */
    snap(): Promise<{ sandbox: SnapSandbox; profiles: BuiltInProfile<SnapProfile>[] }> {
      snap = startOnce(snap, startSnap, () => (snap = undefined))
      return snap
    },
    /** The running embedded SIMAS-ID sandbox and the built-in profile that validates its tokens. */
    simas(): Promise<{ sandbox: SimasSandbox; profile: BuiltInProfile<SimasProfile> }> {
      simas = startOnce(simas, startSimas, () => (simas = undefined))
      return simas
    },
    async close(): Promise<void> {
      const running = [peruri, snap, simas]
      peruri = snap = simas = undefined
      // A sandbox that failed to start has nothing to close.
      const started = await Promise.allSettled(running.map((entry) => entry?.then(({ sandbox }) => sandbox)))
      await Promise.all(started.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value?.close() : undefined)))
    },
  }
}

const publicPem = (privateKey: KeyObject) => createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()

export type SandboxHost = ReturnType<typeof createSandboxHost>
