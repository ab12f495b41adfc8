import { afterAll, describe, expect, it } from 'vitest'
import { exportEncryptedPkcs8, exportPublicKey, generateRsaKey, importPrivateKey, publicKeyFingerprint } from '../../../src/main/keys'
import { expectKeyError, expectKeyObjectMatches, expectSameKeyAsOpenssl, KeyWorkbench } from './key-workbench'

const PASSPHRASE = 'Rahasia-Mitra-2026'

describe('generateRsaKey, exportPublicKey, publicKeyFingerprint', () => {
  const bench = new KeyWorkbench()
  afterAll(() => bench.cleanup())

  it.each([2048, 4096] as const)('generates a %i-bit RSA key (e = 65537) whose public exports and fingerprint match openssl', (bits) => {
    const key = generateRsaKey(bits)
    expect(key.asymmetricKeyDetails).toEqual({ modulusLength: bits, publicExponent: 65537n })
    bench.write(`generated-${bits}.pem`, key.export({ type: 'pkcs8', format: 'pem' }))
    expectKeyObjectMatches(key, bench.viewOfPrivateKey(`generated-${bits}.pem`))
  }, 30_000) // finding 4096-bit primes occasionally takes seconds

  it('writes PEM as UTF-8 text ending in a newline, with the labels partners ask for', () => {
    const key = generateRsaKey(2048)
    const spki = exportPublicKey(key, 'spki-pem').toString('utf8')
    const pkcs1 = exportPublicKey(key, 'pkcs1-pem').toString('utf8')
    expect(spki).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/)
    expect(pkcs1).toMatch(/^-----BEGIN RSA PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END RSA PUBLIC KEY-----\n$/)
    expect(exportPublicKey(key, 'spki-der')[0]).toBe(0x30)
    expect(publicKeyFingerprint(key)).toMatch(/^[0-9a-f]{2}(?::[0-9a-f]{2}){31}$/)
  })
})

describe('exportEncryptedPkcs8', () => {
  const bench = new KeyWorkbench()
  afterAll(() => bench.cleanup())

  it('writes PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) that openssl and importPrivateKey both read', () => {
    bench.openssl(['genrsa', '-out', 'source.pem', '2048'])
    const view = bench.viewOfPrivateKey('source.pem')
    const pem = exportEncryptedPkcs8(importPrivateKey(bench.read('source.pem')).privateKey, PASSPHRASE)
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END ENCRYPTED PRIVATE KEY-----\n$/)
    bench.write('exported.pem', pem)
    const structure = bench.openssl(['asn1parse', '-in', 'exported.pem']).toString()
    for (const algorithm of [':PBES2', ':PBKDF2', ':hmacWithSHA256', ':aes-256-cbc']) expect(structure).toContain(algorithm)
    expect(bench.viewOfPrivateKey('exported.pem', PASSPHRASE)).toEqual(view)
    expect(() => bench.openssl(['pkey', '-in', 'exported.pem', '-passin', 'pass:salah'])).toThrow(/failed/)

    const imported = importPrivateKey(pem, PASSPHRASE)
    expect(imported.format).toBe('encrypted-pkcs8-pem')
    expect(imported.description).toBe('Encrypted PKCS#8 PEM (PBES2, AES-256-CBC)')
    expectSameKeyAsOpenssl(imported, view)
    expectKeyError(() => importPrivateKey(pem, 'salah'), 'KEY_WRONG_PASSPHRASE', pem)
    expectKeyError(() => importPrivateKey(pem), 'KEY_PASSPHRASE_REQUIRED', pem)
  })

  it('with an empty passphrase, writes a key that opens with no passphrase', () => {
    const key = generateRsaKey(2048)
    const pem = exportEncryptedPkcs8(key, '')
    bench.write('empty.pem', pem)
    const view = bench.viewOfPrivateKey('empty.pem', '')
    expectKeyObjectMatches(key, view)
    expectSameKeyAsOpenssl(importPrivateKey(pem), view)
    expectKeyError(() => importPrivateKey(pem, 'salah'), 'KEY_WRONG_PASSPHRASE', pem)
  })
})
