import { createPrivateKey, type KeyObject } from 'node:crypto'
import { type Asn1, childrenOf, isInteger, isOctetString, isSequence, OID, oidOf, smallIntegerOf } from './der'
import { keyNotRsa, keyTruncated } from './key-errors'

const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
}

const KEY_TYPE_NAMES: Record<string, string> = {
  ec: 'EC',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  x25519: 'X25519',
  x448: 'X448',
  dsa: 'DSA',
  dh: 'Diffie-Hellman',
  'rsa-pss': 'RSA-PSS (restricted to PSS signatures)',
}

const ALGORITHM_NAMES: Record<string, string> = {
  '1.2.840.10045.2.1': 'EC',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.113549.1.3.1': 'Diffie-Hellman',
  '1.2.840.113549.1.1.10': 'RSA-PSS (restricted to PSS signatures)',
}

function withCurve(name: string, curve: string | undefined): string {
  return curve ? `${name} (${CURVE_NAMES[curve] ?? curve})` : name
}

/** Node decoded a key; refuse anything but plain RSA, naming what it is. */
export function requireRsa(key: KeyObject): KeyObject {
  const type = key.asymmetricKeyType ?? 'unknown'
  if (type !== 'rsa') throw keyNotRsa(withCurve(KEY_TYPE_NAMES[type] ?? type, key.asymmetricKeyDetails?.namedCurve))
  return key
}

export function modulusBits(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength
  if (bits === undefined) throw new Error('RSA key without a modulus length')
  return bits
}

/** RSAPrivateKey (PKCS#1): version 0 (or 1, multi-prime) then at least eight INTEGERs. */
export function isPkcs1PrivateKey(node: Asn1): boolean {
  const members = childrenOf(node)
  const version = smallIntegerOf(members[0])
  return isSequence(node) && (version === 0 || version === 1) && members.length >= 9 && members.slice(0, 9).every(isInteger)
}

/** PrivateKeyInfo (PKCS#8): version, AlgorithmIdentifier, OCTET STRING. */
export function isPrivateKeyInfo(node: Asn1): boolean {
  const [version, algorithm, privateKey] = childrenOf(node)
  const versionNumber = smallIntegerOf(version)
  return isSequence(node) && (versionNumber === 0 || versionNumber === 1) && oidOf(childrenOf(algorithm)[0]) !== undefined && isOctetString(privateKey)
}

/**
 * An RSA KeyObject from PrivateKeyInfo DER. The algorithm OID is read first, so a non-RSA key is named
 * even when Node has no decoder for it.
 */
export function rsaKeyFromPrivateKeyInfo(der: Buffer, node: Asn1): KeyObject {
  if (!isPrivateKeyInfo(node)) throw keyTruncated('the PKCS#8 key structure is damaged')
  const [algorithm, parameters] = childrenOf(childrenOf(node)[1])
  const algorithmOid = oidOf(algorithm)
  if (algorithmOid !== OID.rsaEncryption) {
    throw keyNotRsa(withCurve(ALGORITHM_NAMES[algorithmOid ?? ''] ?? `of an unrecognised type (algorithm OID ${algorithmOid})`, oidOf(parameters)))
  }
  return createKeyOrDamaged(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), 'the PKCS#8 key data is damaged')
}

export function rsaKeyFromPkcs1(der: Buffer, node: Asn1): KeyObject {
  if (!isPkcs1PrivateKey(node)) throw keyTruncated('the PKCS#1 key structure is damaged')
  return createKeyOrDamaged(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }), 'the PKCS#1 key data is damaged')
}

/** The structure was checked already, so Node failing here means the numbers inside are damaged. */
function createKeyOrDamaged(create: () => KeyObject, reason: string): KeyObject {
  let key: KeyObject
  try {
    key = create()
  } catch {
    throw keyTruncated(reason)
  }
  return requireRsa(key)
}
