import { z } from 'zod'
import { DocumentHandleSchema, SignatureBoxSchema, VerificationViewSchema } from './documents'

/** Base64 of at most `bytes` decoded bytes. */
const base64Of = (bytes: number) => z.base64().min(1).max(Math.ceil(bytes / 3) * 4)

const EnvName = z.string().min(1).max(64)
/** Seed 003 caps emails at 75 characters. */
const Email = z.email().max(75)
const OrderId = z.string().min(1).max(100)
const EnvRequest = z.object({ env: EnvName }).strict()
const SignerRequest = EnvRequest.extend({ email: Email }).strict()
const OrderRequest = EnvRequest.extend({ orderId: OrderId }).strict()
const Done = z.object({ done: z.literal(true) }).strict()

/** KTP/NPWP photos and speciments: PNG or JPEG, a few hundred KB in practice. */
export const MAX_PERURI_IMAGE_BYTES = 4 * 1024 * 1024
/** A few seconds of e-KYC video from a camera or a phone. */
export const MAX_PERURI_VIDEO_BYTES = 40 * 1024 * 1024

export const PeruriEnvironmentViewSchema = z
  .object({
    name: z.string(),
    baseUrl: z.string(),
    systemId: z.string(),
    email: z.string().optional(),
    embedded: z.boolean(),
    /** Signers to offer in the email fields: the sandbox's demo signers, or the environment's own signer. */
    suggestedEmails: z.array(z.string()),
  })
  .strict()
export type PeruriEnvironmentView = z.infer<typeof PeruriEnvironmentViewSchema>

/** Seed 003's registration fields (type and systemId are the client's to add). */
export const PeruriRegistrationSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    phone: z.string().trim().min(1).max(20),
    email: Email,
    password: z.string().max(255).optional(),
    ktp: z.string().trim().min(1).max(16),
    ktpPhoto: base64Of(MAX_PERURI_IMAGE_BYTES),
    npwp: z.string().trim().max(16).optional(),
    npwpPhoto: base64Of(MAX_PERURI_IMAGE_BYTES).optional(),
    address: z.string().trim().min(1).max(255),
    city: z.string().trim().min(1).max(255),
    province: z.string().trim().min(1).max(255),
    gender: z.enum(['M', 'F']),
    placeOfBirth: z.string().trim().min(1).max(255),
    /** dd/mm/yyyy, as seed 003 writes dates. */
    dateOfBirth: z.string().regex(/^\d{2}\/\d{2}\/\d{4}$/, 'dd/mm/yyyy'),
    orgUnit: z.string().max(255).optional(),
    workUnit: z.string().max(255).optional(),
    position: z.string().max(255).optional(),
  })
  .strict()
export type PeruriRegistration = z.infer<typeof PeruriRegistrationSchema>

/** Where an order stands: Peruri's own words (`resultDesc`) and, for tiers, whose turn it is. */
export const PeruriOrderStatusSchema = z
  .object({
    orderId: z.string(),
    resultDesc: z.string(),
    /** "WAITING", "IN_PROGRESS", "SIGNED" where the service says so. */
    status: z.string().optional(),
    signedBy: z.array(z.string()).optional(),
    /** Whose signature the order waits for; absent once it is complete. */
    nextSigner: z.string().optional(),
    /** A tier order sent from this app: its signers in signing order. */
    tierSigners: z.array(z.string()).optional(),
    /** Every signature is applied: the signed document can be downloaded. */
    complete: z.boolean(),
  })
  .strict()
export type PeruriOrderStatus = z.infer<typeof PeruriOrderStatusSchema>

export const SandboxOtpViewSchema = z
  .object({ otp: z.string(), email: z.string(), phone: z.string(), orderIds: z.array(z.string()), issuedAt: z.string(), expiresAt: z.string() })
  .strict()
export type SandboxOtpView = z.infer<typeof SandboxOtpViewSchema>

