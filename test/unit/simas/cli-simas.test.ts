import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFetchHttpClient } from '../../../src/main/ports/http-client'
import { createKeytarSecretStore } from '../../../src/main/ports/keytar-secret-store'
import { createSimasKycClient } from '../../../src/main/providers/simas/kyc-client'
import { startSimasSandbox, type SimasSandbox } from '../../../src/main/sandbox/simas/simas-sandbox'
import { VAULT_KEY_ACCOUNT } from '../../../src/main/vault/vault'
import { createCli, startCli } from '../../support/cli'

// The acceptance forms of issue 7 for SIMAS-ID, run as a user runs them, against an in-process sandbox.
describe('CLI: simas', () => {
  let work: string
  let sandbox: SimasSandbox
  const dataDir = () => join(work, 'data')
  const { run, runAsync, keychainService } = createCli(dataDir)
  const tokenFile = async (token: string) => {
    const file = join(work, `token-${Math.random().toString(36).slice(2)}.txt`)
    await writeFile(file, `${token}\n`)
    return file
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-cli-simas-'))
    sandbox = await startSimasSandbox()
    const saved = await runAsync('simas', 'profile', 'set', '--name', 'nanovest', '--base-url', sandbox.baseUrl, '--client-id', 'nanovest', '--check-azp')
    expect(saved.stderr).toBe('')
    expect(saved.stdout).toBe(`saved SIMAS-ID profile nanovest: issuer ${sandbox.issuer}, client nanovest, azp checked\n`)
  }, 30_000)
  afterAll(async () => {
    await sandbox.close()
    await createKeytarSecretStore(keychainService).delete(VAULT_KEY_ACCOUNT)
    await rm(work, { recursive: true, force: true })
  })

  it('validate-token prints each check and exits 0 for a valid token', async () => {
    const result = await runAsync('simas', 'validate-token', '--profile', 'nanovest', '--token-file', await tokenFile(await sandbox.issueToken({ aud: ['account', 'nanovest'], azp: 'nanovest' })))
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines.map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'PASS format',
      'PASS algorithm',
      'PASS signature',
      'PASS issuer',
      'PASS expiry',
      'PASS not-before',
      'PASS audience',
      'PASS authorized-party',
      'token is',
    ])
    expect(lines.at(-1)).toBe(`token is valid (sub ${sandbox.users[0]!.sub})`)
  }, 30_000)

  it('validate-token exits 1 and names the failed checks for an expired token for another client', async () => {
    const token = await sandbox.issueToken({ aud: 'siminvest', azp: 'siminvest', expiresInSeconds: -600 })
    const result = await runAsync('simas', 'validate-token', '--profile', 'nanovest', '--token-file', await tokenFile(token))
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(/^PASS {2}signature /m)
    expect(result.stdout).toMatch(/^FAIL {2}expiry {12}Expired at /m)
    expect(result.stdout).toMatch(/^FAIL {2}audience {10}aud "siminvest" does not contain nanovest/m)
    expect(result.stdout).toMatch(/^FAIL {2}authorized-party {2}azp is "siminvest"/m)
    expect(result.stdout).toMatch(/\ntoken is NOT valid\n$/)
    expect(result.stderr).toBe('teken: The token is not valid: expiry check failed.\n')
  }, 30_000)

  it('validate-token --json prints the whole report', async () => {
    const result = await runAsync('simas', 'validate-token', '--profile', 'nanovest', '--token-file', await tokenFile(await sandbox.issueToken()), '--json')
    expect(result.status).toBe(0)
    const report = JSON.parse(result.stdout) as { valid: boolean; checks: unknown[]; claims: { iss: string } }
    expect(report.valid).toBe(true)
    expect(report.checks).toHaveLength(8)
    expect(report.claims.iss).toBe(sandbox.issuer)
  }, 30_000)

  it('says which profile or file is missing, and refuses a profile without a usable base URL', async () => {
    const unknown = run('simas', 'validate-token', '--profile', 'nope', '--token-file', await tokenFile(await sandbox.issueToken()))
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toBe('teken: There is no simas profile named "nope".\n')

    const missingFile = run('simas', 'validate-token', '--profile', 'nanovest', '--token-file', join(work, 'missing.txt'))
    expect(missingFile.status).toBe(1)
    expect(missingFile.stderr).toBe(`teken: Cannot read ${join(work, 'missing.txt')}: ENOENT.\n`)

    const badUrl = run('simas', 'profile', 'set', '--name', 'broken', '--base-url', 'ftp://sso.example', '--client-id', 'nanovest')
    expect(badUrl.status).toBe(1)
    expect(badUrl.stderr).toMatch(/^teken: The SIMAS-ID profile "broken" is not valid: baseUrl: /)
  }, 60_000)

  it('userinfo and kyc-get reach the SIMAS-ID API with the profile and the vault’s KYC credentials', async () => {
    const [kyc] = sandbox.kycCredentials
    await writeFile(join(work, 'kyc-secret.txt'), `${kyc!.password}\n`)
    expect(run('vault', 'add-secret', '--name', 'simas-kyc', '--type', 'basic-auth', '--username', kyc!.username, '--secret-file', join(work, 'kyc-secret.txt')).status).toBe(0)
    const saved = await runAsync('simas', 'profile', 'set', '--name', 'full', '--base-url', sandbox.baseUrl, '--client-id', 'nanovest', '--api-base-url', sandbox.url, '--kyc-credentials', 'simas-kyc')
    expect(saved.status).toBe(0)
    await createSimasKycClient({ http: createFetchHttpClient(), apiBaseUrl: sandbox.url, clientId: 'nanovest', credentials: kyc! }).store({
      phoneNumber: '6285610573956',
      fullName: 'John Doe',
      nik: '3171012345678901',
      dateOfBirth: '1990-01-31',
      email: 'john.doe@example.com',
    })

    const prefill = await runAsync('simas', 'kyc-get', '--profile', 'full', '--phone-number', '6285610573956')
    expect(prefill.stderr).toBe('')
    expect(JSON.parse(prefill.stdout)).toEqual({ name: 'John Doe', email: 'john.doe@example.com', phone: '6285610573956', nik: '3171012345678901', dateOfBirth: '31/01/1990' })
    const none = await runAsync('simas', 'kyc-get', '--profile', 'full', '--phone-number', '6280000000000')
    expect(none.status).toBe(1)
    expect(none.stderr).toBe('teken: SIMAS-ID has no KYC data for 6280000000000.\n')

    const info = await runAsync('simas', 'userinfo', '--profile', 'full', '--token-file', await tokenFile(await sandbox.issueToken()))
    expect(info.status).toBe(0)
    expect(JSON.parse(info.stdout)).toMatchObject({ sub: sandbox.users[0]!.sub, given_name: 'John', family_name: 'Doe' })
  }, 60_000)

  it('sandbox start serves the realm until SIGTERM', async () => {
    const cli = startCli({ dataDir: dataDir(), keychainService }, 'simas', 'sandbox', 'start', '--port', '0')
    try {
      const [, url] = await cli.waitFor(/^SIMAS-ID sandbox on (http:\/\/127\.0\.0\.1:\d+)$/m)
      const jwks = (await (await fetch(`${url}/realms/simas-id/protocol/openid-connect/certs`)).json()) as { keys: { kty: string; alg: string; kid: string }[] }
      expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })])
      const token = await fetch(`${url}/realms/simas-id/protocol/openid-connect/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('nanovest:nanovest-sandbox-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      })
      expect(token.status).toBe(200)
    } finally {
      const { stderr } = await cli.stop('SIGTERM')
      expect(stderr).toContain('stopped (SIGTERM)')
    }
  }, 60_000)
})
