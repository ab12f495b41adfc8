import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPrivateKey } from '../../../src/main/keys'
import { deterministicBytes, expectKeyError, KeyWorkbench } from './key-workbench'

const PASSPHRASE = 'Rahasia-Mitra-2026'
const LEGACY_PROVIDER = ['-provider', 'legacy', '-provider', 'default']

describe('importPrivateKey errors: each failure has its own code and a message without key material', () => {
  const bench = new KeyWorkbench()

  beforeAll(() => {
    bench.openssl(['genrsa', '-out', 'rsa.pem', '2048'])
    bench.openssl(['rsa', '-in', 'rsa.pem', '-traditional', '-out', 'pkcs1.pem'])
    bench.openssl(['rsa', '-in', 'rsa.pem', '-traditional', '-outform', 'DER', '-out', 'pkcs1.der'])
    bench.openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'rsa.pem', '-outform', 'DER', '-out', 'pkcs8.der'])
    bench.openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'rsa.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'encrypted.pem'])
    bench.openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'rsa.pem', '-passout', `pass:${PASSPHRASE}`, '-outform', 'DER', '-out', 'encrypted.der'])
    bench.openssl(['rsa', '-in', 'rsa.pem', '-des3', '-traditional', '-passout', `pass:${PASSPHRASE}`, '-out', 'traditional.pem'])
    bench.openssl(['req', '-x509', '-new', '-key', 'rsa.pem', '-subj', '/CN=Teken Test', '-days', '2', '-out', 'cert.pem'])
    bench.openssl(['pkcs12', '-export', '-inkey', 'rsa.pem', '-in', 'cert.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'bundle.p12'])
  })
  afterAll(() => bench.cleanup())

  it('wrong passphrases are reported as such, and never echoed', () => {
    for (const file of ['encrypted.pem', 'encrypted.der', 'traditional.pem', 'bundle.p12']) {
      const bytes = bench.read(file)
      const error = expectKeyError(() => importPrivateKey(bytes, 'sandi-yang-salah'), 'KEY_WRONG_PASSPHRASE', bytes)
      expect(error.message).not.toContain('sandi-yang-salah')
      expectKeyError(() => importPrivateKey(bytes), 'KEY_PASSPHRASE_REQUIRED', bytes)
    }
  })

  it('a PEM file cut in half is truncated, plain or encrypted', () => {
    for (const file of ['rsa.pem', 'pkcs1.pem', 'encrypted.pem', 'traditional.pem']) {
      const text = bench.read(file).toString()
      const error = expectKeyError(() => importPrivateKey(text.slice(0, Math.floor(text.length / 2)), PASSPHRASE), 'KEY_TRUNCATED', text)
      expect(error.message).toContain('END')
    }
  })

  it('a DER file cut in half is truncated, whatever it held', () => {
    for (const file of ['pkcs1.der', 'pkcs8.der', 'encrypted.der', 'bundle.p12']) {
      const bytes = bench.read(file)
      const error = expectKeyError(() => importPrivateKey(bytes.subarray(0, Math.floor(bytes.length / 2)), PASSPHRASE), 'KEY_TRUNCATED', bytes)
      expect(error.details).toEqual({ reason: 'the key data ends early' })
    }
  })

  it('damage inside a complete PEM frame is reported as truncated or damaged', () => {
    const text = bench.read('rsa.pem').toString()
    const lines = text.trimEnd().split('\n')
    const withoutMiddle = [...lines.slice(0, 5), ...lines.slice(12)].join('\n')
    const badCharacter = text.replace(/^(-----BEGIN PRIVATE KEY-----\n.{10})./, '$1*')
    const secondHalfOnly = lines.slice(Math.floor(lines.length / 2)).join('\n')
    const traditional = bench.read('traditional.pem').toString()
    // One base64 quantum less: still valid base64, but the ciphertext no longer fills whole cipher blocks.
    const cutCiphertext = traditional.replace(/[A-Za-z0-9+/=]{4}\n-----END/, '\n-----END')
    expect(cutCiphertext.length).toBe(traditional.length - 4)
    const damages: [string, string][] = [
      [withoutMiddle, 'the key data ends early'],
      [badCharacter, 'the base64 text between the BEGIN and END lines is damaged'],
      [secondHalfOnly, 'the BEGIN line and the start of the key are missing'],
    ]
    for (const [damaged, reason] of damages) expect(expectKeyError(() => importPrivateKey(damaged), 'KEY_TRUNCATED', text).details).toEqual({ reason })
    const error = expectKeyError(() => importPrivateKey(cutCiphertext, PASSPHRASE), 'KEY_TRUNCATED', traditional)
    expect(error.details).toEqual({ reason: 'the encrypted key data has been cut' })
  })

  it('every kind of public key, offered as private, is called public', () => {
    const commands = [
      ['rsa', '-in', 'rsa.pem', '-pubout', '-out', 'spki.pem'],
      ['rsa', '-in', 'rsa.pem', '-RSAPublicKey_out', '-out', 'pkcs1-public.pem'],
      ['rsa', '-in', 'rsa.pem', '-pubout', '-outform', 'DER', '-out', 'spki.der'],
      ['rsa', '-in', 'rsa.pem', '-RSAPublicKey_out', '-outform', 'DER', '-out', 'pkcs1-public.der'],
      ['x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der'],
      ['req', '-new', '-key', 'rsa.pem', '-subj', '/CN=Teken Test', '-out', 'request.csr'],
    ]
    for (const command of commands) bench.openssl(command)
    bench.write('id_rsa.pub', bench.sshKeygen(['-y', '-f', 'pkcs1.pem']))
    const expectations: [string, string][] = [
      ['spki.pem', 'an SPKI public key (BEGIN PUBLIC KEY)'],
      ['pkcs1-public.pem', 'a PKCS#1 public key (BEGIN RSA PUBLIC KEY)'],
      ['spki.der', 'an SPKI public key'],
      ['pkcs1-public.der', 'a PKCS#1 RSA public key'],
      ['cert.pem', 'a certificate'],
      ['cert.der', 'a certificate (or certificate request)'],
      ['request.csr', 'a certificate signing request (CSR)'],
      ['id_rsa.pub', 'an OpenSSH public key (the .pub file)'],
    ]
    for (const [file, found] of expectations) {
      const bytes = bench.read(file)
      expect(expectKeyError(() => importPrivateKey(bytes), 'KEY_IS_PUBLIC', bytes).details).toEqual({ found })
      if (!file.endsWith('.der')) expect(expectKeyError(() => importPrivateKey(bytes.toString()), 'KEY_IS_PUBLIC', bytes).details).toEqual({ found })
    }
  })

  it('EC, Ed25519, DSA and RSA-PSS keys are named as not RSA', () => {
    bench.openssl(['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', 'ec-sec1.pem'])
    bench.openssl(['ecparam', '-genkey', '-name', 'prime256v1', '-out', 'ec-with-parameters.pem'])
    bench.openssl(['ec', '-in', 'ec-sec1.pem', '-outform', 'DER', '-out', 'ec-sec1.der'])
    bench.openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'ec-pkcs8.pem'])
    bench.openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'ec-pkcs8.pem', '-outform', 'DER', '-out', 'ec-pkcs8.der'])
    bench.openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'ec-pkcs8.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'ec-encrypted.pem'])
    bench.openssl(['genpkey', '-algorithm', 'ed25519', '-out', 'ed25519.pem'])
    bench.openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'ed25519.pem', '-outform', 'DER', '-out', 'ed25519.der'])
    bench.openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', 'dsa-parameters.pem'])
    bench.openssl(['genpkey', '-paramfile', 'dsa-parameters.pem', '-out', 'dsa.pem'])
    bench.openssl(['pkey', '-in', 'dsa.pem', '-traditional', '-out', 'dsa-traditional.pem'])
    bench.openssl(['pkey', '-in', 'dsa.pem', '-traditional', '-outform', 'DER', '-out', 'dsa-traditional.der'])
    bench.openssl(['genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa-pss.pem'])
    bench.openssl(['req', '-x509', '-new', '-key', 'ec-pkcs8.pem', '-subj', '/CN=Teken Test', '-days', '2', '-out', 'ec-cert.pem'])
    bench.openssl(['pkcs12', '-export', '-inkey', 'ec-pkcs8.pem', '-in', 'ec-cert.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'ec.p12'])
    const expectations: [string, string][] = [
      ['ec-sec1.pem', 'EC'],
      ['ec-with-parameters.pem', 'EC'],
      ['ec-sec1.der', 'EC'],
      ['ec-pkcs8.pem', 'EC (P-384)'],
      ['ec-pkcs8.der', 'EC (P-384)'],
      ['ec-encrypted.pem', 'EC (P-384)'],
      ['ec.p12', 'EC (P-384)'],
      ['ed25519.pem', 'Ed25519'],
      ['ed25519.der', 'Ed25519'],
      ['dsa.pem', 'DSA'],
      ['dsa-traditional.pem', 'DSA'],
      ['dsa-traditional.der', 'DSA'],
      // RSA-PSS keys may only make PSS signatures; SNAP signs with PKCS#1 v1.5.
      ['rsa-pss.pem', 'RSA-PSS (restricted to PSS signatures)'],
    ]
    for (const [file, found] of expectations) {
      const bytes = bench.read(file)
      const error = expectKeyError(() => importPrivateKey(bytes, PASSPHRASE), 'KEY_NOT_RSA', bytes)
      expect(error.details).toEqual({ found })
      expect(error.message).toContain(`The private key is ${found}, not RSA.`)
    }
  })

  it('anything else is an unknown format, with a pointer where one helps', () => {
    const garbage = [
      deterministicBytes('teken garbage', 2048),
      Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00, 0x01, 0x01, 0xff]), deterministicBytes('teken sequence', 253)]),
      Buffer.from([0x30, 0x03, 0x01, 0x01, 0xff]),
      'this is not a key, it is a note from the partner',
      '',
      ' \r\n\t',
      '-----BEGIN PKCS7-----\nMIIBAgYJKoZIhvcNAQcCoIH0MIHxAgEBMQAwCwYJKoZIhvcNAQcBoIHW\n-----END PKCS7-----\n',
    ]
    for (const input of garbage) expectKeyError(() => importPrivateKey(input, PASSPHRASE), 'KEY_FORMAT_UNKNOWN', input)
    const putty = 'PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: rsa-key-20260101\nPublic-Lines: 6\n'
    expect(expectKeyError(() => importPrivateKey(putty), 'KEY_FORMAT_UNKNOWN', putty).message).toContain('PuTTYgen')
  })

  it('encryption Teken cannot decrypt is named, before any passphrase is asked for', () => {
    bench.openssl(['rsa', '-in', 'rsa.pem', '-des', '-traditional', ...LEGACY_PROVIDER, '-passout', `pass:${PASSPHRASE}`, '-out', 'des-cbc.pem'])
    bench.openssl(['pkcs8', '-topk8', '-v1', 'PBE-MD5-DES', ...LEGACY_PROVIDER, '-in', 'rsa.pem', '-passout', `pass:${PASSPHRASE}`, '-out', 'pbes1.pem'])
    const expectations: [string, string][] = [
      ['des-cbc.pem', 'DES-CBC (traditional PEM encryption)'],
      ['pbes1.pem', 'PBES1 (MD5, DES)'],
    ]
    for (const [file, encryption] of expectations) {
      const bytes = bench.read(file)
      for (const passphrase of [PASSPHRASE, undefined]) {
        const error = expectKeyError(() => importPrivateKey(bytes, passphrase), 'KEY_UNSUPPORTED_ENCRYPTION', bytes)
        expect(error.details).toEqual({ encryption })
        expect(error.message).toContain('openssl pkcs8 -topk8 -v2 aes-256-cbc')
      }
    }
  })
})
