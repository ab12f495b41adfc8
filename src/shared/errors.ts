import { z } from 'zod'

/**
 * Every failure that crosses the IPC boundary carries one of these codes. The renderer shows a
 * translated text per code (falling back to `message`), so codes are API: add, never rename.
 */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'INVALID_RESPONSE',
  'FORBIDDEN_SENDER',
  'TRANSPORT_FAILED',
  'KEYCHAIN_UNAVAILABLE',
  'EXTERNAL_LINK_REJECTED',
  // Keys (src/main/keys)
  'KEY_PASSPHRASE_REQUIRED',
  'KEY_WRONG_PASSPHRASE',
  'KEY_TRUNCATED',
  'KEY_IS_PUBLIC',
  'KEY_NOT_RSA',
  'KEY_FORMAT_UNKNOWN',
  'KEY_UNSUPPORTED_ENCRYPTION',
  // OVO credential decryption (src/main/credentials)
  'CREDENTIAL_WRONG_KEY',
  'CREDENTIAL_WRONG_KEY_OR_DIGEST',
  'CREDENTIAL_NOT_OPENSSL_ENC',
  'CREDENTIAL_PASS_FILE_EMPTY',
  // Vault (src/main/vault)
  'VAULT_KEY_MISSING',
  'VAULT_KEY_MISMATCH',
  'VAULT_FILE_CORRUPT',
  'VAULT_ITEM_NOT_FOUND',
  'VAULT_NAME_TAKEN',
  'VAULT_EXPORT_WRONG_PASSPHRASE',
  'VAULT_EXPORT_CORRUPT',
  'VAULT_ITEM_NOT_COPYABLE',
  'FILE_NOT_READABLE',
  'CREDENTIAL_SESSION_EXPIRED',
  // PDFs (src/main/pdf)
  'PDF_NOT_A_PDF',
  'PDF_ENCRYPTED',
  'PDF_DAMAGED',
  'PDF_PAGE_OUT_OF_RANGE',
  'PDF_RECT_OUTSIDE_PAGE',
  'PDF_CERTIFICATE_EXPIRED',
  'PDF_IDENTITY_WITHOUT_CERTIFICATE',
  'PDF_LOCKED_BY_CERTIFICATION',
  'PDF_TIMESTAMP_FAILED',
  'PDF_RECT_EMPTY',
  'PDF_CERTIFICATE_KEY_MISMATCH',
  'PDF_ALREADY_SIGNED',
  'PLACEMENT_TEMPLATE_INVALID',
  'DESKTOP_ONLY',
  // Provider HTTP and profiles (src/main/providers, src/main/profiles)
  'PROFILE_NOT_FOUND',
  'PROFILE_INVALID',
  'PROVIDER_UNREACHABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_HTTP_ERROR',
  'PROVIDER_BAD_RESPONSE',
  // Peruri (src/main/providers/peruri)
  'PERURI_ERROR',
  'PERURI_GATEWAY_EXCEPTION',
  'PERURI_AUTH_FAILED',
  'PERURI_OTP_INVALID',
  'PERURI_OTP_EXPIRED',
  // SNAP, SIMAS-ID, MyValue (src/main/providers/snap, simas, myvalue)
  'SNAP_ERROR',
  'TOKEN_INVALID',
  // OTP inbox and webhook (src/main/otp)
  'OTP_NOT_RECEIVED',
  'OTP_WEBHOOK_PORT_IN_USE',
  // Partner onboarding checklists (src/main/onboarding)
  'ONBOARDING_FILE_INVALID',
  'ONBOARDING_PARTNER_NOT_FOUND',
  'ONBOARDING_PARTNER_EXISTS',
  // The embedded simulators (src/main/sandbox)
  'SANDBOX_ONLY',
  'SANDBOX_STATE_INVALID',
  // Batches (src/main/batch)
  'BATCH_INPUT_EMPTY',
  'BATCH_JOURNAL_INVALID',
  'BATCH_NOT_FOUND',
  'BATCH_BUSY',
  'BATCH_ORDER_NOT_SIGNED',
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export const IpcErrorSchema = z
  .object({
    code: z.enum(ERROR_CODES),
    /** English, human, safe to show: never a secret, a stack or a file's contents. */
    message: z.string(),
    /** Values the renderer interpolates into its translated text. */
    details: z.record(z.string(), z.string()).optional(),
  })
  .strict()

export type IpcError = z.infer<typeof IpcErrorSchema>

/** A domain failure the user can act on. Anything else thrown in main becomes `INTERNAL`. */
export class TekenError extends Error {
  readonly code: ErrorCode
  readonly details?: Record<string, string>

  constructor(code: ErrorCode, message: string, details?: Record<string, string>) {
    super(message)
    this.name = 'TekenError'
    this.code = code
    this.details = details
  }

  toIpcError(): IpcError {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message }
  }
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError }

export const ipcResultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }).strict(),
    z.object({ ok: z.literal(false), error: IpcErrorSchema }).strict(),
  ])
