import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPrivateKey, type KeySourceFormat } from '../../../src/main/keys'
import { expectKeyError, expectSameKeyAsOpenssl, KeyWorkbench, type OpensslView } from './key-workbench'

const PASSPHRASE = 'Rahasia-Mitra-2026'
const LEGACY_PROVIDER = ['-provider', 'legacy', '-provider', 'default']

interface FormatCase {
  name: string
  /** Writes the key file with openssl or ssh-keygen and returns its name. */
  make: (bench: KeyWorkbench) => string
  encrypted: boolean
  /** Extra options openssl itself needs to read the file. */
  opensslReads?: string[]
  format: KeySourceFormat
  description: string
}

const CASES: FormatCase[] = [
  {
    name: 'PKCS#8 PEM, as OpenSSL 3 `genrsa` writes it',
    make: () => 'base.pem',
    encrypted: false,
    format: 'pkcs8-pem',
    description: 'PKCS#8 PEM (BEGIN PRIVATE KEY)',
  },
  {
    name: 'PKCS#1 PEM (`openssl rsa -traditional`)',
    make: (bench) => (bench.openssl(['rsa', '-in', 'base.pem', '-traditional', '-out', 'pkcs1.pem']), 'pkcs1.pem'),
    encrypted: false,
    format: 'pkcs1-pem',
    description: 'PKCS#1 PEM (BEGIN RSA PRIVATE KEY)',
  },
  {
    name: 'PKCS#1 DER',
    make: (bench) => (bench.openssl(['rsa', '-in', 'base.pem', '-traditional', '-outform', 'DER', '-out', 'pkcs1.der']), 'pkcs1.der'),
    encrypted: false,
    format: 'pkcs1-der',
    description: 'PKCS#1 DER',
  },
  {
    name: 'PKCS#8 DER',
    // `openssl pkey -outform DER` writes PKCS#1 for RSA; `pkcs8 -topk8 -nocrypt` writes PKCS#8.
    make: (bench) => (bench.openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'base.pem', '-outform', 'DER', '-out', 'pkcs8.der']), 'pkcs8.der'),
    encrypted: false,
    format: 'pkcs8-der',
    description: 'PKCS#8 DER',
  },
  {
    name: 'traditional DES-EDE3-CBC PEM (`openssl genrsa -des3 -traditional`)',
    make: (bench) => (bench.openssl(['genrsa', '-des3', '-traditional', '-passout', `pass:${PASSPHRASE}`, '-out', 'trad-des3.pem', '2048']), 'trad-des3.pem'),
    encrypted: true,
    format: 'encrypted-traditional-pem',
    description: 'Traditional encrypted PEM (DES-EDE3-CBC)',
  },
  {
    name: 'traditional AES-128-CBC PEM (`openssl genrsa -aes128 -traditional`)',
    make: (bench) => (bench.openssl(['genrsa', '-aes128', '-traditional', '-passout', `pass:${PASSPHRASE}`, '-out', 'trad-aes128.pem', '2048']), 'trad-aes128.pem'),
    encrypted: true,
    format: 'encrypted-traditional-pem',
    description: 'Traditional encrypted PEM (AES-128-CBC)',
  },
  {
    name: 'traditional AES-256-CBC PEM (`openssl genrsa -aes256 -traditional`)',
    make: (bench) => (bench.openssl(['genrsa', '-aes256', '-traditional', '-passout', `pass:${PASSPHRASE}`, '-out', 'trad-aes256.pem', '2048']), 'trad-aes256.pem'),
    encrypted: true,
    format: 'encrypted-traditional-pem',
    description: 'Traditional encrypted PEM (AES-256-CBC)',
  },
  {
    name: 'old ssh-keygen PEM without passphrase (`ssh-keygen -m PEM`)',
    make: (bench) => (bench.sshKeygen(['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', 'ssh-pem']), 'ssh-pem'),
    encrypted: false,
    format: 'pkcs1-pem',
    description: 'PKCS#1 PEM (BEGIN RSA PRIVATE KEY)',
  },
  {
    name: 'old ssh-keygen PEM with passphrase (`ssh-keygen -m PEM -N …`)',
    make: (bench) => (bench.sshKeygen(['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASSPHRASE, '-f', 'ssh-pem-encrypted']), 'ssh-pem-encrypted'),
    encrypted: true,
    format: 'encrypted-traditional-pem',
    description: 'Traditional encrypted PEM (AES-128-CBC)',
  },
  {
    name: 'encrypted PKCS#8 as OpenSSL 3 `genrsa -des3` writes it',
    make: (bench) => (bench.openssl(['genrsa', '-des3', '-passout', `pass:${PASSPHRASE}`, '-out', 'genrsa-des3.pem', '2048']), 'genrsa-des3.pem'),
    encrypted: true,
    format: 'encrypted-pkcs8-pem',
    description: 'Encrypted PKCS#8 PEM (PBES2, DES-EDE3-CBC)',
  },
  {
    name: 'encrypted PKCS#8 PEM (`openssl pkcs8 -topk8 -v2 aes-256-cbc`)',
    make: (bench) => (bench.openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'base.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'p8-aes256.pem']), 'p8-aes256.pem'),
    encrypted: true,
    format: 'encrypted-pkcs8-pem',
    description: 'Encrypted PKCS#8 PEM (PBES2, AES-256-CBC)',
  },
  {
    name: 'encrypted PKCS#8 DER (`openssl pkcs8 -topk8 -v2 aes-256-cbc -outform DER`)',
    make: (bench) => (bench.openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'base.pem', '-passout', `pass:${PASSPHRASE}`, '-outform', 'DER', '-out', 'p8-aes256.der']), 'p8-aes256.der'),
    encrypted: true,
    format: 'encrypted-pkcs8-der',
    description: 'Encrypted PKCS#8 DER (PBES2, AES-256-CBC)',
  },
  {
    name: 'encrypted PKCS#8 with scrypt (`openssl pkcs8 -topk8 -scrypt`)',
    make: (bench) => (bench.openssl(['pkcs8', '-topk8', '-scrypt', '-in', 'base.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'p8-scrypt.pem']), 'p8-scrypt.pem'),
    encrypted: true,
    format: 'encrypted-pkcs8-pem',
    description: 'Encrypted PKCS#8 PEM (PBES2 (scrypt), AES-256-CBC)',
  },
  {
    name: 'encrypted PKCS#8 with PKCS#12 PBE 3DES (`-v1 PBE-SHA1-3DES`)',
    make: (bench) => (bench.openssl(['pkcs8', '-topk8', '-v1', 'PBE-SHA1-3DES', '-in', 'base.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'p8-3des.pem']), 'p8-3des.pem'),
    encrypted: true,
    format: 'encrypted-pkcs8-pem',
    description: 'Encrypted PKCS#8 PEM (PKCS#12 PBE, 3DES)',
  },
  {
    // RC2 lives in OpenSSL 3's legacy provider, which Node cannot use; Teken decrypts it itself.
    name: 'encrypted PKCS#8 with PKCS#12 PBE RC2-40 (`-v1 PBE-SHA1-RC2-40`)',
    make: (bench) => (
      bench.openssl(['pkcs8', '-topk8', '-v1', 'PBE-SHA1-RC2-40', ...LEGACY_PROVIDER, '-in', 'base.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'p8-rc2.pem']), 'p8-rc2.pem'
    ),
    encrypted: true,
    opensslReads: LEGACY_PROVIDER,
    format: 'encrypted-pkcs8-pem',
    description: 'Encrypted PKCS#8 PEM (PKCS#12 PBE, RC2)',
  },
]

describe('importPrivateKey: PEM and DER, plain and encrypted', () => {
  const bench = new KeyWorkbench()
  let baseView: OpensslView

  beforeAll(() => {
    bench.openssl(['genrsa', '-out', 'base.pem', '2048'])
    baseView = bench.viewOfPrivateKey('base.pem')
  })
  afterAll(() => bench.cleanup())

  it.each(CASES)('reads $name', ({ make, encrypted, opensslReads, format, description }) => {
    const file = make(bench)
    const bytes = bench.read(file)
    const imported = importPrivateKey(bytes, encrypted ? PASSPHRASE : undefined)
    expect(imported.format).toBe(format)
    expect(imported.description).toBe(description)
    expect(imported.certificates).toEqual([])
    expect(imported.comment).toBeUndefined()
    expectSameKeyAsOpenssl(imported, bench.viewOfPrivateKey(file, encrypted ? PASSPHRASE : undefined, opensslReads))
    if (encrypted) {
      expectKeyError(() => importPrivateKey(bytes), 'KEY_PASSPHRASE_REQUIRED', bytes)
      expectKeyError(() => importPrivateKey(bytes, ''), 'KEY_PASSPHRASE_REQUIRED', bytes)
      expectKeyError(() => importPrivateKey(bytes, `${PASSPHRASE}x`), 'KEY_WRONG_PASSPHRASE', bytes)
    } else {
      // A passphrase offered for a plain key is simply not needed.
      expect(importPrivateKey(bytes, 'unused').format).toBe(format)
    }
  })

  it('accepts PEM as a string or bytes, with CRLF line ends and surrounding whitespace', () => {
    bench.openssl(['rsa', '-in', 'base.pem', '-traditional', '-out', 'crlf-source.pem'])
    const crlf = `\r\n\r\n   ${bench.read('crlf-source.pem').toString().replace(/\n/g, '\r\n')}\r\n  \t\r\n`
    for (const input of [crlf, new TextEncoder().encode(crlf), `\uFEFF${crlf}`]) {
      const imported = importPrivateKey(input)
      expect(imported.format).toBe('pkcs1-pem')
      expectSameKeyAsOpenssl(imported, baseView)
    }
  })

  it('finds the key among other PEM blocks and text, as `openssl pkcs12 -nodes` prints them', () => {
    bench.openssl(['req', '-x509', '-new', '-key', 'base.pem', '-subj', '/CN=Teken Test', '-days', '2', '-out', 'cert.pem'])
    const bundle = `Bag Attributes\n    friendlyName: mitra\nsubject=CN = Teken Test\n${bench.read('cert.pem').toString()}${bench.read('base.pem').toString()}`
    const imported = importPrivateKey(bundle)
    expect(imported.format).toBe('pkcs8-pem')
    expect(imported.certificates).toEqual([])
    expectSameKeyAsOpenssl(imported, baseView)
  })

  it('reads bare base64 DER, as SNAP integration guides often print keys', () => {
    const der = bench.openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'base.pem', '-outform', 'DER'])
    for (const text of [der.toString('base64'), `${der.toString('base64').replace(/.{1,76}/g, '$&\n')}`]) {
      const imported = importPrivateKey(text)
      expect(imported.format).toBe('pkcs8-der')
      expect(imported.description).toBe('PKCS#8 DER (base64 text without PEM lines)')
      expectSameKeyAsOpenssl(imported, baseView)
    }
    const encrypted = bench.openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'base.pem', '-passout', `pass:${PASSPHRASE}`, '-outform', 'DER'])
    const imported = importPrivateKey(encrypted.toString('base64'), PASSPHRASE)
    expect(imported.format).toBe('encrypted-pkcs8-der')
    expect(imported.description).toBe('Encrypted PKCS#8 DER (base64 text without PEM lines; PBES2, AES-256-CBC)')
    expectSameKeyAsOpenssl(imported, baseView)
  })
})
