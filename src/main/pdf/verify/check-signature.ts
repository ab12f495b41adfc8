import { constants, createHash, createVerify, publicDecrypt, type Verify } from 'node:crypto'
import { oidOf } from '../../keys/der'
import type { PdfFileReader } from '../core/file-reader'
import { asName, PdfString, type PdfDict, type PdfValue } from '../core/pdf-syntax'
import { parsePdfDate, textOf } from '../core/pdf-text'
import { digestByOid, signatureScheme, verifyWithScheme, type Digest, type SignatureScheme } from './algorithms'
import { childAt, contentBytes, isUniversal, parseDer, Type } from './asn1'
import { buildChain, nameFromDer, parseCertificate, type Certificate } from './certificates'
import { OID, parseSignedData, parseTstInfo, type SignedData, type SignerInfo } from './cms'
import type { FoundSignature } from './signature-fields'
import type { SignatureKind, SignatureReport } from './types'

export interface FileFacts {
  file: PdfFileReader
  /** File offsets where each revision ends (see `findRevisionEnds`). */
  revisionEnds: number[]
  /** Certificates in the document security store (/DSS /Certs), for signers that left theirs out (timestamp tokens often do). */
  dssCertificates: Buffer[]
}

type Range = { start: number; length: number }

/** What the cryptography concluded, before it is folded into the report. */
interface Verdict {
  digestMatches: boolean
  signatureVerifies: boolean
  problems: string[]
  /** Set when Teken cannot decide: the signature is then `unsupported`, never `valid` or `invalid`. */
  unsupported?: string
  /** The signature value could not be parsed at all, so the two booleans say nothing. */
  unreadable?: boolean
}

const DETACHED_CMS = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached'])

/**
 * Checks one signature dictionary: its ByteRange, its digest, its signature, its certificates.
 * A failure inside (a CMS shape no one anticipated) makes the signature `unsupported`, never valid.
 */
export async function checkSignature(found: FoundSignature, facts: FileFacts): Promise<SignatureReport> {
  const { dict } = found
  const subFilter = asName(dict.get('SubFilter')) ?? '(none)'
  const text = (key: string) => textOf(dict.get(key)) || undefined
  const report: SignatureReport = {
    fieldName: found.fieldName,
    kind: signatureKind(found, asName(dict.get('Type')), subFilter),
    subFilter,
    signedAt: parsePdfDate(text('M')),
    reason: text('Reason'),
    location: text('Location'),
    contactInfo: text('ContactInfo'),
    name: text('Name'),
    status: 'invalid',
    problems: [],
    notes: [],
    integrity: { digestMatches: false, signatureVerifies: false },
    coverage: { byteRange: [], coversWholeDocument: false, bytesAfter: 0, revisionsAfter: 0 },
    certification: found.certificationLevel ? { level: found.certificationLevel } : undefined,
    timestamp: false,
    chain: [],
  }
  let verdict: Verdict
  try {
    verdict = await verify(report, dict, subFilter, facts)
  } catch (error) {
    verdict = { digestMatches: false, signatureVerifies: false, problems: [], unsupported: `Teken could not check this signature: ${(error as Error).message}.` }
  }
  report.integrity.digestMatches = verdict.digestMatches
  report.integrity.signatureVerifies = verdict.signatureVerifies
  report.problems.push(...verdict.problems)
  // Say which check failed, unless the signature could not even be read (its problem says why).
  if (!verdict.unsupported && !verdict.unreadable) {
    if (!verdict.digestMatches && !report.problems.some((problem) => problem.startsWith('Digest mismatch'))) {
      report.problems.push('The digest of the signed byte ranges could not be matched with the signed one.')
    }
    if (!verdict.signatureVerifies) report.problems.push("The signature value does not verify with the signer certificate's public key.")
  }
  if (verdict.unsupported) {
    report.status = 'unsupported'
    report.problems.unshift(verdict.unsupported)
  } else report.status = report.problems.length === 0 && verdict.digestMatches && verdict.signatureVerifies ? 'valid' : 'invalid'
  addTimeNotes(report)
  return report
}

