import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_DEMO_SIGNERS } from '../../../src/main/sandbox/peruri/sandbox-state'
import { createCli, startCli, type RunningCli } from '../../support/cli'
import { CORPUS_DIR, pdfsig } from '../pdf/verify/reference-tools'

const budi = SANDBOX_DEMO_SIGNERS[0].email
const legal = join(CORPUS_DIR, 'pdfjs-legal-size.pdf')

describe('CLI: Peruri environments, JWT, session and signing', () => {
  let dir: string
  let sandbox: RunningCli
  let gatewayUrl: string
  const cli = createCli(() => join(dir, 'data'))

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'teken-cli-peruri-'))
    await writeFile(join(dir, 'api-key.txt'), 'partner-key-123\n')
    await writeFile(join(dir, 'hashing-key.txt'), 'p3rur1\n')
    sandbox = startCli({ dataDir: join(dir, 'data'), keychainService: cli.keychainService }, 'sandbox', 'start', '--port', '0', '--state', join(dir, 'sandbox'), '--api-key-file', join(dir, 'api-key.txt'), '--system-id', 'PARTNER')
    gatewayUrl = (await sandbox.waitFor(/Peruri sandbox: (\S+)/))[1]!
  }, 60_000)
  afterAll(async () => {
    await sandbox?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it("prints seed 003's Signing System session", () => {
    const run = cli.run('peruri', 'session', '--hmac-key-file', join(dir, 'hashing-key.txt'), '--order', '3214', '--order', '3215', '--order', '3216')
    expect(run).toMatchObject({ status: 0, stdout: '1fdd4df75c0d0c6548e4c34baeceff2e926a9b5520e6ea393c821b7f3248d824\n' })
  })

  it('defines an environment with its API key in the vault, gets a JWT, and signs with an OTP command', async () => {
    const set = cli.run('env', 'set', '--provider', 'peruri', '--name', 'local', '--base-url', gatewayUrl, '--api-key-file', join(dir, 'api-key.txt'), '--system-id', 'PARTNER', '--email', budi)
    expect(set.stderr).toBe('')
    expect(set.stdout).toContain('environment local')
    expect(cli.run('keys', 'list').stdout).toContain('Peruri API key (local)\tapi-key')
    expect(cli.run('keys', 'list').stdout).not.toContain('partner-key-123')

    const jwt = cli.run('peruri', 'jwt', '--env', 'local')
    expect(jwt.status).toBe(0)
    expect(jwt.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    expect(jwt.stderr).toMatch(/expires .* WIB/)

    const out = join(dir, 'signed.pdf')
    const otpCommand = `npm run -s cli -- sandbox otp --state ${join(dir, 'sandbox')}`
    const sign = await cli.runAsync('peruri', 'sign', '--env', 'local', '--in', legal, '--out', out, '--page', '1', '--rect', '54,45,229,116', '--reason', 'Disetujui', '--otp-command', otpCommand)
    expect(sign.stderr).toContain('signed: order')
    expect(sign.status).toBe(0)
    expect(sign.stdout).toMatch(/signed .*signed\.pdf: order \d+, SIGNED, box \[54 45 229 116\] on page 1/)
    expect(pdfsig(out).map((signature) => [signature.commonName, signature.validation])).toEqual([['Budi Santoso', 'Signature is Valid.']])
  }, 60_000)

  it('signs on the embedded sandbox with no setup at all', async () => {
    const out = join(dir, 'embedded.pdf')
    const sign = await cli.runAsync('peruri', 'sign', '--email', budi, '--in', legal, '--out', out, '--page', '1', '--rect', '54,45,229,116', '--otp-command', 'npm run -s cli -- sandbox otp')
    expect(sign.status).toBe(0)
    expect(pdfsig(out)[0]?.validation).toBe('Signature is Valid.')
  }, 60_000)

  it('says clearly when the OTP command gives no code, and writes nothing', async () => {
    const out = join(dir, 'never.pdf')
    const sign = await cli.runAsync('peruri', 'sign', '--email', budi, '--in', legal, '--out', out, '--page', '1', '--rect', '54,45,229,116', '--otp-command', 'echo no code here')
    expect(sign.status).toBe(1)
    expect(sign.stderr).toContain('No six-digit OTP came from the OTP command.')
    expect(cli.run('pdf', 'info', '--in', out).status).not.toBe(0)
  }, 60_000)

  it('names the gateway refusal when the API key is wrong', async () => {
    await writeFile(join(dir, 'wrong-key.txt'), 'wrong\n')
    cli.run('env', 'set', '--provider', 'peruri', '--name', 'wrong', '--base-url', gatewayUrl, '--api-key-file', join(dir, 'wrong-key.txt'), '--system-id', 'PARTNER')
    const jwt = cli.run('peruri', 'jwt', '--env', 'wrong')
    expect(jwt.status).toBe(1)
    expect(jwt.stderr).toContain("teken: Peruri's gateway refused getJsonWebToken (HTTP 401)")
  })

  it('refuses to redefine the embedded sandbox', () => {
    const run = cli.run('env', 'set', '--provider', 'peruri', '--name', 'sandbox', '--base-url', 'https://x.example/', '--api-key-file', join(dir, 'api-key.txt'), '--system-id', 'X')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('is the embedded simulator')
  })
})
