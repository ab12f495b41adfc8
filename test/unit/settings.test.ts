import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSettingsService } from '../../src/main/settings/settings-service'

describe('settings', () => {
  let dataDir: string
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
  const clock = { now: () => new Date('2026-11-22T05:00:00Z') }
  const service = () => createSettingsService({ dataDir, clock, log })

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-settings-'))
  })
  afterEach(() => rm(dataDir, { recursive: true, force: true }))

  it('defaults to Indonesian on the embedded sandbox', async () => {
    await expect(service().get()).resolves.toEqual({ language: 'id', environment: 'sandbox' })
  })

  it('persists updates atomically in settings.json, mode 0600, no temp files left', async () => {
    await service().update({ language: 'en' })
    await service().update({ environment: 'staging' })
    await expect(service().get()).resolves.toEqual({ language: 'en', environment: 'staging' })
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).toEqual({ language: 'en', environment: 'staging' })
    expect((await stat(join(dataDir, 'settings.json'))).mode & 0o777).toBe(0o600)
    expect(await readdir(dataDir)).toEqual(['settings.json'])
  })

  it('keeps an unreadable file aside instead of losing it, and starts from defaults', async () => {
    await writeFile(join(dataDir, 'settings.json'), '{"language": "en", "environ')
    await expect(service().get()).resolves.toEqual({ language: 'id', environment: 'sandbox' })
    const files = await readdir(dataDir)
    expect(files).toEqual([`settings.json.unreadable-${clock.now().getTime()}`])
    expect(await readFile(join(dataDir, files[0]!), 'utf8')).toBe('{"language": "en", "environ')
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('could not be read'))
  })

  it('keeps known values from a newer version that added fields', async () => {
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ language: 'en', environment: 'production', theme: 'dark' }))
    await expect(service().get()).resolves.toEqual({ language: 'en', environment: 'production' })
  })

  it('refuses values outside the schema', async () => {
    await expect(service().update({ language: 'fr' } as never)).rejects.toThrow()
    await expect(service().get()).resolves.toEqual({ language: 'id', environment: 'sandbox' })
  })
})
