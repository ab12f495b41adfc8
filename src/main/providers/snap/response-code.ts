/** A SNAP responseCode taken apart: `4017300` is HTTP 401, service 73 (Access Token B2B), case 00. */
export interface SnapResponseCode {
  code: string
  httpStatus: number
  /** Two digits, or `XX` where a provider (OVO) leaves the service out. */
  serviceCode: string
  caseCode: string
  /** The service's name, for the service codes Teken knows. */
  service?: string
  /** Plain English: what the code means and, where there is one, what to do. */
  meaning: string
  /** A new access token may fix it: 401xx00 (unauthorized, bad signature included) or 401xx01 (invalid token). */
  tokenRejected: boolean
}

const SERVICES: Record<string, string> = {
  '11': 'Balance Inquiry',
  '24': 'Transfer VA Inquiry',
  '25': 'Transfer VA Payment',
  '47': 'QRIS MPM Generate',
  '73': 'Access Token B2B',
  '74': 'Access Token B2B2C',
}

/** Keyed by HTTP status + case code; the texts follow the SNAP standard's response-code table. */
const CASES: Record<string, string> = {
  '20000': 'Successful.',
  '20200': 'Request in progress: the final result comes later.',
  '40000': 'Bad request: the provider could not read the request (message parsing failed).',
  '40001': 'Invalid field format: a field or header is not in the format the provider expects.',
  '40002': 'Invalid mandatory field: a mandatory field or header is missing.',
  '40100': 'Unauthorized: the provider rejected the signature, the client key, the partner id or the timestamp.',
  '40101': 'Invalid token (B2B): the access token does not exist or has expired; request a new one.',
  '40102': 'Invalid customer token: the customer token does not exist or has expired.',
  '40103': 'Token not found (B2B): the request carries no access token.',
  '40104': 'Customer token not found.',
  '40300': 'Transaction expired.',
  '40301': 'Feature not allowed for this partner.',
  '40302': 'The amount exceeds the transaction limit.',
  '40303': 'Suspected fraud.',
  '40304': 'Activity count limit exceeded.',
  '40305': 'Do not honor: the issuer declined.',
  '40314': 'Insufficient funds.',
  '40315': 'Transaction not permitted.',
  '40318': 'Inactive card, account or customer.',
  '40400': 'Invalid transaction status.',
  '40401': 'Transaction not found.',
  '40402': 'Invalid routing.',
  '40411': 'Invalid card, account, customer or virtual account.',
  '40412': 'Invalid bill or virtual account.',
  '40413': 'Invalid amount.',
  '40414': 'The bill is already paid.',
  '40416': 'Partner not found.',
  '40500': 'The requested function is not supported.',
  '40501': 'The requested operation is not allowed.',
  '40900': 'Conflict: this X-EXTERNAL-ID was already used today; every request needs a new one.',
  '40901': 'Duplicate partnerReferenceNo.',
  '42900': 'Too many requests: slow down and try again later.',
  '50000': 'General error at the provider.',
  '50001': 'Internal server error at the provider.',
  '50002': 'External server error: a system behind the provider failed.',
  '50400': 'Timeout at the provider: check the transaction status before sending again.',
}

const BY_STATUS_CLASS: Record<string, string> = {
  '2': 'Successful.',
  '4': 'The provider rejected the request.',
  '5': 'The provider failed to process the request.',
}

/** OVO's gateway code for an expired access token, inside a 401XX00 responseMessage. */
const OVO_TOKEN_EXPIRED = 'AGW-002-05'

const RESPONSE_CODE = /^([1-5]\d{2})(\d{2}|XX)(\d{2})$/i

/**
 * Parses a 7-character responseCode; `responseMessage` refines the meaning where a provider puts
 * the real reason there (OVO's "Signature Failed: AGW-002-05" is an expired token). Undefined when
 * the code is not in SNAP's form.
 */
export function parseResponseCode(code: string, responseMessage = ''): SnapResponseCode | undefined {
  const match = RESPONSE_CODE.exec(code)
  if (!match) return undefined
  const [, status = '', serviceCode = '', caseCode = ''] = match
  const httpStatus = Number(status)
  const service = SERVICES[serviceCode]
  const meaning = responseMessage.includes(OVO_TOKEN_EXPIRED)
    ? `The access token has expired (OVO ${OVO_TOKEN_EXPIRED}); request a new one.`
    : (CASES[`${status}${caseCode}`] ?? BY_STATUS_CLASS[status[0]!] ?? `HTTP ${httpStatus}.`)
  return { code, httpStatus, serviceCode: serviceCode.toUpperCase(), caseCode, ...(service ? { service } : {}), meaning, tokenRejected: httpStatus === 401 && (caseCode === '00' || caseCode === '01') }
}

/** One line for an error message: `4017300 (Access Token B2B): Unauthorized: … Provider: "Unauthorized. [Signature]"`. */
export function describeResponseCode(parsed: SnapResponseCode, responseMessage: string): string {
  const service = parsed.service ?? `service ${parsed.serviceCode}`
  return `${parsed.code} (${service}): ${parsed.meaning}${responseMessage ? ` The provider said: "${responseMessage}".` : ''}`
}
