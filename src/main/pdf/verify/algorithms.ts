import { constants, verify, type KeyObject } from 'node:crypto'
import { childrenOf, isContextTag, oidOf } from '../../keys/der'
import { contentBytes, type Asn1 } from './asn1'

/** Digest OIDs to Node's names and the names people read. */
const DIGESTS = new Map<string, { node: string; label: string }>([
  ['1.2.840.113549.2.5', { node: 'md5', label: 'MD5' }],
  ['1.3.14.3.2.26', { node: 'sha1', label: 'SHA-1' }],
  ['2.16.840.1.101.3.4.2.4', { node: 'sha224', label: 'SHA-224' }],
  ['2.16.840.1.101.3.4.2.1', { node: 'sha256', label: 'SHA-256' }],
  ['2.16.840.1.101.3.4.2.2', { node: 'sha384', label: 'SHA-384' }],
  ['2.16.840.1.101.3.4.2.3', { node: 'sha512', label: 'SHA-512' }],
  ['2.16.840.1.101.3.4.2.8', { node: 'sha3-256', label: 'SHA3-256' }],
  ['2.16.840.1.101.3.4.2.9', { node: 'sha3-384', label: 'SHA3-384' }],
  ['2.16.840.1.101.3.4.2.10', { node: 'sha3-512', label: 'SHA3-512' }],
  ['1.3.36.3.2.1', { node: 'ripemd160', label: 'RIPEMD-160' }],
])

export interface Digest {
  node: string
  label: string
}

export function digestByOid(oid: string | undefined): Digest | undefined {
  return oid === undefined ? undefined : DIGESTS.get(oid)
}

/** OIDs that name the signature scheme and, for most, the digest too. */
const SCHEMES = new Map<string, { family: SignatureFamily; digest?: string }>([
  ['1.2.840.113549.1.1.1', { family: 'rsa' }],
  ['1.2.840.113549.1.1.4', { family: 'rsa', digest: '1.2.840.113549.2.5' }],
  ['1.2.840.113549.1.1.5', { family: 'rsa', digest: '1.3.14.3.2.26' }],
  ['1.2.840.113549.1.1.14', { family: 'rsa', digest: '2.16.840.1.101.3.4.2.4' }],
  ['1.2.840.113549.1.1.11', { family: 'rsa', digest: '2.16.840.1.101.3.4.2.1' }],
  ['1.2.840.113549.1.1.12', { family: 'rsa', digest: '2.16.840.1.101.3.4.2.2' }],
  ['1.2.840.113549.1.1.13', { family: 'rsa', digest: '2.16.840.1.101.3.4.2.3' }],
  ['2.16.840.1.101.3.4.3.14', { family: 'rsa', digest: '2.16.840.1.101.3.4.2.8' }],
  ['2.16.840.1.101.3.4.3.15', { family: 'rsa', digest: '2.16.840.1.101.3.4.2.9' }],
  ['2.16.840.1.101.3.4.3.16', { family: 'rsa', digest: '2.16.840.1.101.3.4.2.10' }],
  ['1.2.840.113549.1.1.10', { family: 'rsa-pss' }],
  ['1.2.840.10045.2.1', { family: 'ecdsa' }],
  ['1.2.840.10045.4.1', { family: 'ecdsa', digest: '1.3.14.3.2.26' }],
  ['1.2.840.10045.4.3.1', { family: 'ecdsa', digest: '2.16.840.1.101.3.4.2.4' }],
  ['1.2.840.10045.4.3.2', { family: 'ecdsa', digest: '2.16.840.1.101.3.4.2.1' }],
  ['1.2.840.10045.4.3.3', { family: 'ecdsa', digest: '2.16.840.1.101.3.4.2.2' }],
  ['1.2.840.10045.4.3.4', { family: 'ecdsa', digest: '2.16.840.1.101.3.4.2.3' }],
  ['2.16.840.1.101.3.4.3.10', { family: 'ecdsa', digest: '2.16.840.1.101.3.4.2.8' }],
  ['2.16.840.1.101.3.4.3.11', { family: 'ecdsa', digest: '2.16.840.1.101.3.4.2.9' }],
  ['2.16.840.1.101.3.4.3.12', { family: 'ecdsa', digest: '2.16.840.1.101.3.4.2.10' }],
  ['1.2.840.10040.4.1', { family: 'dsa' }],
  ['1.2.840.10040.4.3', { family: 'dsa', digest: '1.3.14.3.2.26' }],
  ['2.16.840.1.101.3.4.3.2', { family: 'dsa', digest: '2.16.840.1.101.3.4.2.1' }],
  ['1.3.101.112', { family: 'ed25519' }],
  ['1.3.101.113', { family: 'ed448' }],
])

