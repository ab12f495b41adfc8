import { createPrivateKey, type KeyObject } from 'node:crypto'
import { type Asn1, bytesOf, childrenOf, isBitString, isInteger, isOctetString, isSequence, oidOf, readDer, smallIntegerOf, startsLikeKeyStructure } from './der'
import { keyFormatUnknown, keyIsPublic, keyNotRsa, keyTruncated, passphraseRejected, REMEDY_REENCRYPT, unsupportedEncryption } from './key-errors'
import { importOpensshKey } from './openssh'
import { describePbeScheme, nodeCanDecrypt, parsePbeScheme, pbeDecrypt, pbePassword } from './pbe'
import { decodeBase64, findPemBlocks, type PemBlock, toPem } from './pem'
import { importPkcs12, isPfx } from './pkcs12'
import { isPkcs1PrivateKey, isPrivateKeyInfo, modulusBits, requireRsa, rsaKeyFromPkcs1, rsaKeyFromPrivateKeyInfo } from './rsa-key'
import type { ImportedKey, KeySourceFormat } from './types'

/** How the DER arrived: inside PEM armour, as raw bytes, or as bare base64 text (how many SNAP guides print keys). */
type Container = 'pem' | 'der' | 'base64'

const KEY = 'key'

/**
 * Reads a private key in any format partners send and returns it as an RSA KeyObject, saying which
 * format it was. Structure is inspected before any decryption, so the error says what is actually
 * wrong. With no passphrase (undefined or ''), the empty passphrase is tried where a format allows one;
 * if it does not open the key the error is KEY_PASSPHRASE_REQUIRED.
 */
export function importPrivateKey(input: Uint8Array | string, passphrase?: string): ImportedKey {
  if (typeof input === 'string') return importText(input, passphrase)
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  // Every binary format here opens with a SEQUENCE tag (0x30); PEM and OpenSSH text never start with "0".
  return bytes[0] === 0x30 ? importDer(bytes, 'der', passphrase) : importText(bytes.toString('utf8'), passphrase)
}

const SSH_PUBLIC_KEY_LINE = /^(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d+|sk-\S+@openssh\.com)\s+AAAA/m

function importText(text: string, passphrase: string | undefined): ImportedKey {
  const blocks = findPemBlocks(text)
  if (blocks.length > 0) return importPem(blocks, passphrase)
  const trimmed = text.replace(/^\uFEFF/, '').trim()
  if (trimmed === '') throw keyFormatUnknown('The file is empty.')
  if (trimmed.startsWith('---- BEGIN SSH2 PUBLIC KEY ----')) throw keyIsPublic('an SSH2 public key (RFC 4716)')
  if (SSH_PUBLIC_KEY_LINE.test(trimmed)) throw keyIsPublic('an OpenSSH public key (the .pub file)')
  if (trimmed.startsWith('PuTTY-User-Key-File-')) {
    throw keyFormatUnknown('This is a PuTTY key (.ppk). Open it in PuTTYgen, choose Conversions > Export OpenSSH key, and import the exported file.')
  }
  if (/^-----END [A-Z0-9 ]+-----$/m.test(trimmed)) throw keyTruncated('the BEGIN line and the start of the key are missing')
  const der = decodeBase64(trimmed.replace(/\s+/g, ''))
  if (der?.[0] === 0x30) return importDer(der, 'base64', passphrase)
  throw keyFormatUnknown()
}

const PUBLIC_LABELS: Record<string, string> = {
  'PUBLIC KEY': 'an SPKI public key (BEGIN PUBLIC KEY)',
  'RSA PUBLIC KEY': 'a PKCS#1 public key (BEGIN RSA PUBLIC KEY)',
  CERTIFICATE: 'a certificate',
  'TRUSTED CERTIFICATE': 'a certificate',
  'X509 CERTIFICATE': 'a certificate',
  'CERTIFICATE REQUEST': 'a certificate signing request (CSR)',
  'NEW CERTIFICATE REQUEST': 'a certificate signing request (CSR)',
}

const NON_RSA_LABELS: Record<string, string> = { 'EC PRIVATE KEY': 'EC', 'DSA PRIVATE KEY': 'DSA' }

const PRIVATE_LABELS = new Set(['RSA PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY', ...Object.keys(NON_RSA_LABELS)])

