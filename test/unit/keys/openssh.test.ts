import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPrivateKey } from '../../../src/main/keys'
import { expectKeyError, expectSameKeyAsOpenssl, KeyWorkbench } from './key-workbench'

const PASSPHRASE = 'Rahasia-Mitra-2026'

describe('importPrivateKey: OpenSSH format (openssh-key-v1), which openssl cannot read', () => {
  const bench = new KeyWorkbench()

  beforeAll(() => {
    bench.sshKeygen(['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'teken@mitra', '-f', 'plain'])
  })
  afterAll(() => bench.cleanup())

  /**
   * Checks the import against two independent references: the .pub file as ssh-keygen exports it to
   * SPKI (read by openssl), and a copy ssh-keygen rewrites as PEM (read by `openssl pkey`, which also
   * compares the private numbers, including the CRT exponents Teken computes).
   */
  function expectSameKeyAsSshKeygen(file: string, passphrase = ''): void {
    const imported = importPrivateKey(bench.read(file), passphrase || undefined)
    bench.write(`${file}.spki.pem`, bench.sshKeygen(['-e', '-m', 'PKCS8', '-f', `${file}.pub`]))
    expectSameKeyAsOpenssl(imported, bench.viewOfPublicKey(`${file}.spki.pem`))
    bench.write(`${file}.as-pem`, bench.read(file))
    bench.sshKeygen(['-p', '-m', 'PEM', '-P', passphrase, '-N', '', '-f', `${file}.as-pem`])
    expect(bench.read(`${file}.as-pem`).toString()).toContain('-----BEGIN RSA PRIVATE KEY-----')
    expectSameKeyAsOpenssl(imported, bench.viewOfPrivateKey(`${file}.as-pem`))
  }

  it('reads an unencrypted key and its comment', () => {
    const imported = importPrivateKey(bench.read('plain'))
    expect(imported.format).toBe('openssh')
    expect(imported.description).toBe('OpenSSH (unencrypted)')
    expect(imported.comment).toBe('teken@mitra')
    expect(imported.certificates).toEqual([])
    expectSameKeyAsSshKeygen('plain')
  })

  it('reads a bcrypt-encrypted key as `ssh-keygen -N` writes it (aes256-ctr)', () => {
    bench.sshKeygen(['-q', '-t', 'rsa', '-b', '2048', '-N', PASSPHRASE, '-C', 'ovo-snap', '-f', 'encrypted'])
    const bytes = bench.read('encrypted')
    const imported = importPrivateKey(bytes, PASSPHRASE)
    expect(imported.format).toBe('openssh-encrypted')
    expect(imported.description).toBe('OpenSSH (bcrypt, aes256-ctr)')
    expect(imported.comment).toBe('ovo-snap')
    expectSameKeyAsSshKeygen('encrypted', PASSPHRASE)
    expectKeyError(() => importPrivateKey(bytes, 'Rahasia-Mitra-2025'), 'KEY_WRONG_PASSPHRASE', bytes)
    expectKeyError(() => importPrivateKey(bytes), 'KEY_PASSPHRASE_REQUIRED', bytes)
    expectKeyError(() => importPrivateKey(bytes, ''), 'KEY_PASSPHRASE_REQUIRED', bytes)
  })

  it.each(['aes256-cbc', 'aes128-ctr', 'aes256-gcm@openssh.com', '3des-cbc'])('reads a key re-encrypted with %s (`ssh-keygen -p -Z`)', (cipher) => {
    const file = `encrypted-${cipher}`
    bench.write(file, bench.read('plain'))
    bench.write(`${file}.pub`, bench.read('plain.pub'))
    bench.sshKeygen(['-p', '-P', '', '-N', PASSPHRASE, '-Z', cipher, '-f', file])
    const bytes = bench.read(file)
    const imported = importPrivateKey(bytes, PASSPHRASE)
    expect(imported.format).toBe('openssh-encrypted')
    expect(imported.description).toBe(`OpenSSH (bcrypt, ${cipher})`)
    expect(imported.comment).toBe('teken@mitra')
    expectSameKeyAsSshKeygen(file, PASSPHRASE)
    // GCM rejects a wrong key at its tag, the others at the check numbers.
    expectKeyError(() => importPrivateKey(bytes, 'salah-sandi'), 'KEY_WRONG_PASSPHRASE', bytes)
  })

  it('refuses chacha20-poly1305 encryption by name, before asking for a passphrase', () => {
    bench.write('chacha', bench.read('plain'))
    bench.sshKeygen(['-p', '-P', '', '-N', PASSPHRASE, '-Z', 'chacha20-poly1305@openssh.com', '-f', 'chacha'])
    const bytes = bench.read('chacha')
    for (const passphrase of [PASSPHRASE, undefined]) {
      const error = expectKeyError(() => importPrivateKey(bytes, passphrase), 'KEY_UNSUPPORTED_ENCRYPTION', bytes)
      expect(error.message).toContain('chacha20-poly1305@openssh.com')
      expect(error.message).toContain('ssh-keygen -p -Z aes256-ctr')
    }
  })

  it('names Ed25519 and ECDSA keys as not RSA, encrypted or not, without needing the passphrase', () => {
    bench.sshKeygen(['-q', '-t', 'ed25519', '-N', '', '-f', 'ed25519'])
    bench.sshKeygen(['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-f', 'ed25519-encrypted'])
    bench.sshKeygen(['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', 'ecdsa'])
    const expectations: [string, string][] = [
      ['ed25519', 'Ed25519'],
      ['ed25519-encrypted', 'Ed25519'],
      ['ecdsa', 'ECDSA (P-256)'],
    ]
    for (const [file, found] of expectations) {
      const bytes = bench.read(file)
      const error = expectKeyError(() => importPrivateKey(bytes), 'KEY_NOT_RSA', bytes)
      expect(error.details).toEqual({ found })
      expect(error.message).toContain(found)
    }
  })

  it('reports a cut or damaged file as truncated', () => {
    const text = bench.read('encrypted').toString()
    const cut = expectKeyError(() => importPrivateKey(text.slice(0, text.length / 2)), 'KEY_TRUNCATED', text)
    expect(cut.details).toEqual({ reason: 'the "-----END OPENSSH PRIVATE KEY-----" line is missing' })
    // A complete PEM frame around binary that stops early, unencrypted and encrypted.
    for (const file of ['plain', 'encrypted']) {
      const body = Buffer.from(bench.read(file).toString().replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
      const shortened = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.subarray(0, Math.floor(body.length * 0.6)).toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`
      const error = expectKeyError(() => importPrivateKey(shortened, PASSPHRASE), 'KEY_TRUNCATED', shortened)
      expect(error.details).toEqual({ reason: 'the OpenSSH key data ends early' })
    }
  })

  it('calls the .pub file and its RFC 4716 and PKCS#1 exports public keys', () => {
    const pub = bench.read('plain.pub').toString()
    expectKeyError(() => importPrivateKey(pub), 'KEY_IS_PUBLIC', pub)
    expectKeyError(() => importPrivateKey(`  ${pub.replace(/\n/g, '\r\n')}`), 'KEY_IS_PUBLIC', pub)
    for (const exportFormat of ['RFC4716', 'PEM']) {
      const exported = bench.sshKeygen(['-e', '-m', exportFormat, '-f', 'plain.pub'])
      expectKeyError(() => importPrivateKey(exported), 'KEY_IS_PUBLIC', exported)
    }
  })
})