async function verify(report: SignatureReport, dict: PdfDict, subFilter: string, facts: FileFacts): Promise<Verdict> {
  const contents = dict.get('Contents')
  const byteRange = checkByteRange(dict.get('ByteRange'), contents, facts, report)
  if (!(contents instanceof PdfString)) return { digestMatches: false, signatureVerifies: false, unreadable: true, problems: ['The signature dictionary has no /Contents string.'] }
  if (DETACHED_CMS.has(subFilter) || subFilter === 'adbe.pkcs7.sha1' || subFilter === 'ETSI.RFC3161') return checkCmsSignature(report, subFilter, contents.bytes, byteRange, facts)
  if (subFilter === 'adbe.x509.rsa_sha1') return checkRawRsaSignature(report, contents.bytes, dict.get('Cert'), byteRange, facts)
  return { digestMatches: false, signatureVerifies: false, problems: [], unsupported: `SubFilter ${subFilter} is not a signature format Teken knows.` }
}

function signatureKind(found: FoundSignature, type: string | undefined, subFilter: string): SignatureKind {
  if (found.foundAs === 'usage-rights') return 'usage-rights'
  if (type === 'DocTimeStamp' || subFilter === 'ETSI.RFC3161') return 'document-timestamp'
  return found.certificationLevel ? 'certification' : 'approval'
}

/**
 * Validates the ByteRange (four non-negative integers, starting at 0, in order, inside the file,
 * its gap exactly the /Contents hex string) and fills in the coverage. Returns the ranges to
 * hash when they can be read at all, even if malformed, so the report can say whether the digest matched.
 */
function checkByteRange(value: PdfValue | undefined, contents: PdfValue | undefined, facts: FileFacts, report: SignatureReport): Range[] | undefined {
  const fileSize = facts.file.size
  const numbers = Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : []
  report.coverage.byteRange = numbers
  const problems = report.problems
  if (!Array.isArray(value) || value.length !== 4 || numbers.length !== 4) {
    problems.push('The ByteRange is malformed: it is not an array of four numbers.')
    return undefined
  }
  if (numbers.some((item) => !Number.isInteger(item) || item < 0)) {
    problems.push('The ByteRange is malformed: its entries must be non-negative integers.')
    return undefined
  }
  const [firstStart = 0, firstLength = 0, secondStart = 0, secondLength = 0] = numbers
  const end = secondStart + secondLength
  report.coverage.bytesAfter = Math.max(0, fileSize - end)
  report.coverage.coversWholeDocument = end === fileSize
  report.coverage.revisionsAfter = facts.revisionEnds.filter((revisionEnd) => revisionEnd > end).length
  if (firstStart !== 0) problems.push(`The ByteRange is malformed: it starts at byte ${firstStart}, not 0, so the bytes before it are not signed.`)
  const overlapping = secondStart < firstStart + firstLength
  if (overlapping) problems.push('The ByteRange is malformed: its two ranges overlap or are out of order.')
  if (end > fileSize) {
    problems.push(`The ByteRange is malformed: it runs ${end - fileSize} bytes past the end of the file.`)
    return undefined
  }
  if (contents instanceof PdfString && !overlapping) {
    const gap = `${firstStart + firstLength}–${secondStart}`
    if (contents.start < 0) problems.push('The signature dictionary is stored in a compressed object stream, so its /Contents cannot be the unsigned gap of the ByteRange.')
    else if (!contents.hex) problems.push('The /Contents is a literal string; a signature value must be a hexadecimal string.')
    else if (contents.start + 1 === firstStart + firstLength && contents.end - 1 === secondStart) {
      report.notes.push('The ByteRange signs the angle brackets of /Contents too; unusual, but nothing else is left unsigned.')
    } else if (contents.start !== firstStart + firstLength || contents.end !== secondStart) {
      problems.push(`The ByteRange is malformed: its unsigned gap (bytes ${gap}) is not exactly the /Contents string (bytes ${contents.start}–${contents.end}), so unsigned content could hide there.`)
    }
  }
  return [
    { start: firstStart, length: firstLength },
    { start: secondStart, length: secondLength },
  ]
}

