import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCli } from '../support/cli'

describe('CLI (npm run cli)', () => {
  let dataDir: string
  const cli = createCli(() => dataDir).run

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-cli-'))
  })
  afterAll(() => rm(dataDir, { recursive: true, force: true }))

  it('prints help listing its commands', () => {
    const result = cli('--help')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/Usage: teken/)
    expect(result.stdout).toMatch(/info/)
    expect(result.stdout).toMatch(/keychain/)
    expect(result.stdout).toMatch(/TEKEN_KEYCHAIN_SERVICE/)
  }, 30_000)

  it('reports the data folder and settings of the shared core as JSON', () => {
    const result = cli('info', '--json')
    expect(result.status).toBe(0)
    const info = JSON.parse(result.stdout) as { runtime: string; dataDir: string; settings: unknown }
    expect(info).toMatchObject({ runtime: 'cli', dataDir, settings: { language: 'id', environment: 'sandbox' } })
  }, 30_000)

  it('checks the real keychain', () => {
    const result = cli('keychain', 'status')
    expect(result.stdout).toMatch(/status:\s+available/)
    expect(result.status).toBe(0)
  }, 30_000)

  it('exits non-zero on an unknown command', () => {
    const result = cli('frobnicate')
    expect(result.status).not.toBe(0)
    expect(result.stderr).toMatch(/unknown command/)
  }, 30_000)
})
