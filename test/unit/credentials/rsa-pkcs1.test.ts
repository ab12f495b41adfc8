import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { rsaPkcs1v15Decrypt } from '../../../src/main/credentials'
import { expectTekenError } from '../../support/teken-error'
import { generateRsaKey, openssl, RSA_TOOLS, rsaDecryptFile, rsaEncryptFile, runOpenssl, Scratch } from './openssl-cli'

const scratch = new Scratch()
afterAll(() => scratch.remove())

const key2048 = generateRsaKey(scratch, 2048)
const key4096 = generateRsaKey(scratch, 4096)
const keys = [key2048, key4096]
const otherKey = generateRsaKey(scratch, 2048)

function binaryWithNulAndNewline(): Buffer {
  const bytes = openssl(['rand', '32'])
  bytes[3] = 0x00
  bytes[9] = 0x0a
  return bytes
}

const messages = [
  { name: 'openssl rand -base64 32 text', bytes: openssl(['rand', '-base64', '32']) },
  { name: 'binary with NUL and \\n', bytes: binaryWithNulAndNewline() },
  { name: 'CRLF text', bytes: Buffer.from('c2VjcmV0LWtleS1iaW4tZm9yLXRlc3Rz\r\n') },
  { name: 'empty', bytes: Buffer.alloc(0) },
]

describe('rsaPkcs1v15Decrypt matches openssl rsautl/pkeyutl -decrypt', () => {
  for (const key of keys) {
    for (const tool of RSA_TOOLS) {
      it(`${key.bits}-bit key, encrypted with openssl ${tool}`, () => {
        // The longest message PKCS#1 v1.5 fits: the modulus minus 11 bytes of padding.
        const longest = { name: 'longest', bytes: openssl(['rand', String(key.bits / 8 - 11)]) }
        for (const { bytes } of [...messages, longest]) {
          const keyBin = scratch.file(bytes)
          const keyBinEnc = `${keyBin}.enc`
          rsaEncryptFile(tool, key.publicPem, keyBin, keyBinEnc)
          const ciphertext = scratch.read(keyBinEnc)
          expect(ciphertext.length).toBe(key.bits / 8)

          const fromTeken = rsaPkcs1v15Decrypt(key.privateKey, ciphertext)
          for (const decryptTool of RSA_TOOLS) {
            const fromOpenssl = `${keyBinEnc}.${decryptTool}.out`
            rsaDecryptFile(decryptTool, key.privatePem, keyBinEnc, fromOpenssl)
            expect(fromTeken.equals(scratch.read(fromOpenssl))).toBe(true)
          }
          expect(fromTeken.equals(bytes)).toBe(true)
        }
      })
    }
  }

  it('accepts a traditional PKCS#1 private key (genrsa -traditional) the same way', () => {
    const traditional = openssl(['rsa', '-in', key2048.privatePem, '-traditional']).toString()
    expect(traditional).toContain('BEGIN RSA PRIVATE KEY')
    const keyBin = scratch.file('dGVzdA==\n')
    rsaEncryptFile('pkeyutl', key2048.publicPem, keyBin, `${keyBin}.enc`)
    expect(rsaPkcs1v15Decrypt(createPrivateKey(traditional), scratch.read(`${keyBin}.enc`)).toString()).toBe('dGVzdA==\n')
  })
})

describe('rsaPkcs1v15Decrypt refuses what this key cannot decrypt', () => {
  const secret = 'a-secret-key-bin-line'
  const keyBin = scratch.file(`${secret}\n`)
  const forKey2048 = `${keyBin}.2048.enc`
  const forKey4096 = `${keyBin}.4096.enc`
  rsaEncryptFile('pkeyutl', key2048.publicPem, keyBin, forKey2048)
  rsaEncryptFile('pkeyutl', key4096.publicPem, keyBin, forKey4096)

  it('another key of the same size: wrong key, and openssl fails too', () => {
    // openssl 3.0 has no implicit rejection, so it reports the bad padding as an error.
    expect(runOpenssl(['pkeyutl', '-decrypt', '-inkey', otherKey.privatePem, '-in', forKey2048]).status).not.toBe(0)
    const error = expectTekenError(() => rsaPkcs1v15Decrypt(otherKey.privateKey, scratch.read(forKey2048)), 'CREDENTIAL_WRONG_KEY', [secret])
    expect(error.message).toContain('not encrypted for this key')
  })

  it('a ciphertext for a key of another size: says which sizes', () => {
    const error = expectTekenError(() => rsaPkcs1v15Decrypt(key2048.privateKey, scratch.read(forKey4096)), 'CREDENTIAL_WRONG_KEY')
    expect(error.details).toEqual({ expectedBytes: '256', actualBytes: '512' })
    expect(error.message).toContain('2048-bit')
    expectTekenError(() => rsaPkcs1v15Decrypt(key4096.privateKey, scratch.read(forKey2048)), 'CREDENTIAL_WRONG_KEY')
    expectTekenError(() => rsaPkcs1v15Decrypt(key2048.privateKey, Buffer.from('not an RSA ciphertext\n')), 'CREDENTIAL_WRONG_KEY')
  })

  it('a value not below the modulus', () => {
    const tooLarge = Buffer.alloc(256, 0xff)
    expect(runOpenssl(['pkeyutl', '-decrypt', '-inkey', key2048.privatePem], tooLarge).status).not.toBe(0)
    expectTekenError(() => rsaPkcs1v15Decrypt(key2048.privateKey, tooLarge), 'CREDENTIAL_WRONG_KEY')
  })

  it('a public key, or a key that is not plain RSA', () => {
    const ciphertext = scratch.read(forKey2048)
    expectTekenError(() => rsaPkcs1v15Decrypt(createPublicKey(key2048.privateKey), ciphertext), 'KEY_IS_PUBLIC')
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    expect(expectTekenError(() => rsaPkcs1v15Decrypt(ec, ciphertext), 'KEY_NOT_RSA').details).toEqual({ keyType: 'ec' })
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey
    expectTekenError(() => rsaPkcs1v15Decrypt(pss, ciphertext), 'KEY_NOT_RSA')
  })
})
