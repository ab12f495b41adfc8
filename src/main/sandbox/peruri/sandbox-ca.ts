import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import forge from 'node-forge'

export interface IssuedIdentity {
  /** PKCS#8 PEM. */
  keyPem: string
  certificatePem: string
}

/**
 * The sandbox's certificate authority, standing in for Peruri CA. Keys come from Node's crypto
 * (native, fast); node-forge only builds and signs the X.509 structures, which Node cannot.
 */
export function createSandboxCa(now: Date): IssuedIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const subject = [
    { name: 'commonName', value: 'Teken Sandbox Peruri CA' },
    { name: 'organizationName', value: 'Teken Sandbox (not Perum Peruri)' },
    { name: 'countryName', value: 'ID' },
  ]
  const certificate = buildCertificate({ publicKey, subject, issuer: subject, signer: privateKey, now, years: 10, profile: 'ca' })
  return { keyPem: pem(privateKey), certificatePem: certificate }
}

export function issueSignerCertificate(ca: IssuedIdentity, signer: { name: string; email: string; nik: string }, now: Date): IssuedIdentity {
  return issue(ca, [
    { name: 'commonName', value: signer.name },
    { name: 'emailAddress', value: signer.email },
    { name: 'serialNumber', value: `NIK${signer.nik}` },
    { name: 'countryName', value: 'ID' },
  ], now, 'signer')
}

/** The sandbox TSA's certificate: RFC 3161 requires the critical extended key usage timeStamping. */
export function issueTsaCertificate(ca: IssuedIdentity, now: Date): IssuedIdentity {
  return issue(ca, [
    { name: 'commonName', value: 'Teken Sandbox TSA' },
    { name: 'organizationName', value: 'Teken Sandbox (not Perum Peruri)' },
    { name: 'countryName', value: 'ID' },
  ], now, 'tsa')
}

function issue(ca: IssuedIdentity, subject: { name: string; value: string }[], now: Date, profile: 'signer' | 'tsa'): IssuedIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const caCertificate = forge.pki.certificateFromPem(ca.certificatePem)
  const certificate = buildCertificate({
    publicKey,
    subject,
    issuer: caCertificate.subject.attributes.map((attribute) => ({ name: attribute.name!, value: attribute.value as string })),
    signer: ca.keyPem,
    now,
    years: 1,
    profile,
  })
  return { keyPem: pem(privateKey), certificatePem: certificate }
}

function buildCertificate(input: {
  publicKey: KeyObject
  subject: { name: string; value: string }[]
  issuer: { name: string; value: string }[]
  signer: KeyObject | string
  now: Date
  years: number
  profile: 'ca' | 'signer' | 'tsa'
}): string {
  const certificate = forge.pki.createCertificate()
  certificate.publicKey = forge.pki.publicKeyFromPem(input.publicKey.export({ type: 'spki', format: 'pem' }).toString())
  certificate.serialNumber = certificateSerialHex(randomBytes(16))
  certificate.validity.notBefore = new Date(input.now.getTime() - 60_000)
  certificate.validity.notAfter = new Date(input.now.getTime() + input.years * 365 * 24 * 3600_000)
  certificate.setSubject(input.subject)
  certificate.setIssuer(input.issuer)
  const extensions = {
    ca: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
    signer: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    ],
    tsa: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
      { name: 'extKeyUsage', timeStamping: true, critical: true },
    ],
  }
  certificate.setExtensions([...extensions[input.profile], { name: 'subjectKeyIdentifier' }])
  const signerPem = typeof input.signer === 'string' ? input.signer : pem(input.signer)
  certificate.sign(forge.pki.privateKeyFromPem(signerPem), forge.md.sha256.create())
  return forge.pki.certificateToPem(certificate)
}

const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString()

/**
 * A random certificate serial (RFC 5280: positive, at most 20 octets) that is also minimal DER: the
 * first octet has its high bit clear (positive) and is never zero (a leading zero octet before one
 * below 0x80 is "illegal padding" to OpenSSL, which then refuses the whole certificate).
 */
export function certificateSerialHex(random: Buffer): string {
  const serial = Buffer.from(random)
  serial[0] = (serial[0]! & 0x7f) | 0x40
  return serial.toString('hex')
}
