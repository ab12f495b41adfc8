import { z } from 'zod'
import type { SignatureBoxPlacement } from '../../pdf/sign'

/**
 * Peruri's digital-signature web service, as seed 003 specifies it: every operation, its default
 * gateway path and its exact JSON envelope. Client and sandbox both build on this file, so the two
 * can never disagree about a field name.
 *
 * Envelopes: most calls `{"param": {…}}`; signing, signing tier and signing bulk
 * `{"requestSigning": {…}}`; set signature `{"requestSetSignature": {…}}`; get OTP bulk
 * `{"requestGetOtpBulk": {…}}`. Every value is a string (coordinates and page numbers included).
 */
export const PERURI_OPERATIONS = [
  'getJsonWebToken',
  'registration',
  'activation',
  'videoVerification',
  'sendSpeciment',
  'checkCertificate',
  'sendDocument',
  'viewDocument',
  'getOtp',
  'signing',
  'checkDocumentStatus',
  'downloadDocument',
  'sendDocumentTier',
  'signingTier',
  'sendDocumentBulk',
  'setSignature',
  'getOtpBulk',
  'signingBulk',
  'setKey',
  'signingSystem',
] as const
export type PeruriOperation = (typeof PERURI_OPERATIONS)[number]

/** Paths relative to the gateway base, as public integrations call Peruri's dev gateway (provider-facts). */
export const DEFAULT_PERURI_PATHS: Record<PeruriOperation, string> = {
  getJsonWebToken: 'jwtSandbox/1.0/getJsonWebToken/v1',
  ...(Object.fromEntries(
    PERURI_OPERATIONS.filter((operation) => operation !== 'getJsonWebToken').map((operation) => [
      operation,
      // Integrations call the signing operations at /v2, everything else at /v1.
      `digitalSignatureFullJwtSandbox/1.0/${operation}/${['signing', 'signingBulk', 'signingSystem'].includes(operation) ? 'v2' : 'v1'}`,
    ]),
  ) as Record<Exclude<PeruriOperation, 'getJsonWebToken'>, string>),
}

/** Operations that change nothing at Peruri: safe to retry after a timeout or a 5xx. */
export const PERURI_READ_OPERATIONS: ReadonlySet<PeruriOperation> = new Set(['getJsonWebToken', 'checkCertificate', 'viewDocument', 'checkDocumentStatus', 'downloadDocument'])

export const PERURI_SUCCESS = '0'

/**
 * Seed 003 gives coordinates as strings of up to three characters ("454"): whole PDF points.
 * Rounding moves an edge by at most half a point.
 */
export function signerFromPlacement(placement: SignatureBoxPlacement): PeruriSigner {
  const [llx, lly, urx, ury] = placement.rect.map((value) => String(Math.round(value)))
  return {
    isVisualSign: placement.visible ? 'YES' : 'NO',
    lowerLeftX: llx!,
    lowerLeftY: lly!,
    upperRightX: urx!,
    upperRightY: ury!,
    page: String(placement.page),
    certificateLevel: placement.certificationLevel,
    ...(placement.location ? { varLocation: placement.location } : {}),
    ...(placement.reason ? { varReason: placement.reason } : {}),
  }
}

const coordinate = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a number in a string')

/** A signature box as Peruri takes it (seed 003's "signer" object; isVisualSign and certificateLevel are optional there). */
export const PeruriSignerSchema = z.object({
  isVisualSign: z.enum(['YES', 'NO']).optional(),
  lowerLeftX: coordinate,
  lowerLeftY: coordinate,
  upperRightX: coordinate,
  upperRightY: coordinate,
  page: z.string().regex(/^\d+$/),
  certificateLevel: z.enum(['NOT_CERTIFIED', 'NO_CHANGES_ALLOWED']).optional(),
  varLocation: z.string().max(100).optional(),
  varReason: z.string().max(100).optional(),
})
export type PeruriSigner = z.infer<typeof PeruriSignerSchema>

export function placementFromSigner(signer: z.infer<typeof PeruriSignerSchema>): SignatureBoxPlacement {
  return {
    page: Number(signer.page),
    rect: [Number(signer.lowerLeftX), Number(signer.lowerLeftY), Number(signer.upperRightX), Number(signer.upperRightY)],
    visible: signer.isVisualSign !== 'NO',
    certificationLevel: signer.certificateLevel ?? 'NOT_CERTIFIED',
    ...(signer.varReason ? { reason: signer.varReason } : {}),
    ...(signer.varLocation ? { location: signer.varLocation } : {}),
  }
}

export interface RegistrationData {
  name: string
  phone: string
  email: string
  password?: string
  ktp: string
  /** Base64 without a data: prefix (seed 003). */
  ktpPhoto: string
  npwp?: string
  npwpPhoto?: string
  address: string
  city: string
  province: string
  gender: 'M' | 'F'
  placeOfBirth: string
  /** dd/mm/yyyy */
  dateOfBirth: string
  /** Corporate users only; customers leave these out. */
  orgUnit?: string
  workUnit?: string
  position?: string
}

