import { createHash, sign, type KeyObject } from 'node:crypto'
import forge from 'node-forge'
import { type Asn1, build, childrenOf, isContextTag, OID, toDer } from '../../keys/der'

/*
 * CMS SignedData (RFC 5652) as PAdES baseline B-B wants it for SubFilter ETSI.CAdES.detached
 * (ETSI EN 319 122-1): detached, SHA-256, signed attributes content-type, message-digest and
 * signing-certificate-v2, and no signing-time (the time is the signature dictionary's /M).
 * node-forge builds the ASN.1; Node's crypto does the RSA operation, ~100× faster than forge's.
 */

const CMS_OID = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256WithRsaEncryption: '1.2.840.113549.1.1.11',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const

const { Class } = forge.asn1

/** A signer prepared once per signature: certificates parsed, the leaf's identifiers extracted. */
export interface CmsSigner {
  privateKey: KeyObject
  /** Length in bytes of a signature by `privateKey` (the RSA modulus length). */
  signatureLength: number
  /** The leaf certificate's DER, for signing-certificate-v2. */
  leafDer: Buffer
  leafIssuer: Asn1
  leafSerialNumber: Asn1
  /** Every certificate, leaf first, for the SignedData's certificates. */
  chain: Asn1[]
  /** The CMS's exact size, from a dry run: the digest and an RSA signature are fixed-size. */
  cmsSize: number
}

/** `certificates` are DER, leaf first; the leaf must be the certificate of `privateKey`. */
export function createCmsSigner(privateKey: KeyObject, certificates: Buffer[], signatureLength: number): CmsSigner {
  const chain = certificates.map((der) => build.parsed(der))
  const tbs = childrenOf(childrenOf(chain[0])[0])
  // TBSCertificate: [0] version (absent for v1), serialNumber, signature, issuer, …
  const first = isContextTag(tbs[0], 0) ? 1 : 0
  const leafSerialNumber = tbs[first]
  const leafIssuer = tbs[first + 2]
  const leafDer = certificates[0]
  if (!leafSerialNumber || !leafIssuer || !leafDer) throw new Error('the signing certificate is not an X.509 certificate')
  const signer = { privateKey, signatureLength, leafDer, leafIssuer, leafSerialNumber, chain, cmsSize: 0 }
  signer.cmsSize = buildSignedData(signer, signedAttributes(signer, Buffer.alloc(32), OID.data), Buffer.alloc(signatureLength)).length
  return signer
}

/**
 * The DER CMS for the content whose SHA-256 is `contentDigest`. `timestamp`, when given, returns an
 * RFC 3161 token for the signature value, which goes into the unsigned attributes (PAdES B-T).
 */
export async function signCms(signer: CmsSigner, contentDigest: Buffer, timestamp?: (signatureValue: Buffer) => Promise<Asn1>): Promise<Buffer> {
  const attributes = signedAttributes(signer, contentDigest, OID.data)
  const signature = await rsaSign(signer, attributes)
  const unsignedAttributes = timestamp ? [attribute(CMS_OID.signatureTimeStampToken, await timestamp(signature))] : []
  return buildSignedData(signer, attributes, signature, unsignedAttributes)
}

/**
 * A CMS that carries its content inside (attached), of type `contentType`: what an RFC 3161
 * TimeStampToken is, with the DER TSTInfo as content. Returned as the ContentInfo node.
 */
export async function signEncapsulatedCms(signer: CmsSigner, contentType: string, content: Buffer): Promise<Asn1> {
  const attributes = signedAttributes(signer, createHash('sha256').update(content).digest(), contentType)
  const signature = await rsaSign(signer, attributes)
  return build.parsed(buildSignedData(signer, attributes, signature, [], { contentType, content }))
}

function rsaSign(signer: CmsSigner, attributes: Asn1[]): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    // The callback form runs on libuv's thread pool, so main stays responsive and batches overlap.
    sign('sha256', toDer(build.set(attributes)), signer.privateKey, (error, result) => (error ? reject(error) : resolve(result)))
  })
}

function buildSignedData(signer: CmsSigner, attributes: Asn1[], signature: Buffer, unsignedAttributes: Asn1[] = [], encapsulated?: { contentType: string; content: Buffer }): Buffer {
  const sha256 = build.sequence([build.oid(OID.sha256)])
  const signerInfo = build.sequence([
    build.integer(1),
    build.sequence([signer.leafIssuer, signer.leafSerialNumber]),
    sha256,
    forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, true, attributes),
    build.sequence([build.oid(CMS_OID.sha256WithRsaEncryption), build.null()]),
    build.octets(signature),
    ...(unsignedAttributes.length > 0 ? [forge.asn1.create(Class.CONTEXT_SPECIFIC, 1, true, unsignedAttributes)] : []),
  ])
  const signedData = build.sequence([
    // RFC 5652 §5.1: version 3 when the content is not id-data.
    build.integer(encapsulated ? 3 : 1),
    build.set([sha256]),
    encapsulated ? build.sequence([build.oid(encapsulated.contentType), build.explicit(0, build.octets(encapsulated.content))]) : build.sequence([build.oid(OID.data)]),
    forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, true, signer.chain),
    build.set([signerInfo]),
  ])
  return toDer(build.sequence([build.oid(OID.signedData), build.explicit(0, signedData)]))
}

const attribute = (oid: string, value: Asn1) => build.sequence([build.oid(oid), build.set([value])])

/** The signed attributes in DER order: a SET OF is sorted by the elements' encodings. */
function signedAttributes(signer: CmsSigner, contentDigest: Buffer, contentType: string): Asn1[] {
  const essCertIdV2 = build.sequence([
    // hashAlgorithm is omitted: SHA-256 is its DEFAULT, and DER leaves defaults out.
    build.octets(createHash('sha256').update(signer.leafDer).digest()),
    build.sequence([build.sequence([build.explicit(4, signer.leafIssuer)]), signer.leafSerialNumber]),
  ])
  const attributes = [
    attribute(CMS_OID.contentType, build.oid(contentType)),
    attribute(CMS_OID.messageDigest, build.octets(contentDigest)),
    attribute(CMS_OID.signingCertificateV2, build.sequence([build.sequence([essCertIdV2])])),
  ]
  return attributes
    .map((node) => ({ node, der: toDer(node) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map(({ node }) => node)
}