/** adbe.pkcs7.detached, ETSI.CAdES.detached, adbe.pkcs7.sha1 and ETSI.RFC3161 document timestamps. */
async function checkCmsSignature(report: SignatureReport, subFilter: string, contents: Buffer, ranges: Range[] | undefined, facts: FileFacts): Promise<Verdict> {
  let signedData: SignedData
  try {
    signedData = parseSignedData(contents)
  } catch (error) {
    return { digestMatches: false, signatureVerifies: false, unreadable: true, problems: [`The /Contents is not a readable CMS signature: ${(error as Error).message}.`] }
  }
  const [signerInfo] = signedData.signerInfos
  if (!signerInfo) return { digestMatches: false, signatureVerifies: false, unreadable: true, problems: ['The CMS signature has no signer.'] }
  if (signedData.signerInfos.length > 1) report.notes.push(`The CMS holds ${signedData.signerInfos.length} signers; the first is checked.`)
  const signer = identifySigner(report, signedData, signerInfo, facts.dssCertificates)
  if (signerInfo.timestampToken) {
    report.timestamp = true
    checkSignatureTimestamp(report, signerInfo)
  }
  if (signerInfo.signingTime) report.cmsSigningTime = signerInfo.signingTime.toISOString()
  const digest = digestByOid(signerInfo.digestOid)
  if (!digest) return { digestMatches: false, signatureVerifies: false, problems: [], unsupported: `The digest algorithm ${signerInfo.digestOid ?? '(missing)'} is not supported.` }
  let scheme: SignatureScheme
  try {
    scheme = signatureScheme(signerInfo.signatureAlgorithm, signerInfo.digestOid)
  } catch (error) {
    return { digestMatches: false, signatureVerifies: false, problems: [], unsupported: `The ${(error as Error).message}.` }
  }
  report.integrity.digestAlgorithm = digest.label
  report.integrity.signatureAlgorithm = scheme.label
  if (!signer) {
    return { digestMatches: false, signatureVerifies: false, problems: [], unsupported: 'The signer certificate is not embedded in the signature, so the signature cannot be checked.' }
  }
  const problems = essCertificateProblems(signerInfo, signer)
  if (!signedData.digestOids.includes(signerInfo.digestOid ?? '')) {
    // OpenSSL and poppler (NSS) hash with the SignedData's list and then report a digest mismatch.
    const listed = signedData.digestOids.map((oid) => digestByOid(oid)?.label ?? oid).join(', ') || 'none'
    problems.push(`The CMS is inconsistent: the signer's digest algorithm ${digest.label} is not among the SignedData's digest algorithms (${listed}), so strict verifiers such as OpenSSL and poppler reject it.`)
  }

  if (subFilter === 'ETSI.RFC3161') return { ...(await checkDocumentTimestamp(report, signedData, signerInfo, signer, digest, scheme, ranges, facts)), problems }
  if (subFilter === 'adbe.pkcs7.sha1') {
    const rangeDigest = ranges ? (await digestRanges(facts.file, ranges, ['sha1'])).hashes.get('sha1') : undefined
    const content = signedData.content ?? Buffer.alloc(0)
    const signatureVerifies = verifyOverContent(signerInfo, signer, digest, scheme, content)
    report.integrity.digestAlgorithm = 'SHA-1'
    return { digestMatches: rangeDigest !== undefined && rangeDigest.equals(content), signatureVerifies, problems: [...problems, ...digestProblems(rangeDigest, content, 'SHA-1')] }
  }
  if (signedData.content) report.notes.push('The CMS carries encapsulated content although the SubFilter says detached; the byte ranges were checked.')
  if (signerInfo.signedAttributesDer) {
    const rangeDigest = ranges ? (await digestRanges(facts.file, ranges, [digest.node])).hashes.get(digest.node) : undefined
    const signed = signerInfo.messageDigest
    if (!signed) problems.push('The signed attributes have no message-digest.')
    const signatureVerifies = verifyWithSigner(scheme, signerInfo.signedAttributesDer, signer, signerInfo.signature)
    return { digestMatches: signed !== undefined && rangeDigest !== undefined && rangeDigest.equals(signed), signatureVerifies, problems: [...problems, ...digestProblems(rangeDigest, signed, digest.label)] }
  }
  return { ...(await checkWithoutSignedAttributes(signerInfo, signer, digest, scheme, ranges, facts)), problems }
}

