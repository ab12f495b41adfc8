import { createHash, createHmac, type KeyObject, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto'
import { type Asn1, build, bytesOf, childrenOf, explicitContent, isContextTag, isOctetString, isSequence, OID, oidOf, readDer, smallIntegerOf, toDer } from './der'
import type { TekenError } from '../../shared/errors'
import { checkKdfCost, keyFormatUnknown, keyIsPublic, keyTruncated, MAX_KDF_ITERATIONS, passphraseRejected, unsupportedEncryption } from './key-errors'
import {
  ABSENT_PASSWORD,
  type HashName,
  PBE_ITERATIONS,
  type PbePassword,
  type PbeScheme,
  parsePbeScheme,
  pbeDecrypt,
  pbePassword,
  pbes2Encrypt,
  pkcs12Kdf,
} from './pbe'
import { isPrivateKeyInfo, modulusBits, rsaKeyFromPrivateKeyInfo } from './rsa-key'
import type { ImportedKey } from './types'

/*
 * PKCS#12 (RFC 7292) in password privacy and integrity mode, the only mode OpenSSL, Windows and Java
 * write. node-forge parses and builds the ASN.1; the MAC and decryption are done here with Node's
 * crypto, because forge feeds one password string to both PBKDF2 (which needs UTF-8 bytes) and the
 * PKCS#12 KDF (which needs UTF-16), so a non-ASCII passphrase cannot open an OpenSSL 3 file in forge.
 */

const WHAT = 'PKCS#12 file'
const REMEDY =
  'Convert it with OpenSSL 3: "openssl pkcs12 -in old.p12 -legacy -nodes -out all.pem", then "openssl pkcs12 -export -in all.pem -out new.p12", and import new.p12.'

const MAC_HASH_BY_OID: Record<string, HashName> = {
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
}
const OID_PBMAC1 = '1.2.840.113549.1.5.14'

/** PFX: version 3, then a ContentInfo. */
export function isPfx(node: Asn1): boolean {
  const [version, authSafe] = childrenOf(node)
  const contentType = oidOf(childrenOf(authSafe)[0])
  return smallIntegerOf(version) === 3 && (contentType === OID.data || contentType === OID.signedData)
}

interface Pkcs12Contents {
  /** PrivateKeyInfo DER, decrypted. */
  keys: Buffer[]
  certificates: Buffer[]
  keySchemes: PbeScheme[]
  containerSchemes: PbeScheme[]
}

/**
 * With no passphrase the empty one is tried in both encodings tools write for it, so a file exported
 * "without a password" opens without asking.
 */
export function importPkcs12(pfx: Asn1, passphrase: string | undefined): ImportedKey {
  const [, authSafe, macData] = childrenOf(pfx)
  const [contentType, content] = childrenOf(authSafe)
  if (oidOf(contentType) === OID.signedData) throw unsupportedEncryption('public-key integrity (a signed PKCS#12)', REMEDY)
  const authSafeBytes = octets(explicitContent(content, 0))
  if (!authSafeBytes) throw damaged()

  const candidates = passphrase ? [pbePassword(passphrase)] : [pbePassword(''), ABSENT_PASSWORD]
  const password = macData ? passwordVerifiedByMac(macData, authSafeBytes, candidates, passphrase) : candidates[0]!
  const contents: Pkcs12Contents = { keys: [], certificates: [], keySchemes: [], containerSchemes: [] }
  readAuthenticatedSafe(authSafeBytes, contents, password, passphrase)

  const [keyDer] = contents.keys
  if (!keyDer) throw contents.certificates.length > 0 ? keyIsPublic('a PKCS#12 file holding only certificates') : keyFormatUnknown('This PKCS#12 file holds no private key.')
  const keyReading = readDer(keyDer)
  // Without a MAC, a wrong passphrase can decrypt to well-padded garbage.
  if (keyReading.kind !== 'complete' || !isPrivateKeyInfo(keyReading.node)) throw passphraseRejected(WHAT, passphrase)
  const privateKey = rsaKeyFromPrivateKeyInfo(keyDer, keyReading.node)
  const certificates = orderCertificates(contents.certificates.map(parseCertificate), privateKey).map((certificate) => certificate.toString())
  return {
    format: 'pkcs12',
    description: `PKCS#12 (${describeProtection([...contents.keySchemes, ...contents.containerSchemes])})`,
    privateKey,
    bits: modulusBits(privateKey),
    certificates,
  }
}

function damaged(): TekenError {
  return keyTruncated('the PKCS#12 structure is damaged')
}

function octets(node: Asn1 | undefined): Buffer | undefined {
  return isOctetString(node) ? bytesOf(node) : undefined
}

const MAC_LENGTHS: Record<HashName, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 }

