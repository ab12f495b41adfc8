import { z } from 'zod'

const ProfileName = z.string().min(1).max(100)
/** Access tokens are JWTs or opaque strings; a few KB at most. */
const AccessToken = z.string().trim().min(1).max(16_384)
const JsonObject = z.record(z.string(), z.unknown())

export const REQUEST_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
export type RequestMethod = (typeof REQUEST_METHODS)[number]
export const SNAP_SERVICE_SIGNATURES = ['symmetric', 'asymmetric'] as const
/** Where a partner request goes: the embedded sandbox (with the profile's partner registered), or the profile's own base URL. */
export const PARTNER_TARGETS = ['sandbox', 'endpoint'] as const
export type PartnerTarget = (typeof PARTNER_TARGETS)[number]
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

export const MYVALUE_SIGNATURE_ALGORITHMS = ['hmac-sha256', 'sha256-plain'] as const

export const MyValueProfileViewSchema = z
  .object({
    name: z.string(),
    /** The External API base the profile's environment (or override) names; "embedded" for the built-in profile. */
    baseUrl: z.string(),
    clientId: z.string(),
    signatureAlgorithm: z.enum(MYVALUE_SIGNATURE_ALGORITHMS),
    builtIn: z.boolean(),
  })
  .strict()
export type MyValueProfileView = z.infer<typeof MyValueProfileViewSchema>

const RequestSample = z.object({ path: z.string(), body: z.string() }).strict()
const RequestPath = z.string().trim().startsWith('/').max(2048)
const RequestBody = z.string().max(1_000_000)

/** A signed partner request as main will send it; an access token is masked and a client secret is never part of it. */
export const SignedRequestPreviewSchema = z
  .object({
    method: z.enum(REQUEST_METHODS),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
    stringToSign: z.string(),
    signature: z.string(),
    endpointUrl: z.string().optional(),
    bodySha256: z.string().optional(),
    /** The bearer token is `$SNAP_ACCESS_TOKEN` in it, so it can go to the clipboard as is. */
    curl: z.string(),
    /** MyValue: how the payload signature was made (seed 004 does not say; the UI states Teken's assumption). */
    signatureAlgorithm: z.enum(MYVALUE_SIGNATURE_ALGORITHMS).optional(),
  })
  .strict()
export type SignedRequestPreviewView = z.infer<typeof SignedRequestPreviewSchema>
/** A signed request main keeps, to be sent once by its id. */
const SignedRequestSchema = z.object({ previewId: z.uuid(), preview: SignedRequestPreviewSchema }).strict()

export const SnapResponseCodeViewSchema = z
  .object({ code: z.string(), httpStatus: z.number().int(), serviceCode: z.string(), caseCode: z.string(), service: z.string().optional(), meaning: z.string() })
  .strict()
export type SnapResponseCodeView = z.infer<typeof SnapResponseCodeViewSchema>

export const PartnerResponseViewSchema = z
  .object({
    httpStatus: z.number().int(),
    responseCode: SnapResponseCodeViewSchema.optional(),
    responseMessage: z.string().optional(),
    /** The answer as text (JSON pretty-printed), with any access token in it masked. */
    body: z.string(),
  })
  .strict()
export type PartnerResponseView = z.infer<typeof PartnerResponseViewSchema>

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
  /** The built-in sandbox profiles and the user's own SNAP, SIMAS-ID and MyValue profiles. */
  listPartnerProfiles: {
    request: z.undefined(),
    response: z
      .object({
        snap: z.array(SnapProfileViewSchema),
        simas: z.array(SimasProfileViewSchema),
        myvalue: z.array(MyValueProfileViewSchema),
        /** Where requests go by default: the sandbox while the app's environment switch says Sandbox. */
        preferredTarget: z.enum(PARTNER_TARGETS),
        /** A request each embedded sandbox answers, to start composing from. */
        samples: z.object({ snap: RequestSample, myvalue: RequestSample }).strict(),
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
        target: z.enum(PARTNER_TARGETS),
        kind: z.enum(SNAP_REQUEST_KINDS),
        serviceSignature: z.enum(SNAP_SERVICE_SIGNATURES),
        method: z.enum(REQUEST_METHODS),
        path: RequestPath,
        body: RequestBody,
        accessToken: AccessToken.optional(),
      })
      .strict(),
    response: SignedRequestSchema,
  },
  /** Signs a MyValue request without sending it, kept in main under `previewId` like a SNAP one. */
  previewMyValueRequest: {
    request: z
      .object({
        profile: ProfileName,
        target: z.enum(PARTNER_TARGETS),
        method: z.enum(REQUEST_METHODS),
        path: RequestPath,
        body: RequestBody,
      })
      .strict(),
    response: SignedRequestSchema,
  },
  /** Sends a previewed SNAP or MyValue request, once, exactly as previewed. */
  sendSignedRequest: { request: z.object({ previewId: z.uuid() }).strict(), response: PartnerResponseViewSchema },

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
