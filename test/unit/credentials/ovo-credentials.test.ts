import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import {
  decryptCredentialFile,
  decryptOvoCredentials,
  opensslEncDecrypt,
  parseCredentials,
  type DecryptCredentialOptions,
  type EncDigest,
} from '../../../src/main/credentials'
import { TekenError } from '../../../src/shared/errors'
import { expectTekenError } from '../../support/teken-error'
import {
  ENC_CASES,
  encDecryptFile,
  encEncryptFile,
  encEncryptWithSalt,
  generateRsaKey,
  openssl,
  RSA_TOOLS,
  rsaDecryptFile,
  rsaEncryptFile,
  runOpenssl,
  Scratch,
  type EncCase,
  type RsaKeyPair,
} from './openssl-cli'

const scratch = new Scratch()
afterAll(() => scratch.remove())

const key2048 = generateRsaKey(scratch, 2048)
const key4096 = generateRsaKey(scratch, 4096)
const otherKey = generateRsaKey(scratch, 2048)
/** The partner runs the SOP's `rsautl -decrypt` where this openssl still has it. */
const partnerTool = RSA_TOOLS.includes('rsautl') ? 'rsautl' : 'pkeyutl'

const keyBinLine = openssl(['rand', '-base64', '32'])
const keyBinSecret = keyBinLine.toString('latin1').trim()
const keyBinFile = scratch.file(keyBinLine, 'key.bin')

/** OVO's side: key.bin encrypted for the partner's public key. */
function keyBinEncFor(key: RsaKeyPair, keyBin: string): string {
  const out = `${keyBin}.${key.bits}-${Math.random().toString(36).slice(2)}.enc`
  rsaEncryptFile('pkeyutl', key.publicPem, keyBin, out)
  return out
}
const keyBinEnc = new Map([key2048, key4096].map((key) => [key, keyBinEncFor(key, keyBinFile)]))

const CREDENTIALS = [
  {
    format: 'json',
    text: '{"client_id":"ovo-partner-42","client_secret":"Zm9vYmFyYmF6cXV4/+=","merchant":{"name":"Toko Čokelat — 東京 🍫","mid":"9360001"},"scopes":["payment","refund"]}\n',
  },
  { format: 'key-value', text: 'CLIENT_ID=ovo-partner-42\nCLIENT_SECRET=Zm9vYmFyYmF6cXV4/+=\nAPP KEY: https://api.ovo.id:443/v1\n' },
  { format: 'lines', text: 'ovo-partner-42\r\nZm9vYmFyYmF6cXV4/+=\nhttps://api.ovo.id/v1\n' },
] as const

/** OVO's side: `openssl enc -aes-256-cbc -salt -in cred_file.txt -out cred_file.enc -pass file:key.bin …`. */
function credFileEnc(passFile: string, text: string | Buffer, kdfArgs: string[]): string {
  const plain = scratch.file(text)
  encEncryptFile(passFile, plain, `${plain}.enc`, kdfArgs)
  return `${plain}.enc`
}

/** The partner's side of the SOP, with the real openssl: the bytes of cred_file.txt. */
function partnerDecrypts(key: RsaKeyPair, keyBinEncFile: string, credEncFile: string, kdfArgs: string[]): Buffer {
  const keyBinOut = `${keyBinEncFile}.${Math.random().toString(36).slice(2)}.key.bin`
  rsaDecryptFile(partnerTool, key.privatePem, keyBinEncFile, keyBinOut)
  const credOut = `${credEncFile}.txt`
  encDecryptFile(keyBinOut, credEncFile, credOut, kdfArgs)
  return scratch.read(credOut)
}

function expectedResult(encCase: EncCase, triedDigests: EncDigest[]) {
  const { kdf } = encCase
  return { digest: kdf.digest, pbkdf2: kdf.pbkdf2, ...(kdf.iterations === undefined ? {} : { iterations: kdf.iterations }), triedDigests }
}

