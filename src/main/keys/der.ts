import forge from 'node-forge'

/** ASN.1 through node-forge: primitive values are "binary strings" (one char per byte), converted at the edges. */
export type Asn1 = forge.asn1.Asn1
const { Class, Type } = forge.asn1

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const

type DerReading = { kind: 'complete'; node: Asn1 } | { kind: 'truncated' } | { kind: 'damaged' }

/**
 * Reads the DER element at the start of `bytes`. The outer length is checked by hand first, because
 * "declared longer than the file" is exactly what a file cut short looks like; bytes after the
 * element (a trailing newline, padding) are ignored.
 */
export function readDer(bytes: Buffer): DerReading {
  const header = readHeader(bytes)
  if (header === 'short') return { kind: 'truncated' }
  if (!header) return { kind: 'damaged' }
  let element = bytes
  if (header.contentLength !== undefined) {
    const end = header.headerLength + header.contentLength
    if (end > bytes.length) return { kind: 'truncated' }
    element = bytes.subarray(0, end)
  }
  try {
    return { kind: 'complete', node: forge.asn1.fromDer(toBinary(element), true) }
  } catch {
    return { kind: 'damaged' }
  }
}

/** A SEQUENCE whose first member is an INTEGER or a SEQUENCE: the opening of every key, certificate and PFX. */
export function startsLikeKeyStructure(bytes: Buffer): boolean {
  const header = readHeader(bytes)
  if (typeof header !== 'object' || bytes[0] !== 0x30) return false
  const inner = bytes[header.headerLength]
  return inner === 0x02 || inner === 0x30
}

/** 'short' when the bytes end inside the header; undefined when it is not a DER header this code reads. */
function readHeader(bytes: Buffer): { headerLength: number; contentLength: number | undefined } | 'short' | undefined {
  const [tag, lengthByte] = bytes
  if (tag === undefined || lengthByte === undefined) return 'short'
  if ((tag & 0x1f) === 0x1f) return undefined // multi-byte tag numbers never open a key
  if (lengthByte < 0x80) return { headerLength: 2, contentLength: lengthByte }
  if (lengthByte === 0x80) return { headerLength: 2, contentLength: undefined } // BER indefinite length
  const lengthOctets = lengthByte & 0x7f
  if (lengthOctets > 4) return undefined
  if (bytes.length < 2 + lengthOctets) return 'short'
  return { headerLength: 2 + lengthOctets, contentLength: bytes.readUIntBE(2, lengthOctets) }
}

export function toBinary(bytes: Buffer): string {
  return bytes.toString('latin1')
}

export function fromBinary(binary: string): Buffer {
  return Buffer.from(binary, 'latin1')
}

export function toDer(node: Asn1): Buffer {
  return fromBinary(forge.asn1.toDer(node).getBytes())
}

export function childrenOf(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? node.value : []
}

function isUniversal(node: Asn1 | undefined, type: forge.asn1.Type): node is Asn1 {
  return node !== undefined && node.tagClass === Class.UNIVERSAL && node.type === type
}

export function isSequence(node: Asn1 | undefined): node is Asn1 {
  return isUniversal(node, Type.SEQUENCE) && node.constructed
}

export function isInteger(node: Asn1 | undefined): node is Asn1 {
  return isUniversal(node, Type.INTEGER) && !node.constructed
}

export function isOctetString(node: Asn1 | undefined): node is Asn1 {
  return isUniversal(node, Type.OCTETSTRING)
}

export function isBitString(node: Asn1 | undefined): node is Asn1 {
  return isUniversal(node, Type.BITSTRING)
}

export function oidOf(node: Asn1 | undefined): string | undefined {
  return isUniversal(node, Type.OID) && typeof node.value === 'string' ? forge.asn1.derToOid(node.value) : undefined
}

/** Small non-negative INTEGERs only (versions, iteration counts); undefined otherwise. */
export function smallIntegerOf(node: Asn1 | undefined): number | undefined {
  if (!isInteger(node) || typeof node.value !== 'string') return undefined
  const bytes = fromBinary(node.value)
  if (bytes.length === 0 || bytes.length > 6 || (bytes[0]! & 0x80) !== 0) return undefined
  return bytes.readUIntBE(0, bytes.length)
}

/** The bytes of a primitive element, or of a BER constructed string (its chunks joined). */
export function bytesOf(node: Asn1 | undefined): Buffer | undefined {
  if (!node) return undefined
  if (typeof node.value === 'string') return fromBinary(node.value)
  const chunks = node.value.map(bytesOf)
  return chunks.every((chunk) => chunk !== undefined) ? Buffer.concat(chunks) : undefined
}

/** The single element inside a context-specific [n] EXPLICIT wrapper. */
export function explicitContent(node: Asn1 | undefined, tagNumber: number): Asn1 | undefined {
  if (!node || node.tagClass !== Class.CONTEXT_SPECIFIC || node.type !== tagNumber || !Array.isArray(node.value)) return undefined
  return node.value[0]
}

export function isContextTag(node: Asn1 | undefined, tagNumber: number): node is Asn1 {
  return node !== undefined && node.tagClass === Class.CONTEXT_SPECIFIC && node.type === tagNumber
}

export const build = {
  sequence: (items: Asn1[]): Asn1 => forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items),
  set: (items: Asn1[]): Asn1 => forge.asn1.create(Class.UNIVERSAL, Type.SET, true, items),
  oid: (oid: string): Asn1 => forge.asn1.create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(oid).getBytes()),
  integer: (value: number): Asn1 => forge.asn1.create(Class.UNIVERSAL, Type.INTEGER, false, forge.asn1.integerToDer(value).getBytes()),
  octets: (bytes: Buffer): Asn1 => forge.asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, toBinary(bytes)),
  null: (): Asn1 => forge.asn1.create(Class.UNIVERSAL, Type.NULL, false, ''),
  // forge encodes BMPString values itself, one UTF-16 code unit per character.
  bmpString: (text: string): Asn1 => forge.asn1.create(Class.UNIVERSAL, Type.BMPSTRING, false, text),
  explicit: (tagNumber: number, inner: Asn1): Asn1 => forge.asn1.create(Class.CONTEXT_SPECIFIC, tagNumber, true, [inner]),
  implicitOctets: (tagNumber: number, bytes: Buffer): Asn1 => forge.asn1.create(Class.CONTEXT_SPECIFIC, tagNumber, false, toBinary(bytes)),
  parsed: (der: Buffer): Asn1 => forge.asn1.fromDer(toBinary(der), true),
}
