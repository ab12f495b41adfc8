import { randomUUID } from 'node:crypto'
import type { partnerChannels, PartnerResponseView, PartnerTarget, SandboxTokenKind, SnapRequestKind } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import type { AuditLog } from '../audit/audit-log'
import { maskSecret } from '../credentials'
import type { Clock } from '../ports/clock'
import type { HttpClient, HttpRequest } from '../ports/http-client'
import { parseProfileConfig, type ProfileProvider, type ProfileStore } from '../profiles/profile-store'
import { createMyValueClient } from '../providers/myvalue/myvalue-client'
import { myValueBaseUrls, MyValueProfileSchema, type MyValueProfile } from '../providers/myvalue/profile'
import { SimasProfileSchema } from '../providers/simas/profile'
import { createSimasService } from '../providers/simas/simas-service'
import { SnapProfileSchema, type SnapProfile } from '../providers/snap/profile'
import { parseResponseCode } from '../providers/snap/response-code'
import { createSnapClient } from '../providers/snap/snap-client'
import { MYVALUE_SANDBOX_SAMPLE } from '../sandbox/myvalue/myvalue-sandbox'
import { SANDBOX_MYVALUE_CLIENT_ID, SANDBOX_MYVALUE_PROFILE, SANDBOX_SIMAS_CLIENT_ID, SANDBOX_SIMAS_PROFILE, SANDBOX_SNAP_PARTNERS, withBuiltInSimasProfile, type SandboxHost } from '../sandbox/sandbox-host'
import { SNAP_SANDBOX_BALANCE_INQUIRY_PATH } from '../sandbox/snap/snap-sandbox'
import type { SettingsService } from '../settings/settings-service'
import type { Vault } from '../vault/vault'
import type { Handlers } from './router'

export interface PartnerHandlerDeps {
  vault: Vault
  profiles: ProfileStore
  sandboxHost: SandboxHost
  settings: SettingsService
  audit: AuditLog
  http: HttpClient
  clock: Clock
}

/** A signed request waiting to be sent exactly as it was shown; it holds the real token, so it never leaves main. */
interface PreparedRequest {
  provider: 'snap' | 'myvalue'
  profile: string
  /** SNAP only: the token grant or a service call. */
  kind?: SnapRequestKind
  request: HttpRequest
  /** Values to mask in whatever the provider answers. */
  secrets: string[]
}

/** Previews not sent yet; the oldest are dropped beyond this, so abandoned ones do not pile up. */
const MAX_PREPARED = 20

const SAMPLE_BODY = JSON.stringify({ partnerReferenceNo: '2020102900000000000001', accountNo: '7382382957893840', balanceTypes: ['Cash'] }, null, 2)

const isBuiltInSnap = (name: string) => SANDBOX_SNAP_PARTNERS.some((partner) => partner.profile === name)

/**
 * The API workbench and the token inspector. They work on the user's SNAP, MyValue and SIMAS-ID
 * profiles and on built-in profiles of the embedded sandboxes, which live in no file: the
 * workbench's own clients read profiles through a view that adds them (and, for a SNAP request,
 * the target and signature kind chosen for it) on top of `profiles.json`; the token inspector's
 * through `withBuiltInSimasProfile`, as KYC pre-fill does.
 */