/** The request body of each operation, exactly as seed 003 shows it. */
export const peruriEnvelopes = {
  getJsonWebToken: (systemId: string) => ({ param: { systemId } }),
  registration: (data: RegistrationData, systemId: string) => ({ param: { ...data, type: 'INDIVIDUAL', systemId } }),
  activation: (email: string, systemId: string) => ({ param: { email, systemId } }),
  videoVerification: (email: string, videoStream: string, systemId: string) => ({ param: { email, videoStream, systemId } }),
  sendSpeciment: (email: string, speciment: string, systemId: string) => ({ param: { email, speciment, systemId } }),
  checkCertificate: (email: string, systemId: string) => ({ param: { email, systemId } }),
  /** `orderType` "SYSTEM" marks a document for Signing System (seed 003); integrations send "INDIVIDUAL" otherwise. */
  sendDocument: (input: { email: string; fileName: string; base64Document: string; signer?: PeruriSigner[]; orderType?: 'INDIVIDUAL' | 'SYSTEM' }, systemId: string) => ({
    param: {
      email: input.email,
      payload: { fileName: input.fileName, base64Document: input.base64Document, ...(input.signer ? { signer: input.signer } : {}) },
      ...(input.orderType ? { orderType: input.orderType } : {}),
      systemId,
    },
  }),
  // Seed 003 lists orderId as the only input of view, get OTP, status and download.
  viewDocument: (orderId: string) => ({ param: { orderId } }),
  getOtp: (orderId: string) => ({ param: { orderId } }),
  checkDocumentStatus: (orderId: string) => ({ param: { orderId } }),
  downloadDocument: (orderId: string) => ({ param: { orderId } }),
  signing: (input: { orderId: string; otpCode: string; token: string; signer?: PeruriSigner[] }) => ({
    requestSigning: { orderId: input.orderId, otpCode: input.otpCode, token: input.token, ...(input.signer ? { signer: input.signer } : {}) },
  }),
  sendDocumentTier: (input: { uploader: string; fileName: string; base64Document: string; signers: string[] }, systemId: string) => ({
    param: { uploader: input.uploader, payload: { fileName: input.fileName, base64Document: input.base64Document, signer: input.signers.map((email) => ({ email })) }, systemId },
  }),
  signingTier: (input: { orderId: string; otpCode: string; token: string; signer: PeruriSigner[] }) => ({
    requestSigning: { orderId: input.orderId, otpCode: input.otpCode, token: input.token, signer: input.signer },
  }),
  sendDocumentBulk: (input: { email: string; files: { fileName: string; base64Document: string }[]; signer?: PeruriSigner[] }, systemId: string) => ({
    param: { email: input.email, payload: { file: input.files, ...(input.signer ? { signer: input.signer } : {}) }, systemId },
  }),
  /** Here `signer` is a single object, not an array (seed 003). */
  setSignature: (orderId: string, signer: PeruriSigner) => ({ requestSetSignature: { orderId, signer } }),
  getOtpBulk: (orderIds: string[], systemId: string) => ({ requestGetOtpBulk: { data: orderIds.map((orderId) => ({ orderId })), systemId } }),
  signingBulk: (input: { orderIdBulk: string; otpCodeBulk: string; tokenBulk: string }) => ({ requestSigning: input }),
  setKey: (key: string, minutes: number, systemId: string) => ({ param: { key, minutes: String(minutes), systemId } }),
  signingSystem: (orderIds: string[], session: string, systemId: string) => ({ param: { data: orderIds.map((orderId) => ({ orderId })), session, systemId } }),
} satisfies Record<PeruriOperation, (...args: never[]) => unknown>

/** Every answer: `resultCode` "0" or an error code, `resultDesc`, and `data` on success. */
export const PeruriAnswerSchema = z.object({ resultCode: z.string(), resultDesc: z.string().optional(), data: z.unknown().optional() })

/** Result codes the embedded sandbox gives. Seed 003 lists none besides "0"; real codes surface with Peruri's own resultDesc. */
export const SANDBOX_RESULT_CODES = {
  malformed: '97',
  unknownSystem: '10',
  userExists: '20',
  userNotFound: '21',
  notActivated: '22',
  ekycMissing: '23',
  specimentMissing: '24',
  certificateNotIssued: '25',
  mediaInvalid: '26',
  orderNotFound: '30',
  orderAlreadySigned: '31',
  coordinatesMissing: '32',
  notSignersTurn: '33',
  notAPdf: '34',
  otpWrong: '40',
  otpExpired: '41',
  otpAttemptsExceeded: '42',
  tokenInvalid: '43',
  hashingKeyMissing: '50',
  sessionInvalid: '51',
  notSystemOrder: '52',
  /** A refusal a test asked for (`refuseDownload` of `POST /sandbox/faults`). */
  injected: '99',
} as const
