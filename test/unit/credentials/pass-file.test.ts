import { afterAll, describe, expect, it } from 'vitest'
import { opensslEncDecrypt, opensslEncEncrypt, passwordFromPassFile } from '../../../src/main/credentials'
import { expectTekenError } from '../../support/teken-error'
import { ENC_CASES, encDecryptFile, encEncryptWithSalt, openssl, runOpenssl, Scratch } from './openssl-cli'

const scratch = new Scratch()
afterAll(() => scratch.remove())

const SALT = Buffer.from('a1b2c3d4e5f60718', 'hex')
// The password feeds both KDFs; one of each is enough here (openssl-enc.test.ts covers them all).
const KDF_CASES = ENC_CASES.filter(({ label }) => label === '-md sha256' || label === '-pbkdf2 -iter 1000')
const PLAINTEXT = Buffer.from('{"client_id":"partner-42","client_secret":"not-a-real-secret"}\n')
const plaintextFile = scratch.file(PLAINTEXT, 'plaintext.txt')

const base64Line = openssl(['rand', '-base64', '32'])
const base64Text = base64Line.subarray(0, base64Line.indexOf(0x0a))
/** `openssl rand 32` without NUL or newline bytes, so only the chosen ones end the password: the cases are certain, not left to chance. */
function randomBinary(set: Record<number, number>): Buffer {
  const bytes = Buffer.from(openssl(['rand', '32']).map((byte) => (byte === 0x00 || byte === 0x0a ? 0x41 : byte)))
  for (const [index, value] of Object.entries(set)) bytes[Number(index)] = value
  return bytes
}
const binaryNoNulNoNewline = randomBinary({})
const binaryNewlineThenNul = randomBinary({ 5: 0x0a, 12: 0x00 })
const binaryNulThenNewline = randomBinary({ 7: 0x00, 20: 0x0a })
const longLine = Buffer.from('x'.repeat(700) + 'y'.repeat(800))

const cases: { name: string; file: Buffer; password: Buffer }[] = [
  { name: 'openssl rand -base64 32 text with its newline', file: base64Line, password: base64Text },
  { name: 'the same text without a final newline', file: base64Text, password: base64Text },
  { name: 'CRLF text keeps the \\r', file: Buffer.concat([base64Text, Buffer.from('\r\n')]), password: Buffer.concat([base64Text, Buffer.from('\r')]) },
  { name: 'only the first of several lines', file: Buffer.from('first-line\nsecond-line\n'), password: Buffer.from('first-line') },
  { name: 'a file that is just "\\n" is the empty password', file: Buffer.from('\n'), password: Buffer.alloc(0) },
  { name: 'a first line longer than 1,023 bytes is cut at 1,023', file: Buffer.concat([longLine, Buffer.from('\n')]), password: longLine.subarray(0, 1023) },
  { name: 'a 1,022-byte line keeps all of it', file: Buffer.from('z'.repeat(1022) + '\nrest'), password: Buffer.from('z'.repeat(1022)) },
  { name: 'a 1,023-byte line then a newline keeps 1,023', file: Buffer.from('z'.repeat(1023) + '\nrest'), password: Buffer.from('z'.repeat(1023)) },
  { name: 'a 1,024-byte line keeps 1,023', file: Buffer.from('z'.repeat(1024) + '\n'), password: Buffer.from('z'.repeat(1023)) },
  { name: 'binary with \\n before NUL ends at the \\n', file: binaryNewlineThenNul, password: binaryNewlineThenNul.subarray(0, 5) },
  { name: 'binary with NUL before \\n ends at the NUL', file: binaryNulThenNewline, password: binaryNulThenNewline.subarray(0, 7) },
  { name: 'binary without NUL or \\n is used whole', file: binaryNoNulNoNewline, password: binaryNoNulNoNewline },
  { name: 'UTF-8 text is used as bytes', file: Buffer.from('kata-sandi-rahasia-ü-東京\n'), password: Buffer.from('kata-sandi-rahasia-ü-東京') },
]

describe('passwordFromPassFile matches openssl -pass file:', () => {
  it.each(cases)('$name', ({ file, password }) => {
    const passFile = scratch.file(file)
    expect(passwordFromPassFile(file).equals(password)).toBe(true)

    expect(KDF_CASES).toHaveLength(2)
    for (const { args: kdfArgs, kdf } of KDF_CASES) {
      // Same salt, same bytes out: openssl took exactly this password from the file.
      const fromOpenssl = encEncryptWithSalt(passFile, plaintextFile, SALT, kdfArgs)
      expect(opensslEncEncrypt(PLAINTEXT, passwordFromPassFile(file), kdf, SALT).equals(fromOpenssl)).toBe(true)
      expect(opensslEncDecrypt(fromOpenssl, passwordFromPassFile(file), kdf).equals(PLAINTEXT)).toBe(true)

      // And the other way: openssl reads Teken's file back with -pass file:.
      const tekenFile = scratch.file(opensslEncEncrypt(PLAINTEXT, passwordFromPassFile(file), kdf))
      const decrypted = scratch.path(`decrypted-${Math.random().toString(36).slice(2)}`)
      encDecryptFile(passFile, tekenFile, decrypted, kdfArgs)
      expect(scratch.read(decrypted).equals(PLAINTEXT)).toBe(true)
    }
  })

  it('takes a password that differs in one byte as a different password (the comparison is meaningful)', () => {
    const passFile = scratch.file(Buffer.concat([base64Text, Buffer.from('\r\n')]))
    const withoutCr = opensslEncEncrypt(PLAINTEXT, base64Text, { digest: 'sha256', pbkdf2: false }, SALT)
    expect(withoutCr.equals(encEncryptWithSalt(passFile, plaintextFile, SALT, ['-md', 'sha256']))).toBe(false)
  })

  it.each([
    { name: 'an empty file', file: Buffer.alloc(0) },
    { name: 'a file whose first byte is NUL', file: Buffer.from([0x00, 0x61, 0x62, 0x63, 0x0a]) },
  ])('refuses $name, as openssl does', ({ file }) => {
    const result = runOpenssl(['enc', '-aes-256-cbc', '-salt', '-md', 'sha256', '-in', plaintextFile, '-pass', `file:${scratch.file(file)}`])
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain('Error reading password')
    expectTekenError(() => passwordFromPassFile(file), 'CREDENTIAL_PASS_FILE_EMPTY')
  })

  it('copies the password, so wiping it leaves the caller’s bytes alone', () => {
    const file = Buffer.from('secret\n')
    passwordFromPassFile(file).fill(0)
    expect(file.toString()).toBe('secret\n')
  })
})