/** MacData: DigestInfo { algorithm, digest }, macSalt, iterations DEFAULT 1. */
function passwordVerifiedByMac(macData: Asn1, authSafeBytes: Buffer, candidates: PbePassword[], passphrase: string | undefined): PbePassword {
  const [digestInfo, saltNode, iterationsNode] = childrenOf(macData)
  const [digestAlgorithm, digestNode] = childrenOf(digestInfo)
  const hashOid = oidOf(childrenOf(digestAlgorithm)[0])
  const hash = MAC_HASH_BY_OID[hashOid ?? '']
  if (!hash) throw unsupportedEncryption(hashOid === OID_PBMAC1 ? 'PBMAC1 integrity protection' : `a MAC with digest OID ${hashOid ?? 'missing'}`, REMEDY)
  const salt = octets(saltNode)
  const expected = octets(digestNode)
  const iterations = iterationsNode ? smallIntegerOf(iterationsNode) : 1
  if (!salt || !expected || iterations === undefined || iterations < 1) throw damaged()
  checkKdfCost(iterations, MAX_KDF_ITERATIONS, 'a MAC iteration count')
  for (const candidate of candidates) {
    const macKey = pkcs12Kdf(hash, candidate.bmp, salt, 3, iterations, MAC_LENGTHS[hash])
    const actual = createHmac(hash, macKey).update(authSafeBytes).digest()
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return candidate
  }
  throw passphraseRejected(WHAT, passphrase, ', or the file was changed after it was made')
}

/** AuthenticatedSafe: a SEQUENCE of ContentInfo, each plain data or password-encrypted data. */
function readAuthenticatedSafe(bytes: Buffer, contents: Pkcs12Contents, password: PbePassword, passphrase: string | undefined): void {
  const reading = readDer(bytes)
  if (reading.kind !== 'complete') throw damaged()
  for (const contentInfo of childrenOf(reading.node)) {
    const [typeNode, wrapper] = childrenOf(contentInfo)
    const body = explicitContent(wrapper, 0)
    const type = oidOf(typeNode)
    if (type === OID.data) {
      const safeContents = readDer(octets(body) ?? Buffer.alloc(0))
      if (safeContents.kind !== 'complete') throw damaged()
      readSafeContents(safeContents.node, contents, password, passphrase)
    } else if (type === OID.encryptedData) {
      // EncryptedData: version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT encryptedContent }
      const [, algorithm, encryptedContent] = childrenOf(childrenOf(body)[1])
      const scheme = parsePbeScheme(algorithm, REMEDY)
      contents.containerSchemes.push(scheme)
      const ciphertext = isContextTag(encryptedContent, 0) ? bytesOf(encryptedContent) : undefined
      if (!ciphertext) throw damaged()
      const plaintext = pbeDecrypt(scheme, ciphertext, password, REMEDY)
      const safeContents = plaintext ? readDer(plaintext) : undefined
      if (safeContents?.kind !== 'complete' || !isSequence(safeContents.node)) throw passphraseRejected(WHAT, passphrase)
      readSafeContents(safeContents.node, contents, password, passphrase)
    } else if (type === OID.envelopedData) {
      throw unsupportedEncryption('public-key privacy (an enveloped PKCS#12)', REMEDY)
    } else {
      throw damaged()
    }
  }
}

/** SafeContents: SafeBag { bagId, [0] EXPLICIT bagValue, attributes }. CRL and secret bags are skipped. */
function readSafeContents(safeContents: Asn1, contents: Pkcs12Contents, password: PbePassword, passphrase: string | undefined): void {
  for (const bag of childrenOf(safeContents)) {
    const [bagId, wrapper] = childrenOf(bag)
    const value = explicitContent(wrapper, 0)
    if (!value) throw damaged()
    switch (oidOf(bagId)) {
      case OID.keyBag:
        contents.keys.push(toDer(value))
        break
      case OID.pkcs8ShroudedKeyBag: {
        const [algorithm, encrypted] = childrenOf(value)
        const scheme = parsePbeScheme(algorithm, REMEDY)
        contents.keySchemes.push(scheme)
        const ciphertext = octets(encrypted)
        if (!ciphertext) throw damaged()
        const plaintext = pbeDecrypt(scheme, ciphertext, password, REMEDY)
        if (!plaintext) throw passphraseRejected(WHAT, passphrase)
        contents.keys.push(plaintext)
        break
      }
      case OID.certBag: {
        const [certType, certValue] = childrenOf(value)
        const certificate = oidOf(certType) === OID.x509Certificate ? octets(explicitContent(certValue, 0)) : undefined
        if (certificate) contents.certificates.push(certificate)
        break
      }
      case OID.safeContentsBag:
        readSafeContents(value, contents, password, passphrase)
        break
    }
  }
}

function parseCertificate(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der)
  } catch {
    throw keyTruncated('a certificate in the PKCS#12 file is damaged')
  }
}