/** The first private key block wins; files often carry certificates or EC PARAMETERS beside the key. */
function importPem(blocks: PemBlock[], passphrase: string | undefined): ImportedKey {
  const block = blocks.find(({ label }) => PRIVATE_LABELS.has(label))
  if (!block) {
    const publicBlock = blocks.find(({ label }) => PUBLIC_LABELS[label] !== undefined)
    if (publicBlock) throw keyIsPublic(PUBLIC_LABELS[publicBlock.label]!)
    throw keyFormatUnknown(`It holds PEM text labelled "${blocks[0]!.label.slice(0, 40)}", which is not a private key format Teken reads.`)
  }
  if (!block.complete) throw keyTruncated(`the "-----END ${block.label}-----" line is missing`)
  const nonRsa = NON_RSA_LABELS[block.label]
  if (nonRsa) throw keyNotRsa(nonRsa)
  const body = decodeBase64(block.base64)
  if (!body) throw keyTruncated('the base64 text between the BEGIN and END lines is damaged')
  if (block.label === 'OPENSSH PRIVATE KEY') return importOpensshKey(body, passphrase)
  if (block.label === 'RSA PRIVATE KEY' && block.headers.get('proc-type')?.replace(/\s/g, '').toUpperCase() === '4,ENCRYPTED') {
    return importTraditionalEncrypted(block, body, passphrase)
  }
  return importDer(body, 'pem', passphrase)
}

const TRADITIONAL_CIPHER_BLOCK_SIZES: Record<string, number> = { 'DES-EDE3-CBC': 8, 'AES-128-CBC': 16, 'AES-192-CBC': 16, 'AES-256-CBC': 16 }

/** `Proc-Type: 4,ENCRYPTED` + `DEK-Info: CIPHER,IV`, as `openssl genrsa -traditional` and `ssh-keygen -m PEM` write. */
function importTraditionalEncrypted(block: PemBlock, body: Buffer, passphrase: string | undefined): ImportedKey {
  const [cipherField = '', ivHex = ''] = (block.headers.get('dek-info') ?? '').split(',').map((field) => field.trim())
  const cipher = cipherField.toUpperCase()
  const blockSize = TRADITIONAL_CIPHER_BLOCK_SIZES[cipher]
  if (!blockSize) {
    const name = /^[A-Z0-9-]{1,40}$/.test(cipher) ? cipher : 'a cipher that is not recognised'
    throw unsupportedEncryption(`${name} (traditional PEM encryption)`, REMEDY_REENCRYPT)
  }
  if (!/^[0-9A-Fa-f]+$/.test(ivHex) || ivHex.length !== blockSize * 2) throw keyTruncated('the DEK-Info line is damaged')
  if (body.length % blockSize !== 0) throw keyTruncated('the encrypted key data has been cut')
  const pem = toPem(block.label, body, [
    ['Proc-Type', '4,ENCRYPTED'],
    ['DEK-Info', `${cipher},${ivHex}`],
  ])
  const privateKey = decryptWithNode(() => createPrivateKey({ key: pem, format: 'pem', passphrase: passphrase ?? '' }), passphrase)
  return imported('encrypted-traditional-pem', `Traditional encrypted PEM (${cipher})`, privateKey)
}

/** The structure was validated, so a failure here is the passphrase (or, rarely, well-padded garbage from it). */
function decryptWithNode(decrypt: () => KeyObject, passphrase: string | undefined): KeyObject {
  let key: KeyObject
  try {
    key = decrypt()
  } catch {
    throw passphraseRejected(KEY, passphrase)
  }
  return requireRsa(key)
}

type DerShape = 'pkcs1-private' | 'pkcs8-private' | 'encrypted-pkcs8' | 'pkcs12' | 'sec1-ec' | 'dsa-private' | 'spki' | 'pkcs1-public' | 'certificate' | 'unknown'

function classifyDer(node: Asn1): DerShape {
  if (!isSequence(node)) return 'unknown'
  if (isPfx(node)) return 'pkcs12'
  if (isPrivateKeyInfo(node)) return 'pkcs8-private'
  if (isPkcs1PrivateKey(node)) return 'pkcs1-private'
  const members = childrenOf(node)
  const [first, second, third] = members
  const startsWithAlgorithm = isSequence(first) && oidOf(childrenOf(first)[0]) !== undefined
  if (members.length === 2 && startsWithAlgorithm && isOctetString(second)) return 'encrypted-pkcs8'
  if (members.length === 2 && startsWithAlgorithm && isBitString(second)) return 'spki'
  if (members.length === 2 && isInteger(first) && isInteger(second)) return 'pkcs1-public'
  if (members.length === 3 && isSequence(first) && isSequence(second) && isBitString(third)) return 'certificate'
  if (smallIntegerOf(first) === 1 && isOctetString(second)) return 'sec1-ec'
  if (members.length === 6 && members.every(isInteger) && smallIntegerOf(first) === 0) return 'dsa-private'
  return 'unknown'
}