/** A CMS without signed attributes signs the byte ranges themselves. */
async function checkWithoutSignedAttributes(signerInfo: SignerInfo, signer: Certificate, digest: Digest, scheme: SignatureScheme, ranges: Range[] | undefined, facts: FileFacts): Promise<Omit<Verdict, 'problems'>> {
  if (!ranges || !signer.publicKey || !scheme.digest) return { digestMatches: false, signatureVerifies: false }
  const verifier = createVerify(scheme.digest.node)
  const { hashes } = await digestRanges(facts.file, ranges, [digest.node], verifier)
  const signatureVerifies = verifyStreamed(verifier, scheme, signer, signerInfo.signature)
  // With RSA PKCS#1 v1.5 the signed digest can be recovered, telling a changed document from a bad signature.
  const recovered = scheme.family === 'rsa' ? recoverPkcs1Digest(signer, signerInfo.signature) : undefined
  const rangeDigest = hashes.get(recovered ? recovered.digest.node : digest.node)
  const digestMatches = recovered && rangeDigest ? recovered.value.equals(rangeDigest) : signatureVerifies
  return { digestMatches, signatureVerifies }
}

async function checkDocumentTimestamp(
  report: SignatureReport,
  signedData: SignedData,
  signerInfo: SignerInfo,
  signer: Certificate,
  digest: Digest,
  scheme: SignatureScheme,
  ranges: Range[] | undefined,
  facts: FileFacts,
): Promise<Omit<Verdict, 'problems'>> {
  report.timestamp = true
  if (signedData.contentType !== OID.tstInfo || !signedData.content) return { digestMatches: false, signatureVerifies: false, unsupported: 'The document timestamp does not encapsulate an RFC 3161 TSTInfo.' }
  const tstInfo = parseTstInfo(signedData.content)
  if (tstInfo.genTime) report.timestampedAt = tstInfo.genTime.toISOString()
  const imprintDigest = digestByOid(tstInfo.imprintDigestOid)
  if (!imprintDigest) return { digestMatches: false, signatureVerifies: false, unsupported: `The timestamp's digest algorithm ${tstInfo.imprintDigestOid ?? '(missing)'} is not supported.` }
  report.integrity.digestAlgorithm = imprintDigest.label
  const rangeDigest = ranges ? (await digestRanges(facts.file, ranges, [imprintDigest.node])).hashes.get(imprintDigest.node) : undefined
  return { digestMatches: rangeDigest !== undefined && rangeDigest.equals(tstInfo.imprint), signatureVerifies: verifyOverContent(signerInfo, signer, digest, scheme, signedData.content) }
}

/** A signature over encapsulated content: via the signed attributes' message-digest when there are any. */
function verifyOverContent(signerInfo: SignerInfo, signer: Certificate, digest: Digest, scheme: SignatureScheme, content: Buffer): boolean {
  if (!signerInfo.signedAttributesDer) return verifyWithSigner(scheme, content, signer, signerInfo.signature)
  const contentDigest = createHash(digest.node).update(content).digest()
  return signerInfo.messageDigest !== undefined && contentDigest.equals(signerInfo.messageDigest) && verifyWithSigner(scheme, signerInfo.signedAttributesDer, signer, signerInfo.signature)
}

/** The certificate the SignerInfo names, from the CMS or else the DSS, and the chain above it. */
function identifySigner(report: SignatureReport, signedData: SignedData, signerInfo: SignerInfo, dssCertificates: Buffer[]): Certificate | undefined {
  const embedded = readCertificates(report, signedData.certificates, 'An embedded certificate')
  const names = (certificate: Certificate) => {
    const id = signerInfo.signer
    if (id.kind === 'key-id') return certificate.subjectKeyIdentifier?.equals(id.keyId) === true
    return sameSerial(certificate.serialNumber, id.serialNumber) && (certificate.issuerDer.equals(id.issuerDer) || certificate.issuer === nameFromDer(id.issuerDer))
  }
  let signer = embedded.find(names)
  let pool = embedded
  if (!signer && dssCertificates.length > 0) {
    pool = [...embedded, ...readCertificates(report, dssCertificates, 'A certificate in the DSS')]
    signer = pool.find(names)
    if (signer) report.notes.push('The signer certificate is not embedded in the signature; it was taken from the document security store (DSS).')
  }
  if (signer) describeSigner(report, signer, pool)
  return signer
}

