import forge from 'node-forge'
import { childrenOf, type Asn1 } from '../../keys/der'

/*
 * What verification needs beyond the shared DER helpers (`src/main/keys/der.ts`, which the signer
 * uses too): lenient parsing of a zero-padded /Contents, times, paths and required parts.
 */

export type { Asn1 }
export const { Class, Type } = forge.asn1

interface FromDerOptions {
  strict?: boolean
  parseAllBytes?: boolean
  decodeBitStrings?: boolean
}

/** forge's runtime takes an options object; its type declarations only know the boolean form. */
const fromDer = forge.asn1.fromDer as unknown as (bytes: forge.util.ByteStringBuffer, options: FromDerOptions) => Asn1

export class Asn1FormatError extends Error {}

/**
 * Parses one DER/BER element from the start of `bytes` and says how many bytes it took: a
 * signature's /Contents is zero-padded after the CMS. Bit strings stay opaque so that
 * re-encoding reproduces the signed bytes exactly.
 */
export function parseDer(bytes: Buffer): { node: Asn1; length: number } {
  const buffer = forge.util.createBuffer(bytes.toString('binary'))
  try {
    const node = fromDer(buffer, { parseAllBytes: false, decodeBitStrings: false })
    return { node, length: bytes.length - buffer.length() }
  } catch (error) {
    throw new Asn1FormatError(`not valid DER: ${(error as Error).message}`)
  }
}

export function isUniversal(node: Asn1 | undefined, type: number): node is Asn1 {
  return node !== undefined && node.tagClass === Class.UNIVERSAL && node.type === type
}

/** A primitive's content bytes; a BER constructed string's segments joined. */
export function contentBytes(node: Asn1 | undefined): Buffer {
  if (!node) return Buffer.alloc(0)
  if (typeof node.value === 'string') return Buffer.from(node.value, 'binary')
  return Buffer.concat(node.value.map((child) => contentBytes(child)))
}

export function timeOf(node: Asn1 | undefined): Date | undefined {
  if (!node || node.tagClass !== Class.UNIVERSAL || typeof node.value !== 'string') return undefined
  try {
    if (node.type === Type.UTCTIME) return forge.asn1.utcTimeToDate(node.value)
    if (node.type === Type.GENERALIZEDTIME) return forge.asn1.generalizedTimeToDate(node.value)
  } catch {
    return undefined
  }
  return undefined
}

/** Walks `path` child indexes down from `node`. */
export function childAt(node: Asn1 | undefined, ...path: number[]): Asn1 | undefined {
  let current = node
  for (const index of path) current = childrenOf(current)[index]
  return current
}

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Asn1FormatError(`${what} is missing`)
  return value
}
