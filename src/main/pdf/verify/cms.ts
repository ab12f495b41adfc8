import forge from 'node-forge'
import { childrenOf, isContextTag, oidOf, toDer } from '../../keys/der'
import { Asn1FormatError, childAt, Class, contentBytes, required, isUniversal, parseDer, timeOf, Type, type Asn1 } from './asn1'

/** CMS (RFC 5652) as PDF signatures use it: SignedData with detached or encapsulated content. */

export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timestampToken: '1.2.840.113549.1.9.16.2.14',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const

export type SignerIdentifier = { kind: 'issuer-serial'; issuerDer: Buffer; serialNumber: string } | { kind: 'key-id'; keyId: Buffer }

export interface EssCertificateHash {
  digestOid: string
  hash: Buffer
}

export interface SignerInfo {
  signer: SignerIdentifier
  digestOid?: string
  /** The AlgorithmIdentifier as written, for `signatureScheme`. */
  signatureAlgorithm: Asn1
  signature: Buffer
  /** The signed attributes re-tagged as the SET OF that the signature covers (RFC 5652 §5.4). */
  signedAttributesDer?: Buffer
  messageDigest?: Buffer
  contentType?: string
  signingTime?: Date
  /** ESS signing-certificate(-v2) hashes naming the signer certificate, first one first. */
  essCertificateHashes: EssCertificateHash[]
  /** The DER of an RFC 3161 timestamp token in the unsigned attributes. */
  timestampToken?: Buffer
}

export interface SignedData {
  /** The SignedData's digestAlgorithms: every signer's digest algorithm must be listed. */
  digestOids: string[]
  contentType: string
  /** The encapsulated content, when not detached (RFC 3161 tokens carry TSTInfo here). */
  content?: Buffer
  certificates: Buffer[]
  signerInfos: SignerInfo[]
  /** Bytes the CMS occupies; a signature's /Contents is zero-padded after it. */
  length: number
}

export function parseSignedData(der: Buffer): SignedData {
  const { node, length } = parseDer(der)
  if (!isUniversal(node, Type.SEQUENCE)) throw new Asn1FormatError('it does not start with a ContentInfo sequence')
  const [contentTypeNode, explicitContent] = childrenOf(node)
  const contentType = oidOf(contentTypeNode)
  if (contentType !== OID.signedData) throw new Asn1FormatError(`the content type is ${contentType ?? 'missing'}, not SignedData`)
  const signedDataNode = childAt(explicitContent, 0)
  if (!isContextTag(explicitContent, 0) || !isUniversal(signedDataNode, Type.SEQUENCE)) throw new Asn1FormatError('the SignedData is not where ContentInfo puts it')
  const signedData = childrenOf(signedDataNode)
  const encapsulated = childrenOf(signedData[2])
  const encapsulatedContent = encapsulated[1]
  const certificatesNode = signedData.slice(3).find((item) => isContextTag(item, 0))
  const signerInfosNode = signedData.at(-1)
  if (!isUniversal(signerInfosNode, Type.SET)) throw new Asn1FormatError('the SignedData has no signer infos')
  return {
    digestOids: childrenOf(signedData[1]).flatMap((algorithm) => oidOf(childAt(algorithm, 0)) ?? []),
    contentType: required(oidOf(encapsulated[0]), 'the encapsulated content type'),
    content: isContextTag(encapsulatedContent, 0) ? contentBytes(childAt(encapsulatedContent, 0)) : undefined,
    // Only X.509 certificates (SEQUENCE); attribute certificates and others are tagged and skipped.
    certificates: childrenOf(certificatesNode)
      .filter((item) => isUniversal(item, Type.SEQUENCE))
      .map(toDer),
    signerInfos: childrenOf(signerInfosNode).map(parseSignerInfo),
    length,
  }
}

function parseSignerInfo(node: Asn1): SignerInfo {
  const [, signerId, digestAlgorithm, ...rest] = childrenOf(node)
  const signedAttributes = isContextTag(rest[0], 0) ? rest.shift() : undefined
  const [signatureAlgorithm, signature, unsignedAttributes] = rest
  const signed = attributeMap(signedAttributes)
  const unsigned = attributeMap(unsignedAttributes)
  const messageDigest = signed.get(OID.messageDigest)
  const signingTime = signed.get(OID.signingTime)
  const timestampToken = unsigned.get(OID.timestampToken)
  return {
    signer: signerIdentifier(signerId),
    digestOid: oidOf(childAt(digestAlgorithm, 0)),
    signatureAlgorithm: required(signatureAlgorithm, 'the signature algorithm'),
    signature: contentBytes(required(signature, 'the signature value')),
    signedAttributesDer: signedAttributes ? toDer(forge.asn1.create(Class.UNIVERSAL, Type.SET, true, childrenOf(signedAttributes))) : undefined,
    messageDigest: messageDigest ? contentBytes(messageDigest) : undefined,
    contentType: oidOf(signed.get(OID.contentType)),
    signingTime: timeOf(signingTime),
    essCertificateHashes: essHashes(signed),
    timestampToken: timestampToken ? toDer(timestampToken) : undefined,
  }
}

function signerIdentifier(node: Asn1 | undefined): SignerIdentifier {
  if (isContextTag(node, 0)) return { kind: 'key-id', keyId: contentBytes(node) }
  const [issuer, serial] = childrenOf(node)
  return { kind: 'issuer-serial', issuerDer: toDer(required(issuer, 'the signer issuer')), serialNumber: contentBytes(serial).toString('hex') }
}

/** The first value of each attribute, by OID. */
function attributeMap(attributes: Asn1 | undefined): Map<string, Asn1> {
  const map = new Map<string, Asn1>()
  for (const attribute of childrenOf(attributes)) {
    const [type, values] = childrenOf(attribute)
    const oid = oidOf(type)
    const first = childrenOf(values)[0]
    if (oid && first && !map.has(oid)) map.set(oid, first)
  }
  return map
}

function essHashes(signed: Map<string, Asn1>): EssCertificateHash[] {
  const version2 = signed.get(OID.signingCertificateV2)
  if (version2) {
    return childrenOf(childAt(version2, 0)).map((certId) => {
      const [first, second] = childrenOf(certId)
      // hashAlgorithm is optional, defaulting to SHA-256.
      return isUniversal(first, Type.SEQUENCE)
        ? { digestOid: oidOf(childAt(first, 0)) ?? OID.sha256, hash: contentBytes(second) }
        : { digestOid: OID.sha256, hash: contentBytes(first) }
    })
  }
  const version1 = signed.get(OID.signingCertificate)
  return childrenOf(childAt(version1, 0)).map((certId) => ({ digestOid: OID.sha1, hash: contentBytes(childAt(certId, 0)) }))
}

export interface TstInfo {
  imprintDigestOid?: string
  imprint: Buffer
  genTime?: Date
}

/** RFC 3161 TSTInfo: what was timestamped (the message imprint) and when. */
export function parseTstInfo(der: Buffer): TstInfo {
  const [, , messageImprint, , genTime] = childrenOf(parseDer(der).node)
  return {
    imprintDigestOid: oidOf(childAt(messageImprint, 0, 0)),
    imprint: contentBytes(childAt(messageImprint, 1)),
    genTime: timeOf(genTime),
  }
}
