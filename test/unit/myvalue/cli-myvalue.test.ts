import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKeytarSecretStore } from '../../../src/main/ports/keytar-secret-store'
import { VAULT_KEY_ACCOUNT } from '../../../src/main/vault/vault'
import { createCli } from '../../support/cli'
import { openssl } from '../../support/openssl'

describe('CLI: myvalue (sign, request, profile set)', () => {
  let work: string
  const { run, keychainService } = createCli(() => join(work, 'data'))
  const secret = 'mv-sandbox-secret-42'
  const body = '{"client_id":"partner-1","redirect_url":"https:\\/\\/partner.example.id\\/cb","note":"a  b"}'

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-cli-myvalue-'))
    await writeFile(join(work, 'secret.txt'), `${secret}\n`)
    await writeFile(join(work, 'body.json'), body)
    await writeFile(join(work, 'body+secret.bin'), body + secret)
  })
  afterAll(async () => {
    await createKeytarSecretStore(keychainService).delete(VAULT_KEY_ACCOUNT)
    await rm(work, { recursive: true, force: true })
  })

  it('prints the hex signature of the body file with the client secret from the vault, as openssl computes it', () => {
    expect(run('vault', 'add-secret', '--name', 'myvalue', '--type', 'client-secret', '--secret-file', join(work, 'secret.txt')).status).toBe(0)
    const hmac = run('myvalue', 'sign', '--client-secret-ref', 'myvalue', '--body-file', join(work, 'body.json'))
    expect(hmac.status).toBe(0)
    expect(hmac.stdout).toBe(`${openssl(['dgst', '-sha256', '-hmac', secret, '-r', join(work, 'body.json')]).toString().split(' ')[0]}\n`)
    expect(hmac.stderr).toMatch(/^MyValue documents only "a payload signature with SHA-256"\. Teken assumes HMAC-SHA256/)

    const plain = run('myvalue', 'sign', '--client-secret-ref', 'myvalue', '--body-file', join(work, 'body.json'), '--algorithm', 'sha256-plain')
    expect(plain.stdout).toBe(`${openssl(['dgst', '-sha256', '-r', join(work, 'body+secret.bin')]).toString().split(' ')[0]}\n`)
    expect(`${hmac.stdout}${hmac.stderr}${plain.stdout}${plain.stderr}`).not.toContain(secret)
  }, 30_000)

  it('refuses an unknown algorithm and a vault item that is not a client secret', async () => {
    const algorithm = run('myvalue', 'sign', '--client-secret-ref', 'myvalue', '--body-file', join(work, 'body.json'), '--algorithm', 'md5')
    expect(algorithm.status).toBe(1)
    expect(algorithm.stderr).toMatch(/option '--algorithm <algorithm>' argument 'md5' is invalid\. Allowed choices are hmac-sha256, sha256-plain\./)

    expect(run('vault', 'add-secret', '--name', 'login', '--type', 'basic-auth', '--username', 'u', '--secret-file', join(work, 'secret.txt')).status).toBe(0)
    const wrongKind = run('myvalue', 'sign', '--client-secret-ref', 'login', '--body-file', join(work, 'body.json'))
    expect(wrongKind.status).toBe(1)
    expect(wrongKind.stderr).toBe('teken: "login" is not a client secret.\n')
  }, 30_000)

  it('saves a profile and prints a signed request as curl, with the signature openssl computes and no secret', async () => {
    const saved = run('myvalue', 'profile', 'set', '--name', 'mitra', '--client-id', 'partner-1', '--client-secret-ref', 'myvalue', '--redirect-url', 'https://partner.example.id/cb')
    expect(saved.stderr).toBe('')
    expect(saved.stdout).toBe('saved MyValue profile mitra: https://external.ovaltech.id/, client partner-1, hmac-sha256 in X-Signature\n')

    const request = run('myvalue', 'request', '--profile', 'mitra', '--method', 'post', '--path', '/v1/points/inquiry', '--body-file', join(work, 'body.json'))
    expect(request.status).toBe(0)
    const expected = openssl(['dgst', '-sha256', '-hmac', secret, '-r', join(work, 'body.json')]).toString().split(' ')[0]
    expect(request.stdout).toContain("curl -X POST 'https://external.ovaltech.id/v1/points/inquiry'")
    expect(request.stdout).toContain("-H 'X-Client-Id: partner-1'")
    expect(request.stdout).toContain(`-H 'X-Signature: ${expected}'`)
    expect(`${request.stdout}${request.stderr}`).not.toContain(secret)

    const badHeader = run('myvalue', 'profile', 'set', '--name', 'mitra', '--client-id', 'partner-1', '--client-secret-ref', 'myvalue', '--redirect-url', 'https://partner.example.id/cb', '--signature-header', 'X Signature')
    expect(badHeader.status).toBe(1)
    expect(badHeader.stderr).toMatch(/signatureHeader.*must be an HTTP header name/)
  }, 30_000)
})
