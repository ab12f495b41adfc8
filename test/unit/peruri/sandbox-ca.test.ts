import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { certificateSerialHex, createSandboxCa, issueSignerCertificate } from '../../../src/main/sandbox/peruri/sandbox-ca'

describe('Peruri sandbox CA', () => {
  it('makes serials that are positive and minimal DER whatever the random bytes, so OpenSSL always reads the certificate', () => {
    // Random bytes that start with a zero octet made a serial OpenSSL refused ("illegal padding") once in 256 certificates.
    for (const first of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
      const hex = certificateSerialHex(Buffer.from([first, 0x00, 0x11, 0x22]))
      expect(hex).toHaveLength(8)
      const leading = Number.parseInt(hex.slice(0, 2), 16)
      expect(leading, hex).toBeGreaterThanOrEqual(0x40)
      expect(leading, hex).toBeLessThan(0x80)
    }
    expect(certificateSerialHex(Buffer.from([0x00, 0xab]))).toBe('40ab')
  })

  it('issues a signer certificate OpenSSL parses, with a 16-octet serial', () => {
    const now = new Date()
    const ca = createSandboxCa(now)
    const signer = issueSignerCertificate(ca, { name: 'Budi Santoso', email: 'budi.santoso@sandbox.teken.id', nik: '3171010101900001' }, now)
    const certificate = new X509Certificate(signer.certificatePem)
    expect(certificate.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/)
    expect(certificate.verify(new X509Certificate(ca.certificatePem).publicKey)).toBe(true)
  })
})
