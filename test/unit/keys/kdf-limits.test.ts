import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import forge from 'node-forge'
import { afterAll, describe, expect, it } from 'vitest'
import { importPrivateKey } from '../../../src/main/keys'

// A crafted file can ask for any amount of key-derivation work; Teken must refuse at once, not freeze.
describe('key-derivation cost limits', () => {
  const work = mkdtempSync(join(tmpdir(), 'teken-kdf-'))
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('refuses an encrypted PKCS#8 asking for 50 million PBKDF2 iterations', () => {
    const plain = execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'])
    const der = execFileSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', 'pass:secret', '-outform', 'DER'], { input: plain })
    const info = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')))
    // EncryptedPrivateKeyInfo → algorithm → PBES2 params → keyDerivationFunc → PBKDF2 params → iterationCount
    const pbkdf2Params = (((((info.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])
    pbkdf2Params[1] = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.INTEGER, false, forge.asn1.integerToDer(50_000_000).getBytes())
    const crafted = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary')

    const started = Date.now()
    expect(() => importPrivateKey(crafted, 'secret')).toThrow(expect.objectContaining({ code: 'KEY_UNSUPPORTED_ENCRYPTION', message: expect.stringMatching(/iteration count of 50000000/) }))
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('refuses an OpenSSH key asking for 100,000 bcrypt rounds', () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '1024', '-N', 'secret', '-a', '16', '-f', join(work, 'id_rsa')])
    const pem = readFileSync(join(work, 'id_rsa'), 'utf8')
    const blob = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64')
    // "openssh-key-v1\0", then string cipher, string kdfname, string kdfoptions = (string salt, uint32 rounds)
    let offset = 15
    offset += 4 + blob.readUInt32BE(offset)
    offset += 4 + blob.readUInt32BE(offset)
    offset += 4
    offset += 4 + blob.readUInt32BE(offset)
    expect(blob.readUInt32BE(offset)).toBe(16)
    blob.writeUInt32BE(100_000, offset)
    const crafted = `-----BEGIN OPENSSH PRIVATE KEY-----\n${blob.toString('base64').replace(/.{70}/g, '$&\n')}\n-----END OPENSSH PRIVATE KEY-----\n`

    const started = Date.now()
    expect(() => importPrivateKey(crafted, 'secret')).toThrow(expect.objectContaining({ code: 'KEY_UNSUPPORTED_ENCRYPTION', message: expect.stringMatching(/bcrypt round count of 100000/) }))
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})
