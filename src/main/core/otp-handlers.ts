import type { AppOtpWebhook } from '../otp/app-otp-webhook'
import { sameIdentifier, type OtpInbox } from '../otp/otp-inbox'
import type { Handlers } from './router'

/** The app's OTP webhook and what it received, for the settings card and the Peruri OTP prompt. */
export function otpHandlers(services: { otpWebhook: AppOtpWebhook; otpInbox: OtpInbox }): Pick<Handlers, 'getOtpWebhook' | 'startOtpWebhook' | 'stopOtpWebhook' | 'ensureOtpWebhookCredentials' | 'receivedOtps'> {
  return {
    getOtpWebhook: () => services.otpWebhook.status(),
    startOtpWebhook: ({ port }) => services.otpWebhook.start(port),
    stopOtpWebhook: () => services.otpWebhook.stop(),
    ensureOtpWebhookCredentials: () => services.otpWebhook.ensureCredentials(),
    receivedOtps: async ({ identifiers, since }) => {
      const from = new Date(since).getTime()
      const codes = services.otpInbox
        .list()
        .filter((message) => message.receivedAt.getTime() >= from && identifiers.some((identifier) => sameIdentifier(message.identifier, identifier)))
        .reverse()
      return { codes: codes.map(({ otp, identifier, channel, receivedAt }) => ({ otp, identifier, channel, receivedAt: receivedAt.toISOString() })) }
    },
  }
}
