import { X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportPkcs12, importPrivateKey } from '../../../src/main/keys'
import { expectKeyError, expectSameKeyAsOpenssl, KeyWorkbench, type OpensslView } from './key-workbench'

const PASSPHRASE = 'Rahasia-Mitra-2026'

/** The PEM blocks in openssl's output, without its "Bag Attributes" lines. */
function pemBlocks(text: string, label: string): string[] {
  return text.match(new RegExp(`-----BEGIN ${label}-----\\n[^-]+-----END ${label}-----\\n`, 'g')) ?? []
}

/** An RSA key and a self-signed certificate for it, made by openssl in the bench's folder. */
function makeKeyAndCertificate(bench: KeyWorkbench): { view: OpensslView; certificate: string } {
  bench.openssl(['genrsa', '-out', 'key.pem', '2048'])
  bench.openssl(['req', '-x509', '-new', '-key', 'key.pem', '-subj', '/CN=Teken Test', '-days', '2', '-out', 'cert.pem'])
  return { view: bench.viewOfPrivateKey('key.pem'), certificate: bench.read('cert.pem').toString() }
}

describe('PKCS#12 import', () => {
  const bench = new KeyWorkbench()
  let view: OpensslView
  let certificate: string

  beforeAll(() => {
    ;({ view, certificate } = makeKeyAndCertificate(bench))
  })
  afterAll(() => bench.cleanup())

  function export12(name: string, options: string[], passphrase = PASSPHRASE): Buffer {
    bench.openssl(['pkcs12', '-export', '-inkey', 'key.pem', ...options, '-passout', `pass:${passphrase}`, '-out', name])
    return bench.read(name)
  }

  it("reads OpenSSL 3's default (AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC) with its certificate", () => {
    const p12 = export12('modern.p12', ['-in', 'cert.pem'])
    const report = bench.opensslReport(['pkcs12', '-info', '-noout', '-in', 'modern.p12', '-passin', `pass:${PASSPHRASE}`])
    expect(report).toContain('MAC: sha256')
    expect(report).toContain('Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC')
    const imported = importPrivateKey(p12, PASSPHRASE)
    expect(imported.format).toBe('pkcs12')
    expect(imported.description).toBe('PKCS#12 (AES-256-CBC, PBKDF2)')
    expect(imported.certificates).toEqual([certificate])
    expectSameKeyAsOpenssl(imported, view)
    expectKeyError(() => importPrivateKey(p12, 'salah'), 'KEY_WRONG_PASSPHRASE')
    expectKeyError(() => importPrivateKey(p12), 'KEY_PASSPHRASE_REQUIRED')
  })

  it('reads a legacy file (`-legacy`: 3DES key bag, RC2-40 certificates, SHA-1 MAC)', () => {
    const p12 = export12('legacy.p12', ['-in', 'cert.pem', '-legacy'])
    const report = bench.opensslReport(['pkcs12', '-info', '-noout', '-legacy', '-in', 'legacy.p12', '-passin', `pass:${PASSPHRASE}`])
    expect(report).toContain('MAC: sha1')
    expect(report).toContain('PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC')
    expect(report).toContain('Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC')
    const imported = importPrivateKey(p12, PASSPHRASE)
    expect(imported.description).toBe('PKCS#12 (legacy 3DES/RC2)')
    expect(imported.certificates).toEqual([certificate])
    expectSameKeyAsOpenssl(imported, view)
    expectKeyError(() => importPrivateKey(p12, 'salah'), 'KEY_WRONG_PASSPHRASE')
    expectKeyError(() => importPrivateKey(p12, ''), 'KEY_PASSPHRASE_REQUIRED')
  })

  it('reads a legacy file that has no MAC, catching a wrong passphrase by decryption', () => {
    const p12 = export12('legacy-nomac.p12', ['-in', 'cert.pem', '-legacy', '-nomac'])
    expectSameKeyAsOpenssl(importPrivateKey(p12, PASSPHRASE), view)
    expectKeyError(() => importPrivateKey(p12, 'salah'), 'KEY_WRONG_PASSPHRASE')
  })

  it('opens empty-password files without a passphrase, modern and legacy', () => {
    for (const options of [[], ['-legacy']]) {
      const p12 = export12('empty.p12', ['-in', 'cert.pem', ...options], '')
      for (const passphrase of [undefined, '']) {
        const imported = importPrivateKey(p12, passphrase)
        expect(imported.certificates).toEqual([certificate])
        expectSameKeyAsOpenssl(imported, view)
      }
      expectKeyError(() => importPrivateKey(p12, 'salah'), 'KEY_WRONG_PASSPHRASE')
    }
  })

  it('reads a key-only file and a file with a non-ASCII passphrase', () => {
    const keyOnly = importPrivateKey(export12('key-only.p12', ['-nocerts']), PASSPHRASE)
    expect(keyOnly.certificates).toEqual([])
    expectSameKeyAsOpenssl(keyOnly, view)
    // PBKDF2 takes the passphrase as UTF-8 and the MAC's KDF as UTF-16: both must agree with OpenSSL.
    expectSameKeyAsOpenssl(importPrivateKey(export12('unicode.p12', ['-in', 'cert.pem'], 'kata-sandi-ÉŞ-日本'), 'kata-sandi-ÉŞ-日本'), view)
  })

  it('returns the certificate for the key first, then each issuer up to the root', () => {
    // root → intermediate → leaf; -certfile lists root before intermediate, and openssl keeps that order.
    bench.openssl(['genrsa', '-out', 'root.pem', '2048'])
    bench.openssl(['req', '-x509', '-new', '-key', 'root.pem', '-subj', '/CN=Teken Test Root', '-days', '2', '-out', 'root.crt'])
    bench.openssl(['genrsa', '-out', 'intermediate.pem', '2048'])
    bench.openssl(['req', '-new', '-key', 'intermediate.pem', '-subj', '/CN=Teken Test Intermediate', '-out', 'intermediate.csr'])
    bench.openssl(['x509', '-req', '-in', 'intermediate.csr', '-CA', 'root.crt', '-CAkey', 'root.pem', '-CAcreateserial', '-days', '2', '-out', 'intermediate.crt'])
    bench.openssl(['req', '-new', '-key', 'key.pem', '-subj', '/CN=Teken Test Leaf', '-out', 'leaf.csr'])
    bench.openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'intermediate.crt', '-CAkey', 'intermediate.pem', '-CAcreateserial', '-days', '2', '-out', 'leaf.crt'])
    const [root, intermediate, leaf] = ['root.crt', 'intermediate.crt', 'leaf.crt'].map((name) => bench.read(name).toString())
    bench.write('ca-bundle.pem', `${root}${intermediate}`)
    const p12 = export12('chain.p12', ['-in', 'leaf.crt', '-certfile', 'ca-bundle.pem'])
    expect(pemBlocks(bench.openssl(['pkcs12', '-nokeys', '-in', 'chain.p12', '-passin', `pass:${PASSPHRASE}`]).toString(), 'CERTIFICATE')).toEqual([leaf, root, intermediate])
    const imported = importPrivateKey(p12, PASSPHRASE)
    expect(imported.certificates).toEqual([leaf, intermediate, root])
    expect(new X509Certificate(imported.certificates[0]!).checkPrivateKey(imported.privateKey)).toBe(true)
    expectSameKeyAsOpenssl(imported, view)
  })

  it('calls a certificate-only file public', () => {
    bench.openssl(['pkcs12', '-export', '-nokeys', '-in', 'cert.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'certs-only.p12'])
    expectKeyError(() => importPrivateKey(bench.read('certs-only.p12'), PASSPHRASE), 'KEY_IS_PUBLIC')
  })
})

