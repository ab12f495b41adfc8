import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/ports/clock'
import { createFetchHttpClient } from '../../../src/main/ports/http-client'
import { createProfileStore } from '../../../src/main/profiles/profile-store'
import { createSimasService } from '../../../src/main/providers/simas/simas-service'
import { startSimasSandbox, type SimasSandbox } from '../../../src/main/sandbox/simas/simas-sandbox'
import type { Vault } from '../../../src/main/vault/vault'
import { expectTekenError, rejectionOf } from '../../support/teken-error'

describe('SIMAS-ID service: profiles and validation per profile', () => {
  let dataDir: string
  let sandbox: SimasSandbox
  // Token validation and profiles never open the vault; common-KYC does (covered by the CLI tests).
  const noVault = {} as Vault
  const service = () => createSimasService({ profiles: createProfileStore({ dataDir }), vault: noVault, http: createFetchHttpClient(5000), clock: systemClock })

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-simas-service-'))
    sandbox = await startSimasSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('saves a profile with its defaults and a normalised base URL', async () => {
    const saved = await service().saveProfile('bu', { baseUrl: `${sandbox.baseUrl}/`, clientId: 'nanovest' })
    expect(saved).toEqual({ baseUrl: sandbox.baseUrl, realm: 'simas-id', clientId: 'nanovest', checkAzp: false })
    await expect(createProfileStore({ dataDir }).list('simas')).resolves.toEqual([{ provider: 'simas', name: 'bu', config: saved }])
  })

  it('validates against the profile as it is now: a changed client id takes effect at once', async () => {
    const simas = service()
    await simas.saveProfile('switching', { baseUrl: sandbox.baseUrl, clientId: 'nanovest' })
    const token = await sandbox.issueToken({ aud: ['nanovest'], azp: 'nanovest' })
    expect((await simas.validateToken('switching', token)).valid).toBe(true)
    await simas.saveProfile('switching', { baseUrl: sandbox.baseUrl, clientId: 'siminvest' })
    const report = await simas.validateToken('switching', token)
    expect(report.valid).toBe(false)
    expect(report.checks.filter((check) => !check.passed).map((check) => check.name)).toEqual(['audience'])
  })

  it('refuses an invalid profile and says what common-KYC still needs', async () => {
    const invalid = expectTekenError(await rejectionOf(service().saveProfile('bad', { baseUrl: 'not a url', clientId: 'nanovest' })), 'PROFILE_INVALID')
    expect(invalid.message).toMatch(/^The SIMAS-ID profile "bad" is not valid: baseUrl: /)
    const incomplete = expectTekenError(await rejectionOf(service().kyc('bu')), 'PROFILE_INVALID')
    expect(incomplete.message).toBe('The SIMAS-ID profile "bu" needs the API base URL and the vault item with the KYC client id/secret for common-KYC.')
    expectTekenError(await rejectionOf(service().validateToken('missing', 'x.y.z')), 'PROFILE_NOT_FOUND')
  })
})
