import { createHash, randomBytes } from 'node:crypto'
import forge from 'node-forge'
import { TekenError } from '../../../shared/errors'
import { type Asn1, build, bytesOf, childrenOf, explicitContent, isSequence, OID, oidOf, readDer, smallIntegerOf } from '../../keys/der'

/*
 * RFC 3161 signature timestamps, which lift a PAdES B-B signature to B-T: the TSA signs the hash
 * of our signature value, and its token goes into the SignerInfo's unsigned attributes.
 */

/** Where tokens come from: a TSA over HTTP, or the embedded sandbox's. */
export interface TimestampAuthority {
  /** A name for messages, such as the URL. */
  name: string
  /** Sends a DER TimeStampReq; resolves to the DER TimeStampResp. */
  exchange(query: Buffer): Promise<Buffer>
}

export interface Timestamp {
  /** The TimeStampToken (a CMS ContentInfo), ready to embed. */
  token: Asn1
  /** The TSA's genTime. */
  time: Date
}

const ID_CT_TST_INFO = '1.2.840.113549.1.9.16.1.4'
const HTTP_TIMEOUT_MS = 30_000
const { Class, Type } = forge.asn1

export function timestampFailed(authority: string, problem: string): TekenError {
  return new TekenError(
    'PDF_TIMESTAMP_FAILED',
    `The timestamp authority ${authority} did not give a usable timestamp (${problem}), so nothing was signed. Check the TSA address and the network, or sign without a timestamp.`,
    { authority, problem },
  )
}

/** RFC 3161 over HTTP POST, as TSAs serve it. */
export function httpTimestampAuthority(url: string): TimestampAuthority {
  return {
    name: url,
    async exchange(query) {
      let response: Response
      try {
        response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/timestamp-query' }, body: new Uint8Array(query), signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) })
      } catch (error) {
        throw timestampFailed(url, `it could not be reached: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`)
      }
      if (!response.ok) throw timestampFailed(url, `it answered HTTP ${response.status}`)
      return Buffer.from(await response.arrayBuffer())
    },
  }
}

/** Asks `authority` to timestamp `signatureValue` and checks that the token is for exactly that. */
export async function timestampSignature(authority: TimestampAuthority, signatureValue: Buffer): Promise<Timestamp> {
  const imprint = createHash('sha256').update(signatureValue).digest()
  // A nonce proves the answer is to this request. Its first byte is 0x01-0x7f, so its DER INTEGER is these exact bytes.
  const nonce = randomBytes(8)
  nonce[0] = ((nonce[0] as number) & 0x7f) | 0x01
  const query = forge.asn1.toDer(
    build.sequence([
      build.integer(1),
      build.sequence([build.sequence([build.oid(OID.sha256)]), build.octets(imprint)]),
      forge.asn1.create(Class.UNIVERSAL, Type.INTEGER, false, nonce.toString('latin1')),
      // certReq: the token carries the TSA certificate, so verifiers need nothing else.
      forge.asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\xff'),
    ]),
  ).getBytes()
  const answer = await authority.exchange(Buffer.from(query, 'latin1'))
  const fail = (problem: string) => timestampFailed(authority.name, problem)

  const reading = readDer(answer)
  if (reading.kind !== 'complete' || !isSequence(reading.node)) throw fail('its answer is not a timestamp response')
  const [statusInfo, token] = childrenOf(reading.node)
  const status = smallIntegerOf(childrenOf(statusInfo)[0])
  if (status !== 0 && status !== 1) throw fail(`it refused the request with status ${status ?? 'unknown'}`)
  if (!token || oidOf(childrenOf(token)[0]) !== OID.signedData) throw fail('the response holds no token')

  const encapsulated = childrenOf(explicitContent(childrenOf(token)[1], 0))[2]
  const [contentType, wrappedInfo] = childrenOf(encapsulated)
  const infoBytes = bytesOf(explicitContent(wrappedInfo, 0))
  if (oidOf(contentType) !== ID_CT_TST_INFO || !infoBytes) throw fail('the token holds no TSTInfo')
  const info = readDer(infoBytes)
  if (info.kind !== 'complete') throw fail('the TSTInfo cannot be read')
  const fields = childrenOf(info.node)
  // TSTInfo: version, policy, messageImprint, serialNumber, genTime, then optional accuracy, ordering, nonce…
  const [, , messageImprint, , genTime, ...optional] = fields
  const [imprintAlgorithm, hashedMessage] = childrenOf(messageImprint)
  if (oidOf(childrenOf(imprintAlgorithm)[0]) !== OID.sha256 || !bytesOf(hashedMessage)?.equals(imprint)) throw fail('the token is for different data')
  const returnedNonce = optional.find((node) => node.tagClass === Class.UNIVERSAL && node.type === Type.INTEGER)
  if (!bytesOf(returnedNonce)?.equals(nonce)) throw fail('the token does not answer this request (nonce mismatch)')
  if (!genTime || genTime.type !== Type.GENERALIZEDTIME || typeof genTime.value !== 'string') throw fail('the token has no time')
  return { token, time: forge.asn1.generalizedTimeToDate(genTime.value) }
}
