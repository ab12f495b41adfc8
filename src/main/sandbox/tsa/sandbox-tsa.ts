import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto'
import forge from 'node-forge'
import { type Asn1, build, bytesOf, childrenOf, isSequence, OID, oidOf, readDer, toDer } from '../../keys/der'
import { createCmsSigner, signEncapsulatedCms } from '../../pdf/sign/cms'
import type { TimestampAuthority } from '../../pdf/sign/timestamp'
import type { Clock } from '../../ports/clock'
import type { IssuedIdentity } from '../peruri/sandbox-ca'

const ID_CT_TST_INFO = '1.2.840.113549.1.9.16.1.4'
/** The sandbox's own policy under the private-enterprise "example" arc: it certifies nothing. */
const SANDBOX_TSA_POLICY = '1.3.6.1.4.1.99999.2'
const IMPRINT_LENGTHS = new Map([
  [OID.sha256, 32],
  [OID.sha384, 48],
  [OID.sha512, 64],
])
const { Class, Type } = forge.asn1

/**
 * An RFC 3161 timestamp authority for the Sandbox environment, so PAdES B-T signing works with no
 * network. Its certificate comes from the sandbox CA with the critical timeStamping key usage; the
 * token is a CMS SignedData over the DER TSTInfo, built by the same code as Teken's signatures.
 */
export function createSandboxTsa(options: { ca: IssuedIdentity; tsa: IssuedIdentity; clock: Clock }): TimestampAuthority & { reply(query: Buffer): Promise<Buffer> } {
  const certificates = [options.tsa.certificatePem, options.ca.certificatePem].map((pem) => new X509Certificate(pem).raw)
  const privateKey = createPrivateKey(options.tsa.keyPem)
  const signer = createCmsSigner(privateKey, certificates, (privateKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8)

  async function reply(query: Buffer): Promise<Buffer> {
    const reading = readDer(query)
    if (reading.kind !== 'complete' || !isSequence(reading.node)) return rejection('the request is not a DER TimeStampReq')
    const [version, messageImprint, ...rest] = childrenOf(reading.node)
    const [algorithm, hashed] = childrenOf(messageImprint)
    const expectedLength = IMPRINT_LENGTHS.get(oidOf(childrenOf(algorithm)[0]) as typeof OID.sha256)
    if (bytesOf(version)?.[0] !== 1 || !expectedLength || bytesOf(hashed)?.length !== expectedLength) return rejection('unsupported version or hash algorithm (SHA-256/384/512 only)')
    const nonce = rest.find((node) => node.tagClass === Class.UNIVERSAL && node.type === Type.INTEGER)
    const serial = randomBytes(8)
    serial[0] = ((serial[0] as number) & 0x7f) | 0x01
    const info = build.sequence([
      build.integer(1),
      build.oid(SANDBOX_TSA_POLICY),
      messageImprint!,
      forge.asn1.create(Class.UNIVERSAL, Type.INTEGER, false, serial.toString('latin1')),
      forge.asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, forge.asn1.dateToGeneralizedTime(options.clock.now())),
      build.sequence([build.integer(1)]),
      ...(nonce ? [nonce] : []),
    ])
    const token = await signEncapsulatedCms(signer, ID_CT_TST_INFO, toDer(info))
    return toDer(build.sequence([build.sequence([build.integer(0)]), token]))
  }

  return { name: 'the Teken sandbox TSA', exchange: reply, reply }
}

/** PKIStatus rejection (2) with the reason as a PKIFreeText. */
function rejection(reason: string): Buffer {
  const text: Asn1 = forge.asn1.create(Class.UNIVERSAL, Type.UTF8, false, forge.util.encodeUtf8(reason))
  return toDer(build.sequence([build.sequence([build.integer(2), build.sequence([text])])]))
}