describe('decryptOvoCredentials gives exactly the bytes of the OVO SOP run with openssl', () => {
  const cases = [key2048, key4096].flatMap((key) => ENC_CASES.map((encCase) => ({ key, encCase, name: `${key.bits}-bit key, openssl enc ${encCase.label}` })))
  it.each(cases)('$name', ({ key, encCase }) => {
    const keyBinEncFile = keyBinEnc.get(key)!
    for (const { format, text } of CREDENTIALS) {
      const credEncFile = credFileEnc(keyBinFile, text, encCase.args)
      const fromOpenssl = partnerDecrypts(key, keyBinEncFile, credEncFile, encCase.args)
      const { plaintext, ...reported } = decryptOvoCredentials(key.privateKey, scratch.read(keyBinEncFile), scratch.read(credEncFile), encCase.options)
      expect(plaintext.equals(fromOpenssl)).toBe(true)
      expect(plaintext.toString('utf8')).toBe(text)
      expect(reported).toEqual(expectedResult(encCase, [encCase.kdf.digest]))
      expect(parseCredentials(plaintext.toString('utf8')).format).toBe(format)
    }
  })

  it('runs the SOP command as written (-md sha256) with no options at all', () => {
    const credEncFile = credFileEnc(keyBinFile, CREDENTIALS[0].text, ['-md', 'sha256'])
    const result = decryptOvoCredentials(key2048.privateKey, scratch.read(keyBinEncFor(key2048, keyBinFile)), scratch.read(credEncFile))
    expect(result).toMatchObject({ digest: 'sha256', pbkdf2: false, triedDigests: ['sha256'] })
    expect(result.iterations).toBeUndefined()
    expect(parseCredentials(result.plaintext.toString('utf8')).fields).toContainEqual({ name: 'merchant.name', value: 'Toko Čokelat — 東京 🍫' })
  })

  it.each(ENC_CASES)("'auto' finds the digest of openssl enc $label and says which it tried", (encCase) => {
    const credEncFile = credFileEnc(keyBinFile, CREDENTIALS[1].text, encCase.args)
    const options: DecryptCredentialOptions = { ...encCase.options, digest: 'auto' }
    const { plaintext, ...reported } = decryptOvoCredentials(key2048.privateKey, scratch.read(keyBinEnc.get(key2048)!), scratch.read(credEncFile), options)
    const tried: EncDigest[] = encCase.kdf.digest === 'md5' ? ['sha256', 'md5'] : ['sha256']
    expect(reported).toEqual(expectedResult(encCase, tried))
    expect(plaintext.toString('utf8')).toBe(CREDENTIALS[1].text)
  })

  it('iterations turn PBKDF2 on even with pbkdf2: false, as -iter does in openssl', () => {
    const credEncFile = credFileEnc(keyBinFile, CREDENTIALS[1].text, ['-pbkdf2', '-iter', '1000'])
    const { plaintext, ...reported } = decryptCredentialFile(scratch.read(credEncFile), Buffer.from(keyBinSecret), { digest: 'sha256', pbkdf2: false, iterations: 1000 })
    expect(reported).toEqual({ digest: 'sha256', pbkdf2: true, iterations: 1000, triedDigests: ['sha256'] })
    expect(plaintext.toString('utf8')).toBe(CREDENTIALS[1].text)
  })

  describe('key.bin variants, as openssl reads them through -pass file:', () => {
    function binary(set: Record<number, number>): Buffer {
      const bytes = openssl(['rand', '32'])
      if (bytes[0] === 0) bytes[0] = 0x42
      for (const [index, value] of Object.entries(set)) bytes[Number(index)] = value
      return bytes
    }
    it.each([
      { name: 'CRLF text', keyBin: Buffer.concat([keyBinLine.subarray(0, keyBinLine.length - 1), Buffer.from('\r\n')]) },
      { name: 'binary with \\n then NUL', keyBin: binary({ 6: 0x0a, 11: 0x00 }) },
      { name: 'binary with NUL then \\n', keyBin: binary({ 4: 0x00, 17: 0x0a }) },
      { name: 'just "\\n" (the empty password)', keyBin: Buffer.from('\n') },
      { name: 'two lines', keyBin: Buffer.from('first-line-is-the-password\nsecond-line-is-not\n') },
    ])('$name', ({ keyBin }) => {
      const keyBinPath = scratch.file(keyBin)
      const keyBinEncFile = keyBinEncFor(key2048, keyBinPath)
      for (const encCase of ENC_CASES.filter(({ label }) => label === '-md sha256' || label === '-pbkdf2')) {
        const credEncFile = credFileEnc(keyBinPath, CREDENTIALS[0].text, encCase.args)
        const fromOpenssl = partnerDecrypts(key2048, keyBinEncFile, credEncFile, encCase.args)
        const result = decryptOvoCredentials(key2048.privateKey, scratch.read(keyBinEncFile), scratch.read(credEncFile), encCase.options)
        expect(result.plaintext.equals(fromOpenssl)).toBe(true)
      }
    })

    it.each([
      { name: 'an empty key.bin', keyBin: Buffer.alloc(0) },
      { name: 'a key.bin that starts with NUL', keyBin: Buffer.from([0x00, 0x41, 0x42, 0x0a]) },
    ])('$name fails in openssl enc and in Teken', ({ keyBin }) => {
      const keyBinEncFile = keyBinEncFor(key2048, scratch.file(keyBin))
      const credEncFile = credFileEnc(keyBinFile, CREDENTIALS[0].text, ['-md', 'sha256'])
      const keyBinOut = `${keyBinEncFile}.out`
      rsaDecryptFile(partnerTool, key2048.privatePem, keyBinEncFile, keyBinOut)
      expect(scratch.read(keyBinOut).equals(keyBin)).toBe(true)
      const result = runOpenssl(['enc', '-d', '-aes-256-cbc', '-in', credEncFile, '-pass', `file:${keyBinOut}`, '-md', 'sha256'])
      expect(result.status).not.toBe(0)
      expect(result.stderr).toContain('Error reading password')
      expectTekenError(() => decryptOvoCredentials(key2048.privateKey, scratch.read(keyBinEncFile), scratch.read(credEncFile)), 'CREDENTIAL_PASS_FILE_EMPTY')
    })
  })
})