function readCertificates(report: SignatureReport, ders: Buffer[], what: string): Certificate[] {
  const certificates: Certificate[] = []
  for (const der of ders) {
    try {
      certificates.push(parseCertificate(der))
    } catch (error) {
      report.notes.push(`${what} could not be read: ${(error as Error).message}.`)
    }
  }
  return certificates
}

function describeSigner(report: SignatureReport, signer: Certificate, pool: Certificate[]): void {
  report.signer = { commonName: signer.commonName, subject: signer.subject }
  report.chain = buildChain(signer, pool)
}

function sameSerial(left: string, right: string): boolean {
  return left.replace(/^(00)+/, '') === right.replace(/^(00)+/, '')
}

/** ESS signing-certificate(-v2) binds the signer certificate into the signed attributes (CAdES). */
function essCertificateProblems(signerInfo: SignerInfo, signer: Certificate): string[] {
  const [first] = signerInfo.essCertificateHashes
  if (!first) return []
  const digest = digestByOid(first.digestOid)
  if (!digest) return []
  return createHash(digest.node).update(signer.der).digest().equals(first.hash) ? [] : ['The signing-certificate attribute names a different certificate than the one that signed.']
}

/** The RFC 3161 token in the unsigned attributes: its time, and whether it timestamps this signature value. */
function checkSignatureTimestamp(report: SignatureReport, signerInfo: SignerInfo): void {
  try {
    const token = parseSignedData(signerInfo.timestampToken ?? Buffer.alloc(0))
    const tstInfo = parseTstInfo(token.content ?? Buffer.alloc(0))
    if (tstInfo.genTime) report.timestampedAt = tstInfo.genTime.toISOString()
    const imprintDigest = digestByOid(tstInfo.imprintDigestOid)
    if (imprintDigest && !createHash(imprintDigest.node).update(signerInfo.signature).digest().equals(tstInfo.imprint)) {
      report.notes.push('The timestamp token does not match this signature value.')
    }
  } catch (error) {
    report.notes.push(`The timestamp token could not be read: ${(error as Error).message}.`)
  }
}

/** adbe.x509.rsa_sha1: a bare PKCS#1 v1.5 signature in /Contents and the certificate(s) in /Cert. */
async function checkRawRsaSignature(report: SignatureReport, contents: Buffer, certValue: PdfValue | undefined, ranges: Range[] | undefined, facts: FileFacts): Promise<Verdict> {
  const certificateStrings = (Array.isArray(certValue) ? certValue : [certValue]).filter((item): item is PdfString => item instanceof PdfString)
  const certificates: Certificate[] = []
  for (const item of certificateStrings) {
    try {
      certificates.push(parseCertificate(item.bytes))
    } catch (error) {
      report.notes.push(`A certificate in /Cert could not be read: ${(error as Error).message}.`)
    }
  }
  const [signer] = certificates
  if (!signer?.publicKey) return { digestMatches: false, signatureVerifies: false, problems: [], unsupported: 'The /Cert entry holds no readable signer certificate.' }
  describeSigner(report, signer, certificates)
  const signature = unwrapOctetString(contents)
  const recovered = recoverPkcs1Digest(signer, signature)
  if (!recovered) return { digestMatches: false, signatureVerifies: false, unreadable: true, problems: ["The signature value does not decrypt to a PKCS#1 v1.5 digest with the certificate's key."] }
  report.integrity.digestAlgorithm = recovered.digest.label
  report.integrity.signatureAlgorithm = `RSA PKCS#1 v1.5 with ${recovered.digest.label}`
  if (!ranges) return { digestMatches: false, signatureVerifies: false, problems: [] }
  const verifier = createVerify(recovered.digest.node)
  const { hashes } = await digestRanges(facts.file, ranges, [recovered.digest.node], verifier)
  const rangeDigest = hashes.get(recovered.digest.node)
  const scheme: SignatureScheme = { family: 'rsa', digest: recovered.digest, label: report.integrity.signatureAlgorithm }
  return {
    digestMatches: rangeDigest !== undefined && rangeDigest.equals(recovered.value),
    signatureVerifies: verifyStreamed(verifier, scheme, signer, signature),
    problems: digestProblems(rangeDigest, recovered.value, recovered.digest.label),
  }
}

