import { createHash, createHmac, sign, verify, type KeyObject } from 'node:crypto'
import { minifyJson } from './minify'

export type SignatureEncoding = 'base64' | 'hex'

export interface SignedString {
  /** Exactly what was signed (as UTF-8): the workbench shows it so a partner can compare with theirs. */
  stringToSign: string
  signature: string
}

/** Access Token B2B: `X-CLIENT-KEY|X-TIMESTAMP`. */
export function accessTokenStringToSign(clientId: string, timestamp: string): string {
  return `${clientId}|${timestamp}`
}

/** Access Token B2B X-SIGNATURE: base64 SHA256withRSA (PKCS#1 v1.5) over `clientId|timestamp`. */
export function signAccessToken(input: { clientId: string; timestamp: string; privateKey: KeyObject }): SignedString {
  const stringToSign = accessTokenStringToSign(input.clientId, input.timestamp)
  return { stringToSign, signature: sign('sha256', Buffer.from(stringToSign, 'utf8'), input.privateKey).toString('base64') }
}

/** What a provider does with the partner's registered public key. */
export function verifyAccessTokenSignature(input: { clientId: string; timestamp: string; signature: string; publicKey: KeyObject }): boolean {
  return verify('sha256', Buffer.from(accessTokenStringToSign(input.clientId, input.timestamp), 'utf8'), input.publicKey, Buffer.from(input.signature, 'base64'))
}

export interface ServiceRequestParts {
  method: string
  /** The path as sent, with the provider's prefix and any query string: `/api/v1.0/balance-inquiry?x=1`. */
  path: string
  /** Whether the query string is part of EndpointUrl; providers differ. */
  includeQuery: boolean
  /** The body as written; it is minified before hashing (and should be sent minified). */
  body: string
  timestamp: string
  encoding: SignatureEncoding
}

export interface SignedServiceString extends SignedString {
  endpointUrl: string
  minifiedBody: string
  /** lowerhex(SHA-256(minify(body))). */
  bodySha256: string
}

/** EndpointUrl: the path without the host, with its prefix; the query string only when the provider wants it. */
export function serviceEndpointUrl(path: string, includeQuery: boolean): string {
  return includeQuery ? path : path.split('?')[0]!
}

function digestBody(parts: ServiceRequestParts) {
  const minifiedBody = minifyJson(parts.body)
  return { method: parts.method.toUpperCase(), endpointUrl: serviceEndpointUrl(parts.path, parts.includeQuery), minifiedBody, bodySha256: createHash('sha256').update(minifiedBody, 'utf8').digest('hex') }
}

/** Symmetric service signature: HMAC-SHA512(clientSecret, `METHOD:EndpointUrl:AccessToken:bodySha256:timestamp`), token without "Bearer ". */
export function signServiceSymmetric(parts: ServiceRequestParts & { accessToken: string; clientSecret: string }): SignedServiceString {
  const { method, ...digested } = digestBody(parts)
  const stringToSign = `${method}:${digested.endpointUrl}:${parts.accessToken}:${digested.bodySha256}:${parts.timestamp}`
  return { ...digested, stringToSign, signature: createHmac('sha512', parts.clientSecret).update(stringToSign, 'utf8').digest(parts.encoding) }
}

/** Asymmetric service signature: SHA256withRSA over `METHOD:EndpointUrl:bodySha256:timestamp`. */
export function signServiceAsymmetric(parts: ServiceRequestParts & { privateKey: KeyObject }): SignedServiceString {
  const { method, ...digested } = digestBody(parts)
  const stringToSign = `${method}:${digested.endpointUrl}:${digested.bodySha256}:${parts.timestamp}`
  return { ...digested, stringToSign, signature: sign('sha256', Buffer.from(stringToSign, 'utf8'), parts.privateKey).toString(parts.encoding) }
}