export function createPartnerHandlers(deps: PartnerHandlerDeps): Pick<Handlers, keyof typeof partnerChannels> {
  const effective = new Map<string, Record<string, unknown>>()
  const effectiveKey = (provider: ProfileProvider, name: string) => `${provider}\n${name}`
  const workbenchProfiles: ProfileStore = {
    ...deps.profiles,
    get: (provider, name, schema) => {
      const config = effective.get(effectiveKey(provider, name))
      return config ? Promise.resolve(parseProfileConfig(schema, config, `${provider} profile "${name}"`)) : deps.profiles.get(provider, name, schema)
    },
  }
  const snap = createSnapClient({ vault: deps.vault, profiles: workbenchProfiles, http: deps.http, clock: deps.clock, audit: deps.audit })
  const simas = createSimasService({ profiles: withBuiltInSimasProfile(deps.profiles, deps.sandboxHost), vault: deps.vault, http: deps.http, clock: deps.clock })
  const myvalue = createMyValueClient({ vault: deps.vault, profiles: workbenchProfiles, audit: deps.audit })
  const prepared = new Map<string, PreparedRequest>()

  /** The name under which the workbench's SNAP client finds the profile as this request wants it; its token cache is per name. */
  async function snapProfileFor(profile: string, target: PartnerTarget, serviceSignature: SnapProfile['serviceSignature']): Promise<string> {
    let config: SnapProfile
    if (isBuiltInSnap(profile)) {
      if (target !== 'sandbox') throw new TekenError('PROFILE_INVALID', `"${profile}" is a built-in profile of the embedded SNAP sandbox; it has no other endpoint.`)
      config = (await deps.sandboxHost.snap()).profiles.find((builtIn) => builtIn.name === profile)!.config
    } else {
      config = await deps.profiles.get('snap', profile, SnapProfileSchema)
      if (target === 'sandbox') {
        // The sandbox plays the provider for this partner: it learns the partner's public key and client secret, as at onboarding.
        const { sandbox } = await deps.sandboxHost.snap()
        sandbox.registerPartner(await snap.sandboxRegistration(profile))
        config = { ...config, baseUrl: sandbox.url }
      }
    }
    const name = `${profile} (${target}, ${serviceSignature})`
    effective.set(effectiveKey('snap', name), { ...config, serviceSignature })
    return name
  }

  /** The MyValue profile as this request wants it, and the External API base it goes to. */
  async function myValueTarget(profile: string, target: PartnerTarget): Promise<{ name: string; baseUrl: string }> {
    if (profile === SANDBOX_MYVALUE_PROFILE) {
      if (target !== 'sandbox') throw new TekenError('PROFILE_INVALID', `"${profile}" is the built-in profile of the embedded MyValue sandbox; it has no other endpoint.`)
      const { config } = (await deps.sandboxHost.myvalue()).profile
      effective.set(effectiveKey('myvalue', profile), config)
      return { name: profile, baseUrl: myValueBaseUrls(config).externalApiBaseUrl }
    }
    const config = await deps.profiles.get('myvalue', profile, MyValueProfileSchema)
    if (target === 'endpoint') return { name: profile, baseUrl: myValueBaseUrls(config).externalApiBaseUrl }
    // The sandbox plays MyValue for this partner: it learns the client id and secret, as at onboarding.
    const { sandbox } = await deps.sandboxHost.myvalue()
    sandbox.registerPartner(await myvalue.sandboxRegistration(profile))
    return { name: profile, baseUrl: sandbox.url }
  }

  function keep(request: PreparedRequest): string {
    const id = randomUUID()
    prepared.set(id, request)
    for (const oldest of prepared.keys()) {
      if (prepared.size <= MAX_PREPARED) break
      prepared.delete(oldest)
    }
    return id
  }

  return {
    listPartnerProfiles: async () => {
      const snapProfiles = (await deps.profiles.list('snap')).flatMap(({ name, config }) => {
        const parsed = SnapProfileSchema.safeParse(config)
        return parsed.success && !isBuiltInSnap(name) ? [{ name, baseUrl: parsed.data.baseUrl, clientId: parsed.data.clientId, serviceSignature: parsed.data.serviceSignature, builtIn: false }] : []
      })
      const simasProfiles = (await deps.profiles.list('simas')).flatMap(({ name, config }) => {
        const parsed = SimasProfileSchema.safeParse(config)
        return parsed.success && name !== SANDBOX_SIMAS_PROFILE ? [{ name, clientId: parsed.data.clientId, baseUrl: parsed.data.baseUrl, checkAzp: parsed.data.checkAzp, builtIn: false }] : []
      })
      const myValueProfiles = (await deps.profiles.list('myvalue')).flatMap(({ name, config }) => {
        const parsed = MyValueProfileSchema.safeParse(config)
        return parsed.success && name !== SANDBOX_MYVALUE_PROFILE ? [myValueProfileView(name, parsed.data)] : []
      })
      return {
        snap: [...SANDBOX_SNAP_PARTNERS.map((partner) => ({ name: partner.profile, baseUrl: 'embedded', clientId: partner.clientId, serviceSignature: 'symmetric' as const, builtIn: true })), ...snapProfiles],
        simas: [{ name: SANDBOX_SIMAS_PROFILE, clientId: SANDBOX_SIMAS_CLIENT_ID, baseUrl: 'embedded', checkAzp: true, builtIn: true }, ...simasProfiles],
        preferredTarget: (await deps.settings.get()).environment === 'sandbox' ? 'sandbox' : 'endpoint',
        myvalue: [{ name: SANDBOX_MYVALUE_PROFILE, baseUrl: 'embedded', clientId: SANDBOX_MYVALUE_CLIENT_ID, signatureAlgorithm: 'hmac-sha256' as const, builtIn: true }, ...myValueProfiles],
        samples: { snap: { path: SNAP_SANDBOX_BALANCE_INQUIRY_PATH, body: SAMPLE_BODY }, myvalue: MYVALUE_SANDBOX_SAMPLE },
      }
    },

    previewSnapRequest: async ({ profile, target, kind, serviceSignature, method, path, body, accessToken }) => {
      const name = await snapProfileFor(profile, target, serviceSignature)
      if (kind === 'access-token') {
        // Nothing secret in it: X-SIGNATURE is an RSA signature, and the private key stays in main.
        const preview = await snap.previewAccessTokenRequest(name)
        const request: HttpRequest = { method: preview.method, url: preview.url, headers: preview.headers, body: preview.body }
        return { previewId: keep({ provider: 'snap', profile, kind, request, secrets: [] }), preview }
      }
      const token = accessToken ?? (await snap.getAccessToken(name)).accessToken
      const preview = await snap.previewServiceRequest(name, { method, path, body, accessToken: token })
      // The preview masks the bearer token; the request that goes out carries the real one.
      const request: HttpRequest = { method: preview.method, url: preview.url, headers: { ...preview.headers, Authorization: `Bearer ${token}` }, ...(preview.body ? { body: preview.body } : {}) }
      return { previewId: keep({ provider: 'snap', profile, kind, request, secrets: [token] }), preview }
    },

    previewMyValueRequest: async ({ profile, target, method, path, body }) => {
      const { name, baseUrl } = await myValueTarget(profile, target)
      const { request, preview } = await myvalue.signRequest(name, { method, path, body }, { baseUrl })
      // Nothing secret in it: the signature is an HMAC of the body, and the client secret stays in main.
      return { previewId: keep({ provider: 'myvalue', profile, request, secrets: [] }), preview }
    },

    sendSignedRequest: async ({ previewId }) => {
      const sending = prepared.get(previewId)
      // Once only: X-EXTERNAL-ID must not repeat, and a signed request should not be replayed by accident.
      if (!sending) throw new TekenError('INVALID_REQUEST', 'This signed request was already sent or is no longer kept; sign it again.')
      prepared.delete(previewId)
      const response = await deps.http.send(sending.request)
      const view = partnerResponseView(sending.provider, response.status, response.body.toString('utf8'), sending.secrets)
      const url = new URL(sending.request.url)
      await deps.audit.append({
        action: `${sending.provider}.request-sent`,
        subject: sending.profile,
        details: { via: 'workbench', ...(sending.kind ? { kind: sending.kind } : {}), host: url.host, method: sending.request.method, path: url.pathname, httpStatus: String(view.httpStatus), ...(view.responseCode ? { responseCode: view.responseCode.code } : {}) },
      })
      return view
    },

    inspectSimasToken: async ({ profile, token }) => {
      const report = await simas.validateToken(profile, token)
      return { valid: report.valid, checks: report.checks, header: report.header ? { ...report.header } : null, claims: report.claims ? { ...report.claims } : null }
    },

    simasUserinfo: async ({ profile, token }) => ({ userinfo: await simas.userinfo(profile, token) }),

    issueSandboxSimasToken: async ({ kind }) => {
      const { sandbox, profile } = await deps.sandboxHost.simas()
      return { token: await sandbox.issueToken(sandboxTokenOptions(kind, profile.config.clientId)) }
    },
  }
}

