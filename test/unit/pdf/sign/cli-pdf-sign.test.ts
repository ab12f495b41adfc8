import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKeytarSecretStore } from '../../../../src/main/ports/keytar-secret-store'
import { VAULT_KEY_ACCOUNT } from '../../../../src/main/vault/vault'
import { createCli } from '../../../support/cli'
import { makeGeneratedPdfs } from './generated'
import { CORPUS_DIR, makeTestIdentity, makeTestTsa, pdfsig, type TestIdentity } from './support'

// The acceptance forms of issue 4 for `pdf info` and `pdf sign`, run as a user runs them: a PKCS#12
// made by openssl, imported with `keys import` into the real keychain, then judged by pdfsig.
describe('CLI: pdf info and pdf sign', () => {
  let work: string
  let signer: TestIdentity
  let input: string
  const { run: cli, runAsync: cliAsync, keychainService: service } = createCli(() => join(work, 'data'))

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-cli-pdf-'))
    signer = await makeTestIdentity(work, 'Dewi Lestari')
    input = (await makeGeneratedPdfs(work)).find((pdf) => pdf.name === 'generated-rotations-0-90-180-270-classic')?.path as string
    const imported = cli('keys', 'import', '--name', 'dewi', '--file', signer.p12Path, '--passphrase-file', signer.passphraseFile)
    expect(imported.stderr).toBe('')
    expect(imported.stdout).toMatch(/imported dewi: PKCS#12/)
  }, 60_000)
  afterAll(async () => {
    await createKeytarSecretStore(service).delete(VAULT_KEY_ACCOUNT)
    await rm(work, { recursive: true, force: true })
  })

  it('pdf info shows pages, boxes and rotation per page', () => {
    const info = cli('pdf', 'info', '--in', input)
    expect(info.stderr).toBe('')
    expect(info.status).toBe(0)
    expect(info.stdout).toMatch(/^pages: +4$/m)
    expect(info.stdout).toMatch(/^page 2: MediaBox \[0 0 400 300\] {2}CropBox \[0 0 400 300\] {2}rotate 90$/m)
    expect(info.stdout).toMatch(/^page 4: .* rotate 270$/m)
  }, 30_000)

  it('pdf sign signs visibly, then invisibly on top; pdfsig says both are valid', async () => {
    const once = join(work, 'once.pdf')
    const first = cli('pdf', 'sign', '--in', input, '--out', once, '--identity', 'dewi', '--page', '2', '--rect', '100,40,300,110', '--reason', 'Persetujuan', '--location', 'Surabaya')
    expect(first.stderr).toBe('')
    expect(first.stdout).toMatch(/^signed .*once\.pdf: field Signature1 on page 2, box \[100 40 300 110\]$/m)

    const twice = join(work, 'twice.pdf')
    const second = cli('pdf', 'sign', '--in', once, '--out', twice, '--identity', 'dewi', '--page', '1', '--invisible')
    expect(second.status).toBe(0)
    expect(second.stdout).toMatch(/field Signature2 on page 1, invisible/)

    expect(await pdfsig(twice)).toEqual([
      { fieldName: 'Signature1', validation: 'Signature is Valid.', totalDocument: false },
      { fieldName: 'Signature2', validation: 'Signature is Valid.', totalDocument: true },
    ])
    expect(cli('pdf', 'info', '--in', twice).stdout).toMatch(/signature fields:\n {2}Signature1 {2}signed {2}page 2 {2}\[100 40 300 110\]\n {2}Signature2 {2}signed {2}page 1 {2}\[0 0 0 0\]/)
  }, 60_000)

  it('--certify no-changes certifies, and a later signature is refused with exit 1', async () => {
    const certified = join(work, 'certified.pdf')
    expect(cli('pdf', 'sign', '--in', input, '--out', certified, '--identity', 'dewi', '--page', '1', '--rect', '20,20,220,90', '--certify', 'no-changes').stdout).toMatch(/certified \(no changes allowed\)/)
    expect((await pdfsig(certified))[0]?.validation).toBe('Signature is Valid.')
    const refused = cli('pdf', 'sign', '--in', certified, '--out', join(work, 'refused.pdf'), '--identity', 'dewi', '--page', '1', '--invisible')
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/^teken: certified\.pdf is certified with "no changes allowed"/)
  }, 60_000)

  it('--tsa adds an RFC 3161 timestamp from the given TSA (PAdES B-T)', async () => {
    const tsa = await (await makeTestTsa(work)).serve()
    try {
      const stamped = join(work, 'stamped.pdf')
      const result = await cliAsync('pdf', 'sign', '--in', input, '--out', stamped, '--identity', 'dewi', '--page', '3', '--rect', '20,20,220,90', '--tsa', tsa.url)
      expect(result.stderr).toBe('')
      expect(result.stdout).toMatch(/field Signature1 on page 3, box \[20 20 220 90\], timestamped \d{4}-\d\d-\d\dT/)
      expect((await pdfsig(stamped))[0]?.validation).toBe('Signature is Valid.')
      const unreachable = cli('pdf', 'sign', '--in', input, '--out', join(work, 'unstamped.pdf'), '--identity', 'dewi', '--page', '1', '--invisible', '--tsa', 'http://127.0.0.1:9/tsa')
      expect(unreachable.status).toBe(1)
      expect(unreachable.stderr).toMatch(/^teken: The timestamp authority http:\/\/127\.0\.0\.1:9\/tsa did not give a usable timestamp \(it could not be reached/)
    } finally {
      await tsa.close()
    }
  }, 60_000)

  it('exits 1 with a specific message for a bare key, a missing page, a box off the page, no box, and damaged or encrypted files', async () => {
    expect(cli('keys', 'generate', '--name', 'bare', '--bits', '2048').status).toBe(0)
    const out = join(work, 'errors')
    await mkdir(out)
    const attempts: [string[], RegExp][] = [
      [['--in', input, '--identity', 'bare', '--page', '1', '--rect', '10,10,100,50'], /"bare" is a bare private key without a certificate/],
      [['--in', input, '--identity', 'dewi', '--page', '9', '--rect', '10,10,100,50'], /Page 9 does not exist: the document has 4 pages/],
      [['--in', input, '--identity', 'dewi', '--page', '1', '--rect', '300,250,500,350'], /not inside the visible area of page 1/],
      [['--in', input, '--identity', 'dewi', '--page', '1'], /Give the signature box with --rect/],
      [['--in', join(CORPUS_DIR, 'pyhanko-startxref-off-by-one.pdf'), '--identity', 'dewi', '--page', '1', '--rect', '10,10,100,50'], /is damaged \(startxref/],
      [['--in', join(CORPUS_DIR, 'pypdf-aes256-r6-owner-only.pdf'), '--identity', 'dewi', '--page', '1', '--rect', '10,10,100,50'], /is encrypted/],
    ]
    for (const [args, message] of attempts) {
      const result = cli('pdf', 'sign', ...args, '--out', join(out, 'signed.pdf'))
      expect(result.status, args.join(' ')).toBe(1)
      expect(result.stderr).toMatch(message)
    }
    expect(cli('pdf', 'sign', '--in', input, '--out', join(out, 'x.pdf'), '--identity', 'dewi', '--page', '0', '--rect', '1,2,3').stderr).toMatch(/use a page number from 1/)
    expect(await readdir(out)).toEqual([])
  }, 120_000)
})
