import { z } from 'zod'

const ProfileName = z.string().min(1).max(100)
/** Access tokens are JWTs or opaque strings; a few KB at most. */
const AccessToken = z.string().trim().min(1).max(16_384)
const JsonObject = z.record(z.string(), z.unknown())

export const SNAP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
export const SNAP_SERVICE_SIGNATURES = ['symmetric', 'asymmetric'] as const
/** Where a SNAP request goes: the embedded sandbox (with the profile's partner registered), or the profile's own base URL. */
export const SNAP_TARGETS = ['sandbox', 'endpoint'] as const
export type SnapTarget = (typeof SNAP_TARGETS)[number]
/** The two SNAP requests a partner signs: the B2B token grant, and a transaction (service) call. */
export const SNAP_REQUEST_KINDS = ['access-token', 'service'] as const
export type SnapRequestKind = (typeof SNAP_REQUEST_KINDS)[number]

export const SnapProfileViewSchema = z
  .object({
    name: z.string(),
    /** "embedded" for the built-in sandbox profiles, whose sandbox starts on first use. */
    baseUrl: z.string(),
    clientId: z.string(),
    serviceSignature: z.enum(SNAP_SERVICE_SIGNATURES),
    /** A built-in profile of the embedded sandbox: it only talks to the sandbox. */
    builtIn: z.boolean(),
  })
  .strict()
export type SnapProfileView = z.infer<typeof SnapProfileViewSchema>

export const SimasProfileViewSchema = z.object({ name: z.string(), clientId: z.string(), baseUrl: z.string(), checkAzp: z.boolean(), builtIn: z.boolean() }).strict()
export type SimasProfileView = z.infer<typeof SimasProfileViewSchema>

/** A signed SNAP request as main will send it; the access token is masked and the client secret is never part of it. */
export const SnapRequestPreviewSchema = z
  .object({
    method: z.enum(SNAP_METHODS),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
    stringToSign: z.string(),
    signature: z.string(),
    endpointUrl: z.string().optional(),
    bodySha256: z.string().optional(),
    /** The bearer token is `$SNAP_ACCESS_TOKEN` in it, so it can go to the clipboard as is. */
    curl: z.string(),
  })
  .strict()
export type SnapRequestPreviewView = z.infer<typeof SnapRequestPreviewSchema>

export const SnapResponseCodeViewSchema = z
  .object({ code: z.string(), httpStatus: z.number().int(), serviceCode: z.string(), caseCode: z.string(), service: z.string().optional(), meaning: z.string() })
  .strict()
export type SnapResponseCodeView = z.infer<typeof SnapResponseCodeViewSchema>

export const SnapResponseViewSchema = z
  .object({
    httpStatus: z.number().int(),
    responseCode: SnapResponseCodeViewSchema.optional(),
    responseMessage: z.string().optional(),
    /** The answer as text (JSON pretty-printed), with any access token in it masked. */
    body: z.string(),
  })
  .strict()
export type SnapResponseView = z.infer<typeof SnapResponseViewSchema>

/** Mirrors `TOKEN_CHECKS` of the SIMAS-ID validator; a unit test keeps the two equal. */
export const SIMAS_TOKEN_CHECKS = ['format', 'algorithm', 'signature', 'issuer', 'expiry', 'not-before', 'audience', 'authorized-party'] as const

export const TokenReportViewSchema = z
  .object({
    valid: z.boolean(),
    checks: z.array(z.object({ name: z.enum(SIMAS_TOKEN_CHECKS), passed: z.boolean(), reason: z.string(), skipped: z.boolean().optional() }).strict()),
    /** Decoded for display even when the token is not valid. */
    header: JsonObject.nullable(),
    claims: JsonObject.nullable(),
  })
  .strict()
export type TokenReportView = z.infer<typeof TokenReportViewSchema>

/** What the SIMAS-ID sandbox can issue, so each failing check can be seen. */
export const SANDBOX_TOKEN_KINDS = ['valid', 'expired', 'not-yet-valid', 'wrong-audience'] as const
export type SandboxTokenKind = (typeof SANDBOX_TOKEN_KINDS)[number]

const SimasTokenRequest = z.object({ profile: ProfileName, token: AccessToken }).strict()

export const partnerChannels = {
  /** The built-in sandbox profiles and the user's own SNAP and SIMAS-ID profiles. */
  listPartnerProfiles: {
    request: z.undefined(),
    response: z
      .object({
        snap: z.array(SnapProfileViewSchema),
        simas: z.array(SimasProfileViewSchema),
        /** Where requests go by default: the sandbox while the app's environment switch says Sandbox. */
        preferredTarget: z.enum(SNAP_TARGETS),
        /** The embedded SNAP sandbox's sample transaction, to start composing from. */
        sample: z.object({ path: z.string(), body: z.string() }).strict(),
      })
      .strict(),
  },
  /**
   * Signs a SNAP request without sending it. Main keeps the exact request (real token included)
   * under `previewId`, so "send" sends what was shown. Without `accessToken`, the profile's current
   * token is used, fetched in main.
   */
  previewSnapRequest: {
    request: z
      .object({
        profile: ProfileName,
        target: z.enum(SNAP_TARGETS),
        kind: z.enum(SNAP_REQUEST_KINDS),
        serviceSignature: z.enum(SNAP_SERVICE_SIGNATURES),
        method: z.enum(SNAP_METHODS),
        path: z.string().trim().startsWith('/').max(2048),
        body: z.string().max(1_000_000),
        accessToken: AccessToken.optional(),
      })
      .strict(),
    response: z.object({ previewId: z.uuid(), preview: SnapRequestPreviewSchema }).strict(),
  },
  /** Sends a previewed request, once, exactly as previewed. */
  sendSnapRequest: { request: z.object({ previewId: z.uuid() }).strict(), response: SnapResponseViewSchema },

  /** The SIMAS-ID validator's report: one line per check, with the reason. */
  inspectSimasToken: { request: SimasTokenRequest, response: TokenReportViewSchema },
  /** Seed 002's documented fallback: ask SIMAS-ID's userinfo about the token. */
  simasUserinfo: { request: SimasTokenRequest, response: z.object({ userinfo: JsonObject }).strict() },
  /**
   * A token from the embedded SIMAS-ID sandbox for the inspector. It is a sandbox credential,
   * valid nowhere else, and the inspector is where tokens are pasted anyway.
   */
  issueSandboxSimasToken: { request: z.object({ kind: z.enum(SANDBOX_TOKEN_KINDS) }).strict(), response: z.object({ token: z.string() }).strict() },
} as const