/** adbe.x509.rsa_sha1 wraps the signature in a DER OCTET STRING; the zero padding after it is not part of it. */
function unwrapOctetString(contents: Buffer): Buffer {
  try {
    const { node } = parseDer(contents)
    if (isUniversal(node, Type.OCTETSTRING)) return contentBytes(node)
  } catch {
    // Some writers store the bare signature.
  }
  return contents
}

/** Opens a PKCS#1 v1.5 signature with the public key to read the DigestInfo it signs. */
function recoverPkcs1Digest(signer: Certificate, signature: Buffer): { digest: Digest; value: Buffer } | undefined {
  if (!signer.publicKey || signer.publicKey.asymmetricKeyType !== 'rsa') return undefined
  try {
    const digestInfo = parseDer(publicDecrypt({ key: signer.publicKey, padding: constants.RSA_PKCS1_PADDING }, signature)).node
    const digest = digestByOid(oidOf(childAt(digestInfo, 0, 0)))
    return digest ? { digest, value: contentBytes(childAt(digestInfo, 1)) } : undefined
  } catch {
    return undefined
  }
}

function verifyWithSigner(scheme: SignatureScheme, data: Buffer, signer: Certificate, signature: Buffer): boolean {
  return signer.publicKey ? verifyWithScheme(scheme, data, signer.publicKey, signature) : false
}

function verifyStreamed(verifier: Verify, scheme: SignatureScheme, signer: Certificate, signature: Buffer): boolean {
  if (!signer.publicKey) return false
  try {
    return scheme.family === 'rsa-pss' ? verifier.verify({ key: signer.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.pssSaltLength }, signature) : verifier.verify(signer.publicKey, signature)
  } catch {
    return false
  }
}

function digestProblems(rangeDigest: Buffer | undefined, signedDigest: Buffer | undefined, label: string): string[] {
  if (!rangeDigest || !signedDigest || rangeDigest.equals(signedDigest)) return []
  return [`Digest mismatch: the ${label} digest of the signed byte ranges differs from the one that was signed, so the document changed after signing.`]
}

/**
 * Reads the byte ranges once, in chunks, feeding every hash needed (and a streaming verifier for
 * signatures over the document itself).
 */
async function digestRanges(file: PdfFileReader, ranges: Range[], hashNames: string[], verifier?: Verify): Promise<{ hashes: Map<string, Buffer> }> {
  const hashers = new Map(hashNames.map((name) => [name, createHash(name)]))
  for (const range of ranges) {
    for await (const chunk of file.chunks(range.start, range.start + range.length)) {
      for (const hasher of hashers.values()) hasher.update(chunk)
      verifier?.update(chunk)
    }
  }
  return { hashes: new Map([...hashers].map(([name, hasher]) => [name, hasher.digest()])) }
}

/** Times that fall outside the signer certificate's validity are worth a note, not a verdict. */
function addTimeNotes(report: SignatureReport): void {
  const signer = report.chain[0]
  const claimed = report.timestampedAt ?? report.cmsSigningTime ?? report.signedAt
  if (!signer || !claimed) return
  if (claimed < signer.notBefore || claimed > signer.notAfter) {
    report.notes.push(`The signing time ${claimed} is outside the signer certificate's validity (${signer.notBefore} to ${signer.notAfter}).`)
  }
  if (report.certification?.level === 1 && report.coverage.revisionsAfter > 0) {
    report.notes.push('The document was certified with no changes allowed, yet revisions follow; only validation data and timestamps are permitted after it.')
  }
}
