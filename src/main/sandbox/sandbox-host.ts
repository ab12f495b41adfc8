import { createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { join } from 'node:path'
import { TekenError } from '../../shared/errors'
import { generateRsaKey } from '../keys'
import type { Clock } from '../ports/clock'
import { parseProfileConfig, type ProfileStore } from '../profiles/profile-store'
import { MyValueProfileSchema, type MyValueProfile } from '../providers/myvalue/profile'
import { SANDBOX_API_KEY_ITEM, SANDBOX_SYSTEM_ID } from '../providers/peruri/environments'
import { asBasicCredentials, type BasicCredentials } from '../providers/simas/basic-auth'
import type { SimasProfile } from '../providers/simas/profile'
import { SNAP_PRESETS, SnapProfileSchema, type SnapProfile } from '../providers/snap/profile'
import type { Vault } from '../vault/vault'
import { startMyValueSandbox, type MyValueSandbox } from './myvalue/myvalue-sandbox'
import { startPeruriSandbox, type PeruriSandbox, type PeruriSandboxOptions } from './peruri/peruri-sandbox'
import { SIMAS_SANDBOX_DEFAULTS, startSimasSandbox, type SimasSandbox, type SimasSandboxKycSeed } from './simas/simas-sandbox'
import { startSnapSandbox, type SnapSandbox } from './snap/snap-sandbox'

/** The partners the embedded SNAP sandbox knows from the start, each a built-in SNAP profile of the same name. */
export const SANDBOX_SNAP_PARTNERS = [
  { profile: 'Ifortepay sandbox', clientId: 'IFP-SANDBOX-MERCHANT', channelId: '95221', tokenPath: SNAP_PRESETS['ifortepay-payment-stage'].tokenPath },
  { profile: 'OVO sandbox', clientId: 'OVO-SANDBOX-PARTNER', channelId: '95221', tokenPath: SNAP_PRESETS.ovo.tokenPath },
] as const

export const SANDBOX_SIMAS_PROFILE = 'SIMAS-ID sandbox'
/** The sandbox's first client (seed 002 names nanovest); its secret is generated into the vault. */
export const SANDBOX_SIMAS_CLIENT_ID = SIMAS_SANDBOX_DEFAULTS.clients[0]!.clientId

export const SANDBOX_MYVALUE_PROFILE = 'MyValue sandbox'
export const SANDBOX_MYVALUE_CLIENT_ID = 'MYVALUE-SANDBOX-PARTNER'
export const SANDBOX_MYVALUE_SECRET_ITEM = `${SANDBOX_MYVALUE_PROFILE} client secret`

export const sandboxSnapKeyItem = (profile: string) => `${profile} key`
export const sandboxSnapSecretItem = (profile: string) => `${profile} client secret`
export const SANDBOX_SIMAS_SECRET_ITEM = `${SANDBOX_SIMAS_PROFILE} client secret`
/** The Basic-auth pair (KYC ClientID / ClientSecret) of the built-in SIMAS-ID profile's common-KYC, generated on first use. */
export const SANDBOX_SIMAS_KYC_ITEM = `${SANDBOX_SIMAS_PROFILE} KYC login`

/**
 * The common-KYC record the SIMAS-ID sandbox starts with (seed 002's fields): someone the business
 * unit has approved but Peruri's sandbox has not registered yet, so the pre-filled registration
 * can be finished. Her NIK encodes her birth date as women's do (day + 40, then month and year).
 */
export const SANDBOX_KYC_PERSON = {
  clientId: SANDBOX_SIMAS_CLIENT_ID,
  phoneNumber: '6281200000003',
  fullName: 'Rina Wulandari',
  nik: '3171015708930003',
  dateOfBirth: '1993-08-17',
  email: 'rina.wulandari@sandbox.teken.id',
} as const satisfies SimasSandboxKycSeed
/** The sandbox person's number as people type it (`0812…`): the one to try with the built-in profile. */
export const SANDBOX_KYC_PHONE = `0${SANDBOX_KYC_PERSON.phoneNumber.slice(2)}`

export interface BuiltInProfile<Config> {
  name: string
  config: Config
}

/**
 * The embedded simulators of the Sandbox environment, each started in-process on first use (a random
 * loopback port; SIMAS-ID's comes back to the port it last used). Peruri, SNAP and SIMAS-ID keep
 * their state in the data folder's `sandbox/peruri/`, `sandbox/snap/` (issued access tokens) and
 * `sandbox/simas/` (realm keys, common-KYC records), so tokens and records outlive an app restart;
 * MyValue's has none beyond its partner. Their keys and secrets are real vault items, generated on first
 * use, so the sandboxes exercise the same credential path as production.
 */
export function createSandboxHost(options: { dataDir: string; clock: Clock; vault: Vault; otpWebhook?: () => PeruriSandboxOptions['otpWebhook'] }) {
  const { vault } = options
  const stateDir = (provider: 'peruri' | 'snap' | 'simas') => join(options.dataDir, 'sandbox', provider)
  let peruri: Promise<{ sandbox: PeruriSandbox; apiKey: string }> | undefined
  let snap: Promise<{ sandbox: SnapSandbox; profiles: BuiltInProfile<SnapProfile>[] }> | undefined
  let simas: Promise<{ sandbox: SimasSandbox; profile: BuiltInProfile<SimasProfile> }> | undefined
  let myvalue: Promise<{ sandbox: MyValueSandbox; profile: BuiltInProfile<MyValueProfile> }> | undefined

  /** The vault item's value, made with `create` and stored the first time it is asked for. */
  async function vaultValue(name: string, tags: string[], type: 'api-key' | 'client-secret', create: () => string): Promise<string> {
    const { item, secret } = await vault.secretOnFirstUse({ name, tags, fresh: () => ({ type, value: create() }) })
    if (secret.kind !== 'value') throw new TekenError('VAULT_ITEM_NOT_FOUND', `"${item.name}" is not a single secret value, which the embedded sandbox needs under that name.`, { ref: name })
    return secret.value
  }

  /** The vault item's Basic-auth pair, made with `create` and stored the first time it is asked for. */
  async function vaultBasicAuth(name: string, tags: string[], create: () => BasicCredentials): Promise<BasicCredentials> {
    return asBasicCredentials(await vault.secretOnFirstUse({ name, tags, fresh: () => ({ type: 'basic-auth', ...create() }) }), name)
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
    const sandbox = await startSnapSandbox({ clock: options.clock, stateDir: stateDir('snap') })
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
    const kycLogin = await vaultBasicAuth(SANDBOX_SIMAS_KYC_ITEM, ['simas', 'sandbox'], () => ({ username: `${SANDBOX_SIMAS_CLIENT_ID}-kyc`, password: randomBytes(24).toString('base64url') }))
    const sandbox = await startSimasSandbox({
      clock: options.clock,
      clients: [{ clientId: SANDBOX_SIMAS_CLIENT_ID, clientSecret }],
      kycCredentials: [kycLogin],
      stateDir: stateDir('simas'),
      kycSeed: [SANDBOX_KYC_PERSON],
    })
    const profile: SimasProfile = { baseUrl: sandbox.baseUrl, realm: sandbox.realm, clientId: SANDBOX_SIMAS_CLIENT_ID, checkAzp: true, apiBaseUrl: sandbox.baseUrl, kycCredentialsRef: SANDBOX_SIMAS_KYC_ITEM }
    return { sandbox, profile: { name: SANDBOX_SIMAS_PROFILE, config: profile } }
  }

  async function startMyValue() {
    const clientSecret = await vaultValue(SANDBOX_MYVALUE_SECRET_ITEM, ['myvalue', 'sandbox'], 'client-secret', () => randomBytes(32).toString('base64url'))
    const sandbox = await startMyValueSandbox({ clock: options.clock })
    sandbox.registerPartner({ clientId: SANDBOX_MYVALUE_CLIENT_ID, clientSecret })
    const config = MyValueProfileSchema.parse({
      externalApiBaseUrl: sandbox.url,
      ssoBaseUrl: sandbox.url,
      clientId: SANDBOX_MYVALUE_CLIENT_ID,
      clientSecretRef: SANDBOX_MYVALUE_SECRET_ITEM,
      // Registered with the sandbox only; nothing listens there.
      redirectUrl: `${sandbox.url}/callback`,
    })
    return { sandbox, profile: { name: SANDBOX_MYVALUE_PROFILE, config } }
  }

  return {
    /** Where the embedded sandbox of `provider` keeps its state (`sandbox/<provider>/` of the data folder). */
    stateDir,
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
    /** The running embedded MyValue External API and the built-in profile of the partner it knows. */
    myvalue(): Promise<{ sandbox: MyValueSandbox; profile: BuiltInProfile<MyValueProfile> }> {
      myvalue = startOnce(myvalue, startMyValue, () => (myvalue = undefined))
      return myvalue
    },
    async close(): Promise<void> {
      const running = [peruri, snap, simas, myvalue]
      peruri = snap = simas = myvalue = undefined
      // A sandbox that failed to start has nothing to close.
      const started = await Promise.allSettled(running.map((entry) => entry?.then(({ sandbox }) => sandbox)))
      await Promise.all(started.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value?.close() : undefined)))
    },
  }
}

/**
 * `profiles` with the built-in "SIMAS-ID sandbox" profile on top: asking for it starts the embedded
 * SIMAS-ID sandbox and answers its profile (a stored profile of that name is hidden); every other
 * profile comes from `profiles`.
 */
export function withBuiltInSimasProfile(profiles: ProfileStore, host: Pick<SandboxHost, 'simas'>): ProfileStore {
  return {
    ...profiles,
    get: async (provider, name, schema) =>
      provider === 'simas' && name === SANDBOX_SIMAS_PROFILE ? parseProfileConfig(schema, (await host.simas()).profile.config, `${provider} profile "${name}"`) : profiles.get(provider, name, schema),
  }
}

const publicPem = (privateKey: KeyObject) => createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()

export type SandboxHost = ReturnType<typeof createSandboxHost>
