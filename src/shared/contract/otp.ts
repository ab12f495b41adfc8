import { z } from 'zod'

export const OtpWebhookStatusSchema = z
  .object({
    running: z.boolean(),
    /** The port it listens on, or will listen on when started (0: any free port). */
    port: z.number().int(),
    /** What to give SIMAS-ID, while it runs. */
    url: z.string().optional(),
    /** The vault item with the Basic-auth pair SIMAS-ID must send; only its name crosses. */
    credentialsName: z.string(),
  })
  .strict()
export type OtpWebhookStatus = z.infer<typeof OtpWebhookStatusSchema>

export const ReceivedOtpSchema = z.object({ otp: z.string(), identifier: z.string(), channel: z.string(), receivedAt: z.iso.datetime() }).strict()
export type ReceivedOtp = z.infer<typeof ReceivedOtpSchema>

/** A phone number or an email address, as the OTP's recipient. */
const Identifier = z.string().trim().min(3).max(254)

export const otpChannels = {
  getOtpWebhook: { request: z.undefined(), response: OtpWebhookStatusSchema },
  /** Starts SIMAS-ID's OTP webhook (seed 002) on loopback, or moves it to another port; the port is remembered. */
  startOtpWebhook: { request: z.object({ port: z.number().int().min(0).max(65535) }).strict(), response: OtpWebhookStatusSchema },
  stopOtpWebhook: { request: z.undefined(), response: OtpWebhookStatusSchema },
  /**
   * Makes sure the webhook's Basic-auth vault item exists (created with a random password if not)
   * and names it, so its password can be copied or shown through the vault's channels.
   */
  ensureOtpWebhookCredentials: { request: z.undefined(), response: z.object({ id: z.string(), name: z.string(), created: z.boolean() }).strict() },
  /**
   * The codes the webhook received since `since` for any of `identifiers` (the signer's phone and
   * email), newest first. The code is the signer's own, shown to the signer who waits for it.
   */
  receivedOtps: {
    request: z.object({ identifiers: z.array(Identifier).min(1).max(4), since: z.iso.datetime() }).strict(),
    response: z.object({ codes: z.array(ReceivedOtpSchema) }).strict(),
  },
} as const