/** The certificate for the key first, then each issuer in turn, then anything else in file order. */
function orderCertificates(certificates: X509Certificate[], key: KeyObject): X509Certificate[] {
  const remaining = [...certificates]
  const ordered: X509Certificate[] = []
  let current = remaining.find((certificate) => certificate.checkPrivateKey(key))
  while (current) {
    ordered.push(current)
    remaining.splice(remaining.indexOf(current), 1)
    const issued = current
    current = remaining.find((candidate) => issued.checkIssued(candidate))
  }
  return [...ordered, ...remaining]
}

/** "AES-256-CBC, PBKDF2" for OpenSSL 3's default, "legacy 3DES/RC2" for -legacy; the key's scheme first. */
function describeProtection(schemes: PbeScheme[]): string {
  const modern = new Set(schemes.flatMap((scheme) => (scheme.kind === 'pbes2' ? [scheme.cipher.name] : [])))
  const legacy = new Set(schemes.flatMap((scheme) => (scheme.kind === 'pkcs12-pbe' ? [scheme.cipher.name] : [])))
  const parts = [...(modern.size > 0 ? [`${[...modern].join('/')}, PBKDF2`] : []), ...(legacy.size > 0 ? [`legacy ${[...legacy].join('/')}`] : [])]
  return parts.length > 0 ? parts.join('; ') : 'unencrypted'
}

/**
 * A PKCS#12 as OpenSSL 3 writes by default: the certificates in AES-256-CBC encrypted data, the key in
 * a shrouded key bag (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC), and a SHA-256 MAC over everything.
 * The certificate matching the key goes first and shares a localKeyId with it, as Windows and Java expect.
 */
export function exportPkcs12(key: KeyObject, certificates: string[], passphrase: string, friendlyName?: string): Buffer {
  const password = pbePassword(passphrase)
  const parsed = certificates.map((pem) => new X509Certificate(pem))
  const leaf = parsed.find((certificate) => certificate.checkPrivateKey(key))
  const ordered = leaf ? [leaf, ...parsed.filter((certificate) => certificate !== leaf)] : parsed
  const localKeyId = leaf ? createHash('sha1').update(leaf.raw).digest() : undefined
  const keyAttributes = bagAttributes(friendlyName, localKeyId)

  const safes: Asn1[] = []
  if (ordered.length > 0) {
    const certBags = ordered.map((certificate) =>
      safeBag(OID.certBag, build.sequence([build.oid(OID.x509Certificate), build.explicit(0, build.octets(certificate.raw))]), certificate === leaf ? keyAttributes : []),
    )
    const { algorithm, ciphertext } = pbes2Encrypt(toDer(build.sequence(certBags)), password)
    const encryptedData = build.sequence([build.integer(0), build.sequence([build.oid(OID.data), algorithm, build.implicitOctets(0, ciphertext)])])
    safes.push(contentInfo(OID.encryptedData, encryptedData))
  }
  // Node writes EncryptedPrivateKeyInfo with exactly the PBES2 parameters above.
  const shroudedKey = key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase })
  const keyBag = safeBag(OID.pkcs8ShroudedKeyBag, build.parsed(shroudedKey), keyAttributes)
  safes.push(contentInfo(OID.data, build.octets(toDer(build.sequence([keyBag])))))

  const authSafe = toDer(build.sequence(safes))
  const macSalt = randomBytes(8)
  const macKey = pkcs12Kdf('sha256', password.bmp, macSalt, 3, PBE_ITERATIONS, MAC_LENGTHS.sha256)
  const mac = createHmac('sha256', macKey).update(authSafe).digest()
  const macData = build.sequence([
    build.sequence([build.sequence([build.oid(OID.sha256), build.null()]), build.octets(mac)]),
    build.octets(macSalt),
    build.integer(PBE_ITERATIONS),
  ])
  return toDer(build.sequence([build.integer(3), contentInfo(OID.data, build.octets(authSafe)), macData]))
}

function contentInfo(type: string, content: Asn1): Asn1 {
  return build.sequence([build.oid(type), build.explicit(0, content)])
}

function safeBag(bagId: string, value: Asn1, attributes: Asn1[]): Asn1 {
  return build.sequence([build.oid(bagId), build.explicit(0, value), ...(attributes.length > 0 ? [build.set(attributes)] : [])])
}

function bagAttributes(friendlyName: string | undefined, localKeyId: Buffer | undefined): Asn1[] {
  return [
    ...(friendlyName ? [build.sequence([build.oid(OID.friendlyName), build.set([build.bmpString(friendlyName)])])] : []),
    ...(localKeyId ? [build.sequence([build.oid(OID.localKeyId), build.set([build.octets(localKeyId)])])] : []),
  ]
}
