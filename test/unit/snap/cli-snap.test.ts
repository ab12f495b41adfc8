import { createPublicKey } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maskSecret } from '../../../src/main/credentials'
import { createKeytarSecretStore } from '../../../src/main/ports/keytar-secret-store'
import { startSnapSandbox, type SnapSandbox } from '../../../src/main/sandbox/snap/snap-sandbox'
import { VAULT_KEY_ACCOUNT } from '../../../src/main/vault/vault'
import { createCli, startCli } from '../../support/cli'
import { openssl } from '../../support/openssl'

const CLIENT_ID = 'MCP00000001'
const CLIENT_SECRET = 'cli-client-secret-3e8a'
const BODY = '{\n  "partnerReferenceNo" : "2020102900000000000001",\n  "accountNo" : "1234 5678"\n}\n'
const MINIFIED_BODY = '{"partnerReferenceNo":"2020102900000000000001","accountNo":"1234 5678"}'

// The acceptance forms of issue 7's SNAP section, run as a user runs them, checked against openssl.
describe('CLI: snap', () => {
  let work: string
  let sandbox: SnapSandbox
  const cli = createCli(() => join(work, 'data'))
  const { run, runAsync } = cli

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-cli-snap-'))
    openssl(['genrsa', '-out', 'partner.pem', '2048'], { cwd: work })
    await writeFile(join(work, 'secret.txt'), `${CLIENT_SECRET}\n`)
    await writeFile(join(work, 'body.json'), BODY)
    expect(run('keys', 'import', '--name', 'partner', '--file', join(work, 'partner.pem')).status).toBe(0)
    expect(run('vault', 'add-secret', '--name', 'partner-secret', '--type', 'client-secret', '--secret-file', join(work, 'secret.txt')).status).toBe(0)
    sandbox = await startSnapSandbox()
    sandbox.registerPartner({ clientId: CLIENT_ID, publicKeyPem: createPublicKey(await readFile(join(work, 'partner.pem'))).export({ type: 'spki', format: 'pem' }).toString(), clientSecret: CLIENT_SECRET, partnerId: 'PARTNER-1' })
  }, 60_000)
  afterAll(async () => {
    await sandbox.close()
    await createKeytarSecretStore(cli.keychainService).delete(VAULT_KEY_ACCOUNT)
    await rm(work, { recursive: true, force: true })
  })

  it('sign-access-token prints the X-SIGNATURE that `openssl dgst -sha256 -sign | base64` makes', () => {
    const result = run('snap', 'sign-access-token', '--key', 'partner', '--client-id', CLIENT_ID, '--timestamp', '2020-12-18T10:55:00+07:00')
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    const expected = openssl(['dgst', '-sha256', '-sign', 'partner.pem'], { cwd: work, input: `${CLIENT_ID}|2020-12-18T10:55:00+07:00` }).toString('base64')
    expect(result.stdout).toBe(`${expected}\n`)
  }, 30_000)

  it('sign-access-token refuses a timestamp that is not an X-TIMESTAMP', () => {
    const result = run('snap', 'sign-access-token', '--key', 'partner', '--client-id', CLIENT_ID, '--timestamp', '18/12/2020 10:55')
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^teken: "18\/12\/2020 10:55" is not an X-TIMESTAMP: write it like 2020-12-18T10:55:00\+07:00\./)
  }, 30_000)

  it('profile set takes a preset and the vault names; profile list shows it; an OVO profile needs --base-url', () => {
    const saved = run('snap', 'profile', 'set', '--name', 'sbx', '--preset', 'ifortepay-payment-stage', '--base-url', sandbox.url, '--client-id', CLIENT_ID, '--key', 'partner', '--client-secret-ref', 'partner-secret', '--partner-id', 'PARTNER-1', '--channel-id', '95221')
    expect(saved.stderr).toBe('')
    expect(saved.stdout).toBe(`saved SNAP profile sbx: ${sandbox.url}/auth/merchants/v1.0/access-token/b2b, client ${CLIENT_ID}, key partner\n`)
    expect(run('snap', 'profile', 'list').stdout).toBe(`sbx\t${sandbox.url}\t${CLIENT_ID}\tpartner\n`)

    const ovo = run('snap', 'profile', 'set', '--name', 'ovo', '--preset', 'ovo', '--client-id', 'OVO-1', '--key', 'partner')
    expect(ovo.status).toBe(1)
    expect(ovo.stderr).toMatch(/^teken: The OVO preset has no base URL \(OVO gives the host at staging registration\): give one\./)
  }, 60_000)

  it('token prints an access token from the provider, and says when it expires', async () => {
    const result = await runAsync('snap', 'token', '--profile', 'sbx')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^[\w-]{43}\n$/)
    expect(result.stderr).toMatch(/^Bearer token, expires \d{1,2} \w+ \d{4},? \d{2}[:.]\d{2}[:.]\d{2} WIB\n$/)

    const missing = await runAsync('snap', 'token', '--profile', 'nope')
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/^teken: There is no snap profile named "nope"\./)
  }, 30_000)

  it('sign-service prints the HMAC-SHA512 X-SIGNATURE that openssl makes over the minified body', () => {
    const timestamp = '2026-03-02T10:00:00+07:00'
    const result = run('snap', 'sign-service', '--profile', 'sbx', '--method', 'POST', '--path', '/v1.0/balance-inquiry', '--token', 'the-access-token', '--timestamp', timestamp, '--body-file', join(work, 'body.json'))
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    const bodySha256 = openssl(['dgst', '-sha256', '-r'], { input: MINIFIED_BODY }).toString().split(' ')[0]
    const stringToSign = `POST:/v1.0/balance-inquiry:the-access-token:${bodySha256}:${timestamp}`
    expect(result.stdout).toBe(`${openssl(['dgst', '-sha512', '-hmac', CLIENT_SECRET, '-binary'], { input: stringToSign }).toString('base64')}\n`)

    const json = run('snap', 'sign-service', '--profile', 'sbx', '--method', 'post', '--path', '/v1.0/balance-inquiry', '--token', 'the-access-token', '--timestamp', timestamp, '--body-file', join(work, 'body.json'), '--json')
    const preview = JSON.parse(json.stdout) as { stringToSign: string; body: string; headers: Record<string, string>; curl: string }
    expect(preview.body).toBe(MINIFIED_BODY)
    expect(preview.stringToSign).toBe(`POST:/v1.0/balance-inquiry:${maskSecret('the-access-token')}:${bodySha256}:${timestamp}`)
    expect(preview.headers.Authorization).toBe(`Bearer ${maskSecret('the-access-token')}`)
    expect(json.stdout).not.toContain(CLIENT_SECRET)
    expect(json.stdout).not.toContain('the-access-token')
  }, 60_000)

  it('send signs and sends a balance inquiry, printing the answer and its response code', async () => {
    const result = await runAsync('snap', 'send', '--profile', 'sbx', '--method', 'POST', '--path', '/v1.0/balance-inquiry', '--body-file', join(work, 'body.json'), '--idempotent')
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ responseCode: '2001100', accountNo: '1234 5678' })
    expect(result.stderr).toMatch(/^HTTP 200, 2001100: Successful\., X-EXTERNAL-ID \d{28}\n$/)
  }, 30_000)

  it('response-code explains a code', () => {
    expect(run('snap', 'response-code', '4092400').stdout).toBe('HTTP 409, service 24 (Transfer VA Inquiry), case 00: Conflict: this X-EXTERNAL-ID was already used today; every request needs a new one.\n')
  }, 30_000)

  it('sandbox start serves the partners of the given profiles until SIGTERM', async () => {
    const running = startCli({ dataDir: join(work, 'data'), keychainService: cli.keychainService }, 'snap', 'sandbox', 'start', '--port', '0', '--profile', 'sbx')
    try {
      const [, url] = await running.waitFor(/^(http:\/\/127\.0\.0\.1:\d+)\n/)
      expect(run('snap', 'profile', 'set', '--name', 'cli-sandbox', '--preset', 'sandbox', '--base-url', url!, '--client-id', CLIENT_ID, '--key', 'partner').status).toBe(0)
      const token = run('snap', 'token', '--profile', 'cli-sandbox')
      expect(token.stderr).toMatch(/^Bearer token, expires/)
      expect(token.status).toBe(0)
    } finally {
      await running.stop('SIGTERM')
    }
    expect(running.output().stderr).toMatch(/SNAP sandbox: POST …\/v1\.0\/access-token\/b2b, POST …\/v1\.0\/balance-inquiry; 1 partner\(s\)\. Ctrl\+C stops it\.\nstopped \(SIGTERM\)\n$/)
  }, 60_000)
})