type SignatureFamily = 'rsa' | 'rsa-pss' | 'ecdsa' | 'dsa' | 'ed25519' | 'ed448'

const FAMILY_LABELS: Record<SignatureFamily, string> = {
  rsa: 'RSA PKCS#1 v1.5',
  'rsa-pss': 'RSASSA-PSS',
  ecdsa: 'ECDSA',
  dsa: 'DSA',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
}

const MGF1 = '1.2.840.113549.1.1.8'
const SHA1 = '1.3.14.3.2.26'

export interface SignatureScheme {
  family: SignatureFamily
  /** Undefined for EdDSA, which hashes internally. */
  digest?: Digest
  pssSaltLength?: number
  label: string
}

/**
 * The scheme an AlgorithmIdentifier names; `fallbackDigestOid` is the SignerInfo's digest for
 * OIDs such as rsaEncryption that name no digest. Throws with the reason when unsupported.
 */
export function signatureScheme(algorithm: Asn1 | undefined, fallbackDigestOid?: string): SignatureScheme {
  const oid = oidOf(childrenOf(algorithm)[0])
  const known = oid === undefined ? undefined : SCHEMES.get(oid)
  if (!known) throw new Error(`signature algorithm ${oid ?? '(missing)'} is not supported`)
  if (known.family === 'ed25519' || known.family === 'ed448') return { family: known.family, label: FAMILY_LABELS[known.family] }
  if (known.family === 'rsa-pss') return pssScheme(childrenOf(algorithm)[1])
  const digestOid = known.digest ?? fallbackDigestOid
  const digest = digestByOid(digestOid)
  if (!digest) throw new Error(`digest algorithm ${digestOid ?? '(missing)'} is not supported`)
  return { family: known.family, digest, label: `${FAMILY_LABELS[known.family]} with ${digest.label}` }
}

/** RSASSA-PSS-params (RFC 4055): hash, MGF1 with the same hash (all Node supports), salt length. */
function pssScheme(parameters: Asn1 | undefined): SignatureScheme {
  let hashOid = SHA1
  let mgfHashOid = SHA1
  let saltLength = 20
  for (const field of childrenOf(parameters)) {
    const inner = childrenOf(field)[0]
    if (isContextTag(field, 0)) hashOid = oidOf(childrenOf(inner)[0]) ?? hashOid
    else if (isContextTag(field, 1)) {
      if (oidOf(childrenOf(inner)[0]) !== MGF1) throw new Error('RSASSA-PSS with a mask generation function other than MGF1 is not supported')
      mgfHashOid = oidOf(childrenOf(childrenOf(inner)[1])[0]) ?? mgfHashOid
    } else if (isContextTag(field, 2)) saltLength = contentBytes(inner).reduce((value, byte) => value * 256 + byte, 0)
  }
  const digest = digestByOid(hashOid)
  if (!digest) throw new Error(`RSASSA-PSS with digest ${hashOid} is not supported`)
  if (mgfHashOid !== hashOid) throw new Error('RSASSA-PSS whose MGF1 hash differs from its message hash is not supported')
  return { family: 'rsa-pss', digest, pssSaltLength: saltLength, label: `RSASSA-PSS with ${digest.label}` }
}

/** Verifies `signature` over `data` (which the scheme hashes itself). False, not an exception, on a key of the wrong kind. */
export function verifyWithScheme(scheme: SignatureScheme, data: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    const keyOptions = scheme.family === 'rsa-pss' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.pssSaltLength } : key
    return verify(scheme.digest?.node ?? null, data, keyOptions, signature)
  } catch {
    return false
  }
}