describe('decryptOvoCredentials fails clearly, never with garbage', () => {
  const keyBinEncBytes = scratch.read(keyBinEnc.get(key2048)!)
  const secrets = [keyBinSecret]

  it('the wrong RSA key: CREDENTIAL_WRONG_KEY, as openssl rsautl fails', () => {
    const credEnc = scratch.read(credFileEnc(keyBinFile, CREDENTIALS[0].text, ['-md', 'sha256']))
    expect(runOpenssl([partnerTool, '-decrypt', '-inkey', otherKey.privatePem, '-in', keyBinEnc.get(key2048)!]).status).not.toBe(0)
    expectTekenError(() => decryptOvoCredentials(otherKey.privateKey, keyBinEncBytes, credEnc), 'CREDENTIAL_WRONG_KEY', secrets)
    expectTekenError(() => decryptOvoCredentials(key4096.privateKey, keyBinEncBytes, credEnc), 'CREDENTIAL_WRONG_KEY', secrets)
  })

  it.each([
    { made: ['-md', 'md5'], options: { digest: 'sha256' }, tried: 'sha256' },
    { made: ['-md', 'sha256'], options: { digest: 'md5' }, tried: 'md5' },
    { made: ['-pbkdf2'], options: { digest: 'auto' }, tried: 'sha256,md5' },
    { made: ['-md', 'sha256'], options: { digest: 'sha256', pbkdf2: true }, tried: 'sha256' },
    { made: ['-pbkdf2', '-iter', '1000'], options: { digest: 'sha256', iterations: 5000 }, tried: 'sha256' },
  ] satisfies { made: string[]; options: DecryptCredentialOptions; tried: string }[])(
    'made with $made, decrypted with $options: wrong key or digest',
    ({ made, options, tried }) => {
      const credEnc = scratch.read(credFileEnc(keyBinFile, CREDENTIALS[0].text, made))
      const error = expectTekenError(() => decryptOvoCredentials(key2048.privateKey, keyBinEncBytes, credEnc, options), 'CREDENTIAL_WRONG_KEY_OR_DIGEST', secrets)
      expect(error.message).toContain('wrong key or digest')
      expect(error.details?.triedDigests).toBe(tried)
    },
  )

  it('a damaged or foreign cred_file.enc', () => {
    const credEncFile = credFileEnc(keyBinFile, CREDENTIALS[0].text, ['-md', 'sha256'])
    const credEnc = scratch.read(credEncFile)
    const decrypt = (data: Uint8Array) => decryptOvoCredentials(key2048.privateKey, keyBinEncBytes, data, { digest: 'sha256' })
    const opensslFails = (data: Uint8Array) =>
      expect(runOpenssl(['enc', '-d', '-aes-256-cbc', '-pass', `file:${keyBinFile}`, '-md', 'sha256'], data).status).not.toBe(0)

    const cutMidBlock = credEnc.subarray(0, 30)
    const garbage = openssl(['rand', '200'])
    for (const data of [cutMidBlock, garbage, Buffer.from(CREDENTIALS[0].text)]) {
      opensslFails(data)
      expectTekenError(() => decrypt(data), 'CREDENTIAL_NOT_OPENSSL_ENC', secrets)
    }
    // Whole blocks but not the right ones: the last block left decrypts to JSON text, never valid padding.
    const lastBlockCut = credEnc.subarray(0, credEnc.length - 16)
    opensslFails(lastBlockCut)
    expectTekenError(() => decrypt(lastBlockCut), 'CREDENTIAL_WRONG_KEY_OR_DIGEST', secrets)
    expectTekenError(() => decrypt(Buffer.concat([credEnc.subarray(0, 16), openssl(['rand', '64'])])), 'CREDENTIAL_WRONG_KEY_OR_DIGEST', secrets)
  })
})