/** A token for each claim check the inspector should be able to fail; "siminvest" stands for another business unit. */
function sandboxTokenOptions(kind: SandboxTokenKind, clientId: string) {
  switch (kind) {
    case 'valid':
      return { azp: clientId, aud: [clientId] }
    case 'expired':
      return { azp: clientId, aud: [clientId], expiresInSeconds: -600 }
    case 'not-yet-valid':
      return { azp: clientId, aud: [clientId], notBeforeInSeconds: 600 }
    case 'wrong-audience':
      return { azp: 'siminvest', aud: ['siminvest'] }
  }
}

const myValueProfileView = (name: string, profile: MyValueProfile) => ({ name, baseUrl: myValueBaseUrls(profile).externalApiBaseUrl, clientId: profile.clientId, signatureAlgorithm: profile.signatureAlgorithm, builtIn: false })

/**
 * The provider's answer for display: SNAP's response code decoded where there is one, the body
 * pretty-printed, and every access token in it masked (the one sent and, for a token grant, the
 * one issued), so no bearer token reaches the renderer. MyValue's answers have no documented
 * envelope (seed 004), so only SNAP's are decoded.
 */
function partnerResponseView(provider: PreparedRequest['provider'], httpStatus: number, text: string, sentSecrets: string[]): PartnerResponseView {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  const fields = (typeof json === 'object' && json !== null ? json : {}) as { responseCode?: unknown; responseMessage?: unknown; accessToken?: unknown }
  const responseMessage = provider === 'snap' && typeof fields.responseMessage === 'string' ? fields.responseMessage : undefined
  const parsed = provider === 'snap' && typeof fields.responseCode === 'string' ? parseResponseCode(fields.responseCode, responseMessage) : undefined
  const secrets = [...sentSecrets, ...(typeof fields.accessToken === 'string' && fields.accessToken ? [fields.accessToken] : [])]
  const shown = json === undefined ? text : JSON.stringify(json, null, 2)
  return {
    httpStatus,
    ...(parsed
      ? { responseCode: { code: parsed.code, httpStatus: parsed.httpStatus, serviceCode: parsed.serviceCode, caseCode: parsed.caseCode, ...(parsed.service ? { service: parsed.service } : {}), meaning: parsed.meaning } }
      : {}),
    ...(responseMessage !== undefined ? { responseMessage } : {}),
    body: secrets.reduce((masked, secret) => masked.split(secret).join(maskSecret(secret)), shown),
  }
}