const Boxes = z.array(SignatureBoxSchema).min(1).max(100)

export const peruriChannels = {
  /** The embedded sandbox plus the user's own environments, and the one the app's environment switch means. */
  listPeruriEnvironments: {
    request: z.undefined(),
    response: z.object({ environments: z.array(PeruriEnvironmentViewSchema), preferred: z.string() }).strict(),
  },

  peruriRegister: { request: EnvRequest.extend({ registration: PeruriRegistrationSchema }).strict(), response: Done },
  peruriActivate: { request: SignerRequest, response: Done },
  /** The e-KYC video (MP4 or WebM), recorded with the camera or picked from a file. */
  peruriVideoVerification: { request: SignerRequest.extend({ video: base64Of(MAX_PERURI_VIDEO_BYTES) }).strict(), response: Done },
  /** The handwritten-signature image (PNG or JPEG), drawn or uploaded. */
  peruriSendSpeciment: { request: SignerRequest.extend({ image: base64Of(MAX_PERURI_IMAGE_BYTES) }).strict(), response: Done },
  peruriCheckCertificate: {
    request: SignerRequest,
    response: z.object({ issued: z.boolean(), resultCode: z.string(), resultDesc: z.string() }).strict(),
  },
  /** The camera is allowed for a short while after this, and only for video: the e-KYC screen asks just before recording. */
  armCamera: { request: z.undefined(), response: z.object({ armedForSeconds: z.number().int() }).strict() },

  /** Sends an open document with its boxes for one signer; main keeps the order's flow state. */
  peruriSendDocument: { request: SignerRequest.extend({ docId: z.uuid(), boxes: Boxes }).strict(), response: z.object({ orderId: z.string() }).strict() },
  /** Sends an open document to be signed by several signers in order, each with their own boxes. */
  peruriSendTier: {
    request: EnvRequest.extend({ docId: z.uuid(), uploader: Email, signers: z.array(z.object({ email: Email, boxes: Boxes }).strict()).min(1).max(20) }).strict(),
    response: z.object({ orderId: z.string() }).strict(),
  },
  /** Asks Peruri to send the OTP to the signer whose turn it is; the OTP token stays in main. */
  peruriRequestOtp: { request: OrderRequest, response: z.object({ signer: z.string(), phone: z.string().optional() }).strict() },
  peruriSign: { request: OrderRequest.extend({ otp: z.string().trim().min(1).max(16) }).strict(), response: PeruriOrderStatusSchema },
  peruriDocumentStatus: { request: OrderRequest, response: PeruriOrderStatusSchema },
  /** Downloads the signed PDF, opens it as a new document in main and verifies it. */
  peruriDownload: { request: OrderRequest, response: z.object({ document: DocumentHandleSchema, verification: VerificationViewSchema }).strict() },

  /**
   * One of Peruri's web views to frame (seed 003 §7 activation for an email, §8 signing for an order
   * sent from this app) and the exact origin its messages must come from. `parentOrigin` is the
   * asking window's own origin, passed on to the page.
   */
  peruriWebView: {
    request: EnvRequest.extend({
      kind: z.enum(['activation', 'signing']),
      email: Email.optional(),
      orderId: OrderId.optional(),
      parentOrigin: z.string().min(1).max(100),
    }).strict(),
    response: z.object({ url: z.url({ protocol: /^https?$/ }), origin: z.string() }).strict(),
  },
  /** The signing web view reported success: the signer's turn is over, and the order's status follows, as after `peruriSign`. */
  peruriWebViewSigned: { request: OrderRequest, response: PeruriOrderStatusSchema },

  /** The embedded sandbox's OTP inbox for one signer, newest first; refused outside the Sandbox environment. */
  sandboxOtpInbox: { request: z.object({ email: Email }).strict(), response: z.object({ messages: z.array(SandboxOtpViewSchema) }).strict() },
} as const
