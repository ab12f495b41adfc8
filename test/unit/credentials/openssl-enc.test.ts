import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { opensslEncDecrypt, opensslEncEncrypt, passwordFromPassFile, type EncKdf } from '../../../src/main/credentials'
import { expectTekenError } from '../../support/teken-error'
import { ENC_CASES, encDecryptFile, encEncryptFile, encEncryptWithSalt, openssl, runOpenssl, Scratch } from './openssl-cli'

const scratch = new Scratch()
afterAll(() => scratch.remove())

const keyBinFile = scratch.file(openssl(['rand', '-base64', '32']), 'key.bin')
const password = passwordFromPassFile(scratch.read(keyBinFile))
const SHA256: EncKdf = { digest: 'sha256', pbkdf2: false }

// Around the AES block size: empty and exactly one block both end in a whole block of padding.
const PLAINTEXTS = [Buffer.alloc(0), ...[1, 15, 16, 17, 1000].map((length) => openssl(['rand', String(length)]))]

function decryptWithOpenssl(encrypted: Uint8Array, kdfArgs: string[]): Buffer {
  const out = scratch.path(`out-${Math.random().toString(36).slice(2)}`)
  encDecryptFile(keyBinFile, scratch.file(encrypted), out, kdfArgs)
  return scratch.read(out)
}

describe('openssl enc -aes-256-cbc -salt', () => {
  it.each(ENC_CASES)('Teken and openssl read and write the same bytes with $label', ({ args, kdf }) => {
    for (const plaintext of PLAINTEXTS) {
      const plaintextFile = scratch.file(plaintext)
      const fromOpenssl = scratch.path(`enc-${Math.random().toString(36).slice(2)}`)
      encEncryptFile(keyBinFile, plaintextFile, fromOpenssl, args)
      const encrypted = scratch.read(fromOpenssl)
      expect(opensslEncDecrypt(encrypted, password, kdf).equals(decryptWithOpenssl(encrypted, args))).toBe(true)
      expect(opensslEncDecrypt(encrypted, password, kdf).equals(plaintext)).toBe(true)

      expect(decryptWithOpenssl(opensslEncEncrypt(plaintext, password, kdf), args).equals(plaintext)).toBe(true)

      const salt = randomBytes(8)
      expect(opensslEncEncrypt(plaintext, password, kdf, salt).equals(encEncryptWithSalt(keyBinFile, plaintextFile, salt, args))).toBe(true)
    }
  })

  describe('refuses what is not an openssl enc -salt file, as openssl does', () => {
    const valid = opensslEncEncrypt(Buffer.from('client_id=partner-42\nclient_secret=abc\n'), password, SHA256)
    const base64 = openssl(['enc', '-aes-256-cbc', '-salt', '-a', '-md', 'sha256', '-pass', `file:${keyBinFile}`], Buffer.from('client_id=partner-42\n'))
    it.each([
      { name: 'random bytes', data: randomBytes(64), message: 'does not start with "Salted__"' },
      { name: 'a file shorter than the header', data: valid.subarray(0, 12), message: 'does not start with "Salted__"' },
      { name: 'the header alone', data: valid.subarray(0, 16), message: 'not a whole number of 16-byte AES blocks' },
      { name: 'a body cut mid-block', data: valid.subarray(0, valid.length - 5), message: 'not a whole number of 16-byte AES blocks' },
      { name: 'the base64 form (openssl enc -a)', data: base64, message: 'base64' },
      { name: 'an empty file', data: Buffer.alloc(0), message: 'does not start with "Salted__"' },
    ])('$name', ({ data, message }) => {
      const result = runOpenssl(['enc', '-d', '-aes-256-cbc', '-md', 'sha256', '-pass', `file:${keyBinFile}`], data)
      expect(result.status).not.toBe(0)
      const error = expectTekenError(() => opensslEncDecrypt(data, password, SHA256), 'CREDENTIAL_NOT_OPENSSL_ENC', [password.toString('latin1')])
      expect(error.message).toContain(message)
    })
  })

  it('reports bad padding as wrong key or digest, without the password in the message', () => {
    // Fixed inputs, so the padding is certainly invalid; ovo-credentials.test.ts covers padding that is valid by chance.
    const encrypted = opensslEncEncrypt(Buffer.from('client_id=partner-42\n'), Buffer.from('right password'), SHA256, Buffer.from('0011223344556677', 'hex'))
    const error = expectTekenError(() => opensslEncDecrypt(encrypted, Buffer.from('wrong password'), SHA256), 'CREDENTIAL_WRONG_KEY_OR_DIGEST', ['wrong password'])
    expect(error.message).toContain('wrong key or digest')
    expect(error.details).toEqual({ digest: 'sha256', pbkdf2: 'false' })
  })

  it('rejects a KDF openssl cannot express, and a salt that is not 8 bytes', () => {
    const plaintext = Buffer.from('x')
    expect(() => opensslEncEncrypt(plaintext, password, { digest: 'sha256', pbkdf2: false, iterations: 1000 })).toThrow(RangeError)
    expect(() => opensslEncEncrypt(plaintext, password, { digest: 'sha256', pbkdf2: true, iterations: 0 })).toThrow(RangeError)
    expect(() => opensslEncEncrypt(plaintext, password, { digest: 'sha256', pbkdf2: true, iterations: 1.5 })).toThrow(RangeError)
    expect(() => opensslEncEncrypt(plaintext, password, SHA256, Buffer.alloc(16))).toThrow(RangeError)
  })
})