describe('exportPkcs12', () => {
  const bench = new KeyWorkbench()
  let view: OpensslView
  let certificate: string

  beforeAll(() => {
    ;({ view, certificate } = makeKeyAndCertificate(bench))
  })
  afterAll(() => bench.cleanup())

  it('writes a file OpenSSL 3 reads without -legacy: AES-256-CBC bags, SHA-256 MAC, friendly name and localKeyId', () => {
    const key = importPrivateKey(bench.read('key.pem')).privateKey
    bench.write('teken.p12', exportPkcs12(key, [certificate], PASSPHRASE, 'OVO SNAP'))
    const passin = ['-in', 'teken.p12', '-passin', `pass:${PASSPHRASE}`]
    const report = bench.opensslReport(['pkcs12', '-info', '-noout', ...passin])
    expect(report).toContain('MAC: sha256, Iteration 2048')
    expect(report).toContain('PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256')
    expect(report).toContain('Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256')
    const all = bench.openssl(['pkcs12', '-nodes', ...passin]).toString()
    expect(all).toContain('friendlyName: OVO SNAP')
    expect(all.match(/localKeyID: [0-9A-F ]+/g)).toHaveLength(2)
    expect(pemBlocks(all, 'CERTIFICATE')).toEqual([certificate])
    const keyOut = bench.openssl(['pkcs12', '-nodes', '-nocerts', ...passin])
    bench.write('from-p12.pem', keyOut)
    expect(bench.viewOfPrivateKey('from-p12.pem')).toEqual(view)
  })

  it('round-trips through importPrivateKey, with the chain leaf first', () => {
    bench.openssl(['genrsa', '-out', 'ca.pem', '2048'])
    bench.openssl(['req', '-x509', '-new', '-key', 'ca.pem', '-subj', '/CN=Teken Test CA', '-days', '2', '-out', 'ca.crt'])
    bench.openssl(['req', '-new', '-key', 'key.pem', '-subj', '/CN=Teken Test Leaf', '-out', 'leaf.csr'])
    bench.openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.pem', '-CAcreateserial', '-days', '2', '-out', 'leaf.crt'])
    const [leaf, ca] = [bench.read('leaf.crt').toString(), bench.read('ca.crt').toString()]
    const key = importPrivateKey(bench.read('key.pem')).privateKey
    const p12 = exportPkcs12(key, [ca, leaf], PASSPHRASE)
    const imported = importPrivateKey(p12, PASSPHRASE)
    expect(imported.description).toBe('PKCS#12 (AES-256-CBC, PBKDF2)')
    expect(imported.certificates).toEqual([leaf, ca])
    expectSameKeyAsOpenssl(imported, view)
    bench.write('chain.p12', p12)
    const certs = bench.openssl(['pkcs12', '-nokeys', '-in', 'chain.p12', '-passin', `pass:${PASSPHRASE}`]).toString()
    expect(pemBlocks(certs, 'CERTIFICATE')).toEqual([leaf, ca])
    expectKeyError(() => importPrivateKey(p12, 'salah'), 'KEY_WRONG_PASSPHRASE')
  })

  it('writes key-only, empty-password and non-ASCII-passphrase files that both OpenSSL and Teken read', () => {
    const key = importPrivateKey(bench.read('key.pem')).privateKey
    for (const passphrase of [PASSPHRASE, '', 'kata-sandi-ÉŞ-日本']) {
      const p12 = exportPkcs12(key, [], passphrase)
      bench.write('key-only.p12', p12)
      bench.write('key-only.pem', bench.openssl(['pkcs12', '-nodes', '-in', 'key-only.p12', '-passin', `pass:${passphrase}`]))
      expect(bench.viewOfPrivateKey('key-only.pem')).toEqual(view)
      const imported = importPrivateKey(p12, passphrase || undefined)
      expect(imported.certificates).toEqual([])
      expectSameKeyAsOpenssl(imported, view)
    }
  })
})
