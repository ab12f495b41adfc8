import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKeytarSecretStore } from '../../src/main/ports/keytar-secret-store'
import { VAULT_KEY_ACCOUNT } from '../../src/main/vault/vault'
import { createCli } from '../support/cli'
import { openssl } from '../support/openssl'

// The acceptance forms of issue 3, run as a user runs them, against the real keychain and openssl.
describe('CLI: keys and credentials', () => {
  let work: string
  const { run, runForBytes, keychainService: service } = createCli(() => join(work, 'data'))

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-cli-keys-'))
    // The partner's key as OVO's SOP makes it: `openssl genrsa -des3` (OpenSSL 3 writes encrypted PKCS#8).
    openssl(['genrsa', '-des3', '-passout', 'pass:partner pass', '-out', 'id_rsa.pem', '2048'], { cwd: work })
    await writeFile(join(work, 'pass.txt'), 'partner pass\n')
    openssl(['rsa', '-in', 'id_rsa.pem', '-passin', 'pass:partner pass', '-pubout', '-out', 'id_rsa.pub.pem'], { cwd: work })
  })
  afterAll(async () => {
    await createKeytarSecretStore(service).delete(VAULT_KEY_ACCOUNT)
    await rm(work, { recursive: true, force: true })
  })

  it('imports an encrypted key with --passphrase-file and says which format it found', () => {
    const result = run('keys', 'import', '--name', 'ovo', '--file', join(work, 'id_rsa.pem'), '--passphrase-file', join(work, 'pass.txt'))
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/imported ovo: Encrypted PKCS#8 PEM.*RSA-2048, SHA-256 ([0-9a-f]{2}:){31}[0-9a-f]{2}/)
  }, 30_000)

  it('without a passphrase file or a terminal, refuses clearly instead of guessing', () => {
    const result = run('keys', 'import', '--name', 'ovo-2', '--file', join(work, 'id_rsa.pem'))
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/no terminal to ask on: pass --passphrase-file PATH/)
  }, 30_000)

  it('exports the public key as SPKI and PKCS#1, byte-exact with openssl', async () => {
    const spki = runForBytes('keys', 'export-public', '--name', 'ovo', '--format', 'spki')
    expect(spki.status).toBe(0)
    expect(spki.stdout.equals(await readFile(join(work, 'id_rsa.pub.pem')))).toBe(true)

    const out = join(work, 'public.pem')
    expect(run('keys', 'export-public', '--name', 'ovo', '--format', 'pkcs1', '--out', out).status).toBe(0)
    const expected = openssl(['rsa', '-in', 'id_rsa.pem', '-passin', 'pass:partner pass', '-RSAPublicKey_out'], { cwd: work })
    expect((await readFile(out)).equals(expected)).toBe(true)
  }, 30_000)

  it('decrypts an OVO credential pair exactly as openssl does (--print), for sha256, md5 and pbkdf2', async () => {
    await writeFile(join(work, 'key.bin'), openssl(['rand', '-base64', '32']))
    openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', 'id_rsa.pub.pem', '-in', 'key.bin', '-out', 'key.bin.enc'], { cwd: work })
    await writeFile(join(work, 'cred.txt'), 'client_id=OVO-PARTNER-1\nclient_secret=s3cr3t with spaces ü\n')
    const cases: { encArgs: string[]; cliArgs: string[] }[] = [
      { encArgs: ['-md', 'sha256'], cliArgs: ['--md', 'sha256'] },
      { encArgs: ['-md', 'md5'], cliArgs: [] },
      { encArgs: ['-pbkdf2', '-iter', '2000'], cliArgs: ['--pbkdf2', '--iter', '2000'] },
    ]
    for (const { encArgs, cliArgs } of cases) {
      openssl(['enc', '-aes-256-cbc', '-salt', '-in', 'cred.txt', '-out', 'cred_file.enc', '-pass', 'file:./key.bin', ...encArgs], { cwd: work })
      // What the partner would get with openssl itself.
      openssl(['rsautl', '-decrypt', '-inkey', 'id_rsa.pem', '-passin', 'pass:partner pass', '-in', 'key.bin.enc', '-out', 'key.bin.out'], { cwd: work })
      const expected = openssl(['enc', '-d', '-aes-256-cbc', '-in', 'cred_file.enc', '-pass', 'file:./key.bin.out', ...encArgs], { cwd: work })
      const result = runForBytes('credentials', 'decrypt', '--key', 'ovo', '--key-file', join(work, 'key.bin.enc'), '--cred-file', join(work, 'cred_file.enc'), ...cliArgs, '--print')
      expect(result.status, encArgs.join(' ')).toBe(0)
      expect(result.stdout.equals(expected), encArgs.join(' ')).toBe(true)
    }
  }, 60_000)

  it('exits non-zero with a specific message for the wrong key, and prints nothing', async () => {
    expect(run('keys', 'generate', '--name', 'other', '--bits', '2048').stdout).toMatch(/generated other: RSA-2048/)
    const result = run('credentials', 'decrypt', '--key', 'other', '--key-file', join(work, 'key.bin.enc'), '--cred-file', join(work, 'cred_file.enc'), '--print')
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^teken: .*key\.bin\.enc/)
  }, 30_000)

  it('saves the decrypted fields as a partner profile, lists and deletes', () => {
    const saved = run('credentials', 'decrypt', '--key', 'ovo', '--key-file', join(work, 'key.bin.enc'), '--cred-file', join(work, 'cred_file.enc'), '--pbkdf2', '--iter', '2000', '--save-profile', 'OVO UAT')
    expect(saved.status).toBe(0)
    expect(saved.stdout).toMatch(/saved partner profile OVO UAT with fields: client_id, client_secret/)
    expect(saved.stdout + saved.stderr).not.toContain('s3cr3t')

    const listed = run('keys', 'list')
    expect(listed.stdout).toMatch(/^ovo\tprivate-key\tRSA-2048\tSHA-256 /m)
    expect(listed.stdout).toMatch(/^other\tprivate-key/m)
    expect(listed.stdout).toMatch(/^OVO UAT\tpartner-profile/m)

    expect(run('keys', 'delete', '--name', 'other').stdout).toMatch(/deleted other/)
    expect(run('keys', 'list').stdout).not.toMatch(/^other\t/m)
    const missing = run('keys', 'delete', '--name', 'other')
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/no vault item called "other"/)
  }, 60_000)

  it('rejects bad arguments before touching anything', () => {
    expect(run('keys', 'generate', '--name', 'x', '--bits', '1024').stderr).toMatch(/use 2048 or 4096/)
    const both = run('credentials', 'decrypt', '--key', 'ovo', '--key-file', 'a', '--cred-file', 'b')
    expect(both.status).toBe(1)
    expect(both.stderr).toMatch(/exactly one of --print or --save-profile/)
  }, 30_000)
})