/** "PKCS#1 PEM (BEGIN RSA PRIVATE KEY)", "PKCS#8 DER (base64 text without PEM lines)", "Encrypted PKCS#8 DER (PBES2, AES-256-CBC)". */
function describeFound(kind: string, container: Container, details: string[]): string {
  const notes = [...(container === 'base64' ? ['base64 text without PEM lines'] : []), ...details]
  return `${kind} ${container === 'pem' ? 'PEM' : 'DER'}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`
}

function importDer(der: Buffer, container: Container, passphrase: string | undefined): ImportedKey {
  const reading = readDer(der)
  if (reading.kind !== 'complete') {
    // Raw bytes that do not even open like a key are some other file, not a damaged key.
    if (container !== 'pem' && !startsLikeKeyStructure(der)) throw keyFormatUnknown()
    throw keyTruncated(reading.kind === 'truncated' ? 'the key data ends early' : 'the key data is damaged')
  }
  const { node } = reading
  const encoding = container === 'pem' ? 'pem' : 'der'
  switch (classifyDer(node)) {
    case 'pkcs1-private':
      return imported(`pkcs1-${encoding}`, describeFound('PKCS#1', container, container === 'pem' ? ['BEGIN RSA PRIVATE KEY'] : []), rsaKeyFromPkcs1(der, node))
    case 'pkcs8-private':
      return imported(`pkcs8-${encoding}`, describeFound('PKCS#8', container, container === 'pem' ? ['BEGIN PRIVATE KEY'] : []), rsaKeyFromPrivateKeyInfo(der, node))
    case 'encrypted-pkcs8':
      return importEncryptedPkcs8(der, node, container, passphrase)
    case 'pkcs12':
      return importPkcs12(node, passphrase)
    case 'sec1-ec':
      throw keyNotRsa('EC')
    case 'dsa-private':
      throw keyNotRsa('DSA')
    case 'spki':
      throw keyIsPublic('an SPKI public key')
    case 'pkcs1-public':
      throw keyIsPublic('a PKCS#1 RSA public key')
    case 'certificate':
      throw keyIsPublic('a certificate (or certificate request)')
    case 'unknown':
      // Text armoured as a private key whose body is no key structure has been damaged.
      throw container === 'pem' ? keyTruncated('the key data is damaged') : keyFormatUnknown()
  }
}

/** EncryptedPrivateKeyInfo: Node decrypts it, except RC2 (not in Node's OpenSSL), decrypted here. */
function importEncryptedPkcs8(der: Buffer, node: Asn1, container: Container, passphrase: string | undefined): ImportedKey {
  const [algorithm, encryptedData] = childrenOf(node)
  const scheme = parsePbeScheme(algorithm, REMEDY_REENCRYPT)
  const description = describeFound('Encrypted PKCS#8', container, [describePbeScheme(scheme)])
  const format = container === 'pem' ? 'encrypted-pkcs8-pem' : 'encrypted-pkcs8-der'
  if (nodeCanDecrypt(scheme)) {
    const privateKey = decryptWithNode(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase: passphrase ?? '' }), passphrase)
    return imported(format, description, privateKey)
  }
  const plaintext = pbeDecrypt(scheme, bytesOf(encryptedData) ?? Buffer.alloc(0), pbePassword(passphrase ?? ''), REMEDY_REENCRYPT)
  const keyReading = plaintext ? readDer(plaintext) : undefined
  // Well-padded garbage from a wrong passphrase is caught by the structure check.
  if (!plaintext || keyReading?.kind !== 'complete' || !isPrivateKeyInfo(keyReading.node)) throw passphraseRejected(KEY, passphrase)
  return imported(format, description, rsaKeyFromPrivateKeyInfo(plaintext, keyReading.node))
}

function imported(format: KeySourceFormat, description: string, privateKey: KeyObject): ImportedKey {
  return { format, description, privateKey, bits: modulusBits(privateKey), certificates: [] }
}