describe('wrong passwords and digests never pass as credentials', () => {
  // Fixed salt and password: openssl's file is the same every run, so this sweep is deterministic.
  const rightKeyBin = scratch.file('cmlnaHQta2V5LWJpbi1mb3ItdGhlLXN3ZWVwLXRlc3Q=\n')
  const salt = Buffer.from('5eed5a175eed5a17', 'hex')
  const wrongPasswords = (count: number) => Array.from({ length: count }, (_, index) => Buffer.from(createHash('sha256').update(`wrong-${index}`).digest('base64')))

  function outcomes(credEnc: Buffer, passwords: Buffer[], options: DecryptCredentialOptions): Set<string> {
    return new Set(
      passwords.map((password) => {
        try {
          decryptCredentialFile(credEnc, password, options)
          return 'decrypted'
        } catch (error) {
          return error instanceof TekenError ? error.code : String(error)
        }
      }),
    )
  }

  /** How many of these decryptions got past the PKCS#7 padding check alone. */
  function validPaddingCount(credEnc: Buffer, passwords: Buffer[], digests: EncDigest[]): number {
    let count = 0
    for (const password of passwords) {
      for (const digest of digests) {
        try {
          opensslEncDecrypt(credEnc, password, { digest, pbkdf2: false })
          count += 1
        } catch (error) {
          expect(error).toMatchObject({ code: 'CREDENTIAL_WRONG_KEY_OR_DIGEST' })
        }
      }
    }
    return count
  }

  it.each([
    { name: 'multi-block JSON', text: CREDENTIALS[0].text },
    { name: 'a single block', text: 'id=42\n' },
  ])("5,000 wrong passwords with 'auto' against $name: all refused, though padding alone let some through", ({ text }) => {
    const credEnc = encEncryptWithSalt(rightKeyBin, scratch.file(text), salt, ['-md', 'sha256'])
    const passwords = wrongPasswords(5000)
    expect(outcomes(credEnc, passwords, { digest: 'auto' })).toEqual(new Set(['CREDENTIAL_WRONG_KEY_OR_DIGEST']))
    // Proof that the text check, not luck, stopped them: about 1 in 256 had valid padding.
    expect(validPaddingCount(credEnc, passwords, ['sha256', 'md5'])).toBeGreaterThan(10)
  })

  it('the right password with the wrong digest, and wrong passwords with PBKDF2', () => {
    const md5File = encEncryptWithSalt(rightKeyBin, scratch.file(CREDENTIALS[0].text), salt, ['-md', 'md5'])
    const rightPassword = Buffer.from('cmlnaHQta2V5LWJpbi1mb3ItdGhlLXN3ZWVwLXRlc3Q=')
    expect(decryptCredentialFile(md5File, rightPassword, { digest: 'md5' }).plaintext.toString('utf8')).toBe(CREDENTIALS[0].text)
    expect(outcomes(md5File, [rightPassword], { digest: 'sha256' })).toEqual(new Set(['CREDENTIAL_WRONG_KEY_OR_DIGEST']))
    expect(outcomes(md5File, [rightPassword], { digest: 'auto', pbkdf2: true })).toEqual(new Set(['CREDENTIAL_WRONG_KEY_OR_DIGEST']))

    const pbkdf2File = encEncryptWithSalt(rightKeyBin, scratch.file(CREDENTIALS[0].text), salt, ['-pbkdf2', '-iter', '1000'])
    expect(outcomes(pbkdf2File, wrongPasswords(300), { digest: 'auto', iterations: 1000 })).toEqual(new Set(['CREDENTIAL_WRONG_KEY_OR_DIGEST']))
    expect(outcomes(pbkdf2File, [rightPassword], { digest: 'auto' })).toEqual(new Set(['CREDENTIAL_WRONG_KEY_OR_DIGEST']))
  })

  it('accepts text with a BOM, tabs and CRLF, and refuses other control characters and invalid UTF-8', () => {
    const password = Buffer.from('right')
    const encrypt = (bytes: Buffer) => encEncryptWithSalt(scratch.file('right\n'), scratch.file(bytes), salt, ['-md', 'sha256'])
    const accepted = Buffer.from('\uFEFFclient_id\tpartner\r\nsecret=ü\n')
    expect(decryptCredentialFile(encrypt(accepted), password, { digest: 'sha256' }).plaintext.equals(accepted)).toBe(true)
    for (const refused of [Buffer.from('id=1\u0000'), Buffer.from('id=\u001b[31m'), Buffer.from('id=\u007f'), Buffer.from('id=\u0085'), Buffer.from([0x69, 0x64, 0x3d, 0xc3, 0x28])]) {
      expect(outcomes(encrypt(refused), [password], { digest: 'sha256' })).toEqual(new Set(['CREDENTIAL_WRONG_KEY_OR_DIGEST']))
    }
  })
})