describe('CLI: protected private-key export and secrets', () => {
  let work: string
  const { run: cli, keychainService: service } = createCli(() => join(work, 'data'))
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-cli-export-'))
    await writeFile(join(work, 'pass.txt'), 'export passphrase\n')
    await writeFile(join(work, 'secret.txt'), 'peruri-gateway-key-0123456789\n')
  })
  afterAll(async () => {
    await createKeytarSecretStore(service).delete(VAULT_KEY_ACCOUNT)
    await rm(work, { recursive: true, force: true })
  })

  it('exports a generated key as encrypted PKCS#8 and PKCS#12 that openssl opens with the passphrase', async () => {
    expect(cli('keys', 'generate', '--name', 'signer', '--bits', '2048').status).toBe(0)
    const spki = cli('keys', 'export-public', '--name', 'signer', '--format', 'spki').stdout
    for (const [format, file, readBack] of [
      ['pkcs8', 'signer.key.pem', ['pkey', '-in', 'signer.key.pem', '-passin', 'pass:export passphrase', '-pubout']],
      ['pkcs12', 'signer.p12', ['pkcs12', '-in', 'signer.p12', '-passin', 'pass:export passphrase', '-nocerts', '-nodes']],
    ] as const) {
      const result = cli('keys', 'export-private', '--name', 'signer', '--format', format, '--out', join(work, file), '--passphrase-file', join(work, 'pass.txt'))
      expect(result.status, result.stderr).toBe(0)
      const opened = openssl([...readBack], { cwd: work }).toString()
      const publicKey = format === 'pkcs8' ? opened : openssl(['pkey', '-pubout'], { input: opened }).toString()
      expect(publicKey).toBe(spki)
      expect(() => openssl(readBack.map((arg) => (arg === 'pass:export passphrase' ? 'pass:wrong' : arg)), { cwd: work })).toThrow()
    }
  }, 60_000)

  it('keeps API keys and Basic-auth pairs, showing only masked previews', () => {
    const api = cli('vault', 'add-secret', '--name', 'peruri-gateway', '--type', 'api-key', '--secret-file', join(work, 'secret.txt'), '--tag', 'peruri')
    expect(api.status, api.stderr).toBe(0)
    expect(api.stdout).toMatch(/saved peruri-gateway \(api-key\) pe•+89/)
    const basic = cli('vault', 'add-secret', '--name', 'simas-kyc', '--type', 'basic-auth', '--username', 'teken', '--secret-file', join(work, 'pass.txt'))
    expect(basic.status, basic.stderr).toBe(0)
    const listed = cli('keys', 'list').stdout
    expect(listed).toMatch(/^peruri-gateway\tapi-key\t/m)
    expect(listed).toMatch(/^simas-kyc\tbasic-auth\tteken \//m)
    expect(listed).not.toContain('peruri-gateway-key-0123456789')
    expect(listed).not.toContain('export passphrase')
    expect(cli('vault', 'add-secret', '--name', 'x', '--type', 'api-key', '--username', 'u', '--secret-file', join(work, 'secret.txt')).stderr).toMatch(/--username goes with --type basic-auth/)
  }, 60_000)
})
