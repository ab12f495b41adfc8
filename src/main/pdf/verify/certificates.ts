import { createPublicKey, type KeyObject } from 'node:crypto'
import { childrenOf, isContextTag, oidOf, toDer } from '../../keys/der'
import { signatureScheme, verifyWithScheme } from './algorithms'
import { Asn1FormatError, childAt, contentBytes, required, isUniversal, parseDer, timeOf, Type, type Asn1 } from './asn1'
import type { CertificateReport } from './types'

/** Short names as `pdfsig` and OpenSSL print them. */
const ATTRIBUTE_NAMES = new Map<string, string>([
  ['2.5.4.3', 'CN'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.5', 'serialNumber'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'street'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'title'],
  ['2.5.4.42', 'givenName'],
  ['2.5.4.43', 'initials'],
  ['2.5.4.46', 'dnQualifier'],
  ['2.5.4.65', 'pseudonym'],
  ['2.5.4.97', 'organizationIdentifier'],
  ['1.2.840.113549.1.9.1', 'E'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
])

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14'
/** UniversalString (UTF-32BE), which forge's Type enum lacks. */
const UNIVERSAL_STRING = 28

export interface Certificate {
  der: Buffer
  subject: string
  subjectDer: Buffer
  commonName?: string
  issuer: string
  issuerDer: Buffer
  serialNumber: string
  notBefore: Date
  notAfter: Date
  subjectKeyIdentifier?: Buffer
  /** Undefined when Node cannot load the key (an unsupported curve, say). */
  publicKey?: KeyObject
  /** The DER that the issuer signed, its algorithm and the signature, to check it against a candidate issuer. */
  tbsDer: Buffer
  signatureAlgorithm: Asn1
  signatureValue: Buffer
}

export function parseCertificate(der: Buffer): Certificate {
  const { node } = parseDer(der)
  const [tbs, signatureAlgorithm, signatureValue] = childrenOf(node)
  const fields = childrenOf(tbs)
  const offset = isContextTag(fields[0], 0) ? 1 : 0
  const [serial, , issuer, validity, subject, spki] = fields.slice(offset)
  const extensions = fields.slice(offset + 6).find((field) => isContextTag(field, 3))
  let publicKey: KeyObject | undefined
  try {
    publicKey = createPublicKey({ key: toDer(required(spki, 'the public key')), format: 'der', type: 'spki' })
  } catch {
    publicKey = undefined
  }
  const subjectNames = nameAttributes(subject)
  return {
    der,
    subject: formatName(subjectNames),
    subjectDer: toDer(required(subject, 'the subject')),
    commonName: subjectNames.findLast(([key]) => key === 'CN')?.[1],
    issuer: formatName(nameAttributes(issuer)),
    issuerDer: toDer(required(issuer, 'the issuer')),
    serialNumber: contentBytes(required(serial, 'the serial number')).toString('hex'),
    notBefore: required(timeOf(childAt(validity, 0)), 'notBefore'),
    notAfter: required(timeOf(childAt(validity, 1)), 'notAfter'),
    subjectKeyIdentifier: subjectKeyIdentifier(extensions),
    publicKey,
    tbsDer: toDer(required(tbs, 'the signed part')),
    signatureAlgorithm: required(signatureAlgorithm, 'the signature algorithm'),
    // A BIT STRING's first content byte counts unused bits: zero for signatures.
    signatureValue: contentBytes(required(signatureValue, 'the signature')).subarray(1),
  }
}

function subjectKeyIdentifier(extensions: Asn1 | undefined): Buffer | undefined {
  for (const extension of childrenOf(childAt(extensions, 0))) {
    const [id, ...rest] = childrenOf(extension)
    if (oidOf(id) !== SUBJECT_KEY_IDENTIFIER) continue
    const value = rest.at(-1)
    return contentBytes(parseDer(contentBytes(value)).node)
  }
  return undefined
}

/** A DER Name as `Certificate.subject` and `issuer` print it (undefined when unreadable). */
export function nameFromDer(der: Buffer): string | undefined {
  try {
    return formatName(nameAttributes(parseDer(der).node))
  } catch {
    return undefined
  }
}

/** The attributes of a Name in the order stored (least specific first). */
function nameAttributes(name: Asn1 | undefined): [string, string][] {
  if (!isUniversal(name, Type.SEQUENCE)) throw new Asn1FormatError('a certificate name is not a sequence')
  return childrenOf(name).flatMap((rdn) =>
    childrenOf(rdn).map((attribute): [string, string] => {
      const [type, value] = childrenOf(attribute)
      const oid = oidOf(type) ?? '?'
      return [ATTRIBUTE_NAMES.get(oid) ?? oid, directoryString(value)]
    }),
  )
}

function directoryString(node: Asn1 | undefined): string {
  const bytes = contentBytes(node)
  switch (node?.type as number | undefined) {
    case Type.UTF8:
      return bytes.toString('utf8')
    case Type.BMPSTRING:
      return Buffer.from(bytes).swap16().toString('utf16le')
    case UNIVERSAL_STRING:
      return Array.from({ length: Math.floor(bytes.length / 4) }, (_, index) => String.fromCodePoint(bytes.readUInt32BE(index * 4))).join('')
    default:
      return bytes.toString('latin1')
  }
}

/** RFC 4514 order and escaping, joined with ", " for reading. */
function formatName(attributes: [string, string][]): string {
  return [...attributes]
    .reverse()
    .map(([key, value]) => `${key}=${value.replace(/[,+"\\<>;]/g, '\\$&').replace(/^[ #]/, '\\$&')}`)
    .join(', ')
}

/** Whether `issuer`'s key verifies `certificate`'s signature. */
export function isSignedBy(certificate: Certificate, issuer: Certificate): boolean {
  if (!issuer.publicKey) return false
  try {
    return verifyWithScheme(signatureScheme(certificate.signatureAlgorithm), certificate.tbsDer, issuer.publicKey, certificate.signatureValue)
  } catch {
    return false
  }
}

function namesMatch(issuerOf: Certificate, candidate: Certificate): boolean {
  return issuerOf.issuerDer.equals(candidate.subjectDer) || issuerOf.issuer === candidate.subject
}

/** The chain from the signer upwards through the embedded certificates, each with whether the next one signed it. */
export function buildChain(signer: Certificate, pool: Certificate[]): CertificateReport[] {
  const chain = [signer]
  for (let current = signer; !namesMatch(current, current) && chain.length < 16; ) {
    const candidates = pool.filter((candidate) => !chain.includes(candidate) && namesMatch(current, candidate))
    const issuer = candidates.find((candidate) => isSignedBy(current, candidate)) ?? candidates[0]
    if (!issuer) break
    chain.push(issuer)
    current = issuer
  }
  return chain.map((certificate, index) => {
    const next = chain[index + 1]
    return {
      subject: certificate.subject,
      commonName: certificate.commonName,
      issuer: certificate.issuer,
      serialNumber: certificate.serialNumber,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
      issuedByNext: next ? isSignedBy(certificate, next) : null,
      selfSigned: namesMatch(certificate, certificate) && isSignedBy(certificate, certificate),
    }
  })
}
