import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportEncryptedPkcs8, exportPkcs12, importPrivateKey, type KeySourceFormat } from '../../../src/main/keys'
import { expectSameKeyAsOpenssl, KeyWorkbench, type OpensslView } from './key-workbench'

const PASSPHRASE = 'Rahasia-Mitra-2026'

interface Case4096 {
  name: string
  /** Produces the key file's bytes from key.pem (4096-bit, PKCS#8) and cert.pem. */
  make: (bench: KeyWorkbench) => Buffer
  format: KeySourceFormat
  certificates: number
}

const opensslFile = (bench: KeyWorkbench, args: string[], out: string): Buffer => (bench.openssl([...args, '-out', out]), bench.read(out))

const CASES: Case4096[] = [
  { name: 'PKCS#8 PEM', make: (bench) => bench.read('key.pem'), format: 'pkcs8-pem', certificates: 0 },
  { name: 'PKCS#1 PEM', make: (bench) => opensslFile(bench, ['rsa', '-in', 'key.pem', '-traditional'], 'pkcs1.pem'), format: 'pkcs1-pem', certificates: 0 },
  { name: 'PKCS#1 DER', make: (bench) => opensslFile(bench, ['rsa', '-in', 'key.pem', '-traditional', '-outform', 'DER'], 'pkcs1.der'), format: 'pkcs1-der', certificates: 0 },
  {
    name: 'traditional DES-EDE3-CBC PEM',
    make: (bench) => opensslFile(bench, ['rsa', '-in', 'key.pem', '-des3', '-traditional', '-passout', `pass:${PASSPHRASE}`], 'traditional.pem'),
    format: 'encrypted-traditional-pem',
    certificates: 0,
  },
  {
    name: 'encrypted PKCS#8 PEM (AES-256-CBC)',
    make: (bench) => opensslFile(bench, ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'key.pem', '-passout', `pass:${PASSPHRASE}`], 'encrypted.pem'),
    format: 'encrypted-pkcs8-pem',
    certificates: 0,
  },
  {
    name: 'PKCS#12, OpenSSL 3 default',
    make: (bench) => opensslFile(bench, ['pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-passout', `pass:${PASSPHRASE}`], 'modern.p12'),
    format: 'pkcs12',
    certificates: 1,
  },
  {
    name: 'PKCS#12, legacy',
    make: (bench) => opensslFile(bench, ['pkcs12', '-export', '-legacy', '-inkey', 'key.pem', '-in', 'cert.pem', '-passout', `pass:${PASSPHRASE}`], 'legacy.p12'),
    format: 'pkcs12',
    certificates: 1,
  },
  {
    name: 'exportEncryptedPkcs8 output',
    make: (bench) => Buffer.from(exportEncryptedPkcs8(importPrivateKey(bench.read('key.pem')).privateKey, PASSPHRASE)),
    format: 'encrypted-pkcs8-pem',
    certificates: 0,
  },
  {
    name: 'exportPkcs12 output',
    make: (bench) => exportPkcs12(importPrivateKey(bench.read('key.pem')).privateKey, [bench.read('cert.pem').toString()], PASSPHRASE),
    format: 'pkcs12',
    certificates: 1,
  },
]

describe('4096-bit keys through the common formats', () => {
  const bench = new KeyWorkbench()
  let view: OpensslView

  beforeAll(() => {
    bench.openssl(['genrsa', '-out', 'key.pem', '4096'])
    bench.openssl(['req', '-x509', '-new', '-key', 'key.pem', '-subj', '/CN=Teken Test', '-days', '2', '-out', 'cert.pem'])
    view = bench.viewOfPrivateKey('key.pem')
    expect(view.bits).toBe(4096)
  }, 60_000)
  afterAll(() => bench.cleanup())

  it.each(CASES)('reads $name', ({ make, format, certificates }) => {
    const imported = importPrivateKey(make(bench), PASSPHRASE)
    expect(imported.format).toBe(format)
    expect(imported.certificates).toHaveLength(certificates)
    if (certificates > 0) expect(imported.certificates[0]).toBe(bench.read('cert.pem').toString())
    expectSameKeyAsOpenssl(imported, view)
  })
})
