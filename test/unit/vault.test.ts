import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuditLog } from '../../src/main/audit/audit-log'
import { createKeytarSecretStore } from '../../src/main/ports/keytar-secret-store'
import type { SecretStore } from '../../src/main/ports/secret-store'
import { createVault, VAULT_KEY_ACCOUNT } from '../../src/main/vault/vault'

const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

// The vault key lives in the real OS keychain (gnome-keyring in CI), under a service name per test.
describe('vault', () => {
  let dataDir: string
  let store: SecretStore
  let now = Date.parse('2026-11-22T05:00:00Z')
  const clock = { now: () => new Date(now) }
  const open = () => {
    const audit = createAuditLog({ file: join(dataDir, 'audit.log'), clock, actor: 'tester' })
    return { vault: createVault({ dataDir, secretStore: store, clock, audit }), audit }
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-vault-'))
    store = createKeytarSecretStore(`teken-test-${randomBytes(6).toString('hex')}`)
  })
  afterEach(async () => {
    await store.delete(VAULT_KEY_ACCOUNT)
    await rm(dataDir, { recursive: true, force: true })
  })

  it('starts empty, creates its key in the keychain on the first write, and encrypts the file', async () => {
    const { vault } = open()
    await expect(vault.status()).resolves.toMatchObject({ state: 'empty', items: 0 })
    await expect(store.get(VAULT_KEY_ACCOUNT)).resolves.toBeNull()

    const key = rsaKey()
    const summary = await vault.addPrivateKey({ name: 'ovo-partner', tags: ['ovo'], key, source: 'generated' })
    expect(summary).toMatchObject({ name: 'ovo-partner', type: 'private-key', bits: 2048, tags: ['ovo'], source: 'generated' })
    expect(summary.fingerprint).toMatch(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/)
    expect(Buffer.from((await store.get(VAULT_KEY_ACCOUNT)) ?? '', 'base64')).toHaveLength(32)

    const file = await readFile(join(dataDir, 'vault.bin'))
    expect(file.subarray(0, 8).toString()).toBe('TEKENVLT')
    expect(file.includes(Buffer.from('PRIVATE KEY'))).toBe(false)
    expect(file.includes(Buffer.from('ovo-partner'))).toBe(false)
    expect((await stat(join(dataDir, 'vault.bin'))).mode & 0o777).toBe(0o600)

    const reopened = open().vault
    const { key: loaded } = await reopened.privateKey('ovo-partner')
    expect(loaded.export({ type: 'pkcs1', format: 'der' }).equals(key.export({ type: 'pkcs1', format: 'der' }))).toBe(true)
  })

  it('writes a fresh nonce every time', async () => {
    const { vault } = open()
    await vault.addSecret({ name: 'a', tags: [], secret: { type: 'api-key', value: 'key-aaaaaaaaaaaa' } })
    const first = await readFile(join(dataDir, 'vault.bin'))
    await vault.addSecret({ name: 'b', tags: [], secret: { type: 'api-key', value: 'key-bbbbbbbbbbbb' } })
    await vault.remove('b')
    const second = await readFile(join(dataDir, 'vault.bin'))
    expect(first.subarray(17, 29).equals(second.subarray(17, 29))).toBe(false)
  })

  it('shows only masked previews of secrets in summaries', async () => {
    const { vault } = open()
    await vault.addSecret({ name: 'snap-secret', tags: ['snap'], secret: { type: 'client-secret', value: 'sk_live_1234567890abcdef' } })
    await vault.addSecret({ name: 'simas-kyc', tags: ['simas'], secret: { type: 'basic-auth', username: 'teken', password: 'hunter2hunter2' } })
    const listed = JSON.stringify(await vault.list())
    expect(listed).not.toContain('sk_live_1234567890abcdef')
    expect(listed).not.toContain('hunter2hunter2')
    expect(listed).toContain('teken /')
  })

  it('refuses a duplicate name and changes nothing', async () => {
    const { vault } = open()
    await vault.addSecret({ name: 'Peruri API', tags: [], secret: { type: 'api-key', value: 'k1-aaaaaaaaaa' } })
    await expect(vault.addSecret({ name: 'peruri api', tags: [], secret: { type: 'api-key', value: 'k2-aaaaaaaaaa' } })).rejects.toMatchObject({ code: 'VAULT_NAME_TAKEN' })
    expect(await vault.list()).toHaveLength(1)
  })

  it('serialises concurrent changes so none is lost', async () => {
    const { vault } = open()
    await Promise.all(Array.from({ length: 8 }, (_, index) => vault.addSecret({ name: `secret-${index}`, tags: [], secret: { type: 'hmac-key', value: `value-${index}-xxxxxxxx` } })))
    expect((await vault.list()).map((item) => item.name).sort()).toEqual(Array.from({ length: 8 }, (_, index) => `secret-${index}`).sort())
  })

  it('makes a secret on its first use only, once even when first uses come together, and then answers the stored one', async () => {
    const { vault } = open()
    let made = 0
    const fresh = () => ({ type: 'client-secret' as const, value: `generated-${++made}-xxxxxxxx` })
    const firstUses = await Promise.all(Array.from({ length: 4 }, () => vault.secretOnFirstUse({ name: 'sandbox secret', tags: ['sandbox'], fresh })))
    expect(made).toBe(1)
    expect(firstUses.filter((use) => use.created)).toHaveLength(1)
    for (const use of firstUses) expect(use.secret).toEqual({ kind: 'value', value: 'generated-1-xxxxxxxx' })
    const later = await vault.secretOnFirstUse({ name: 'Sandbox Secret', tags: [], fresh })
    expect(later).toMatchObject({ created: false, secret: { kind: 'value', value: 'generated-1-xxxxxxxx' }, item: { name: 'sandbox secret', tags: ['sandbox'] } })
    expect(made).toBe(1)
    expect(await vault.list()).toHaveLength(1)
  })

  it('says how to recover when the keychain entry is lost, and touches nothing', async () => {
    const { vault } = open()
    await vault.addSecret({ name: 'x', tags: [], secret: { type: 'api-key', value: 'abcdefghijkl' } })
    const before = await readFile(join(dataDir, 'vault.bin'))
    await store.delete(VAULT_KEY_ACCOUNT)

    const status = await vault.status()
    expect(status.state).toBe('key-missing')
    expect(status.problem).toMatch(/missing from the OS keychain/)
    expect(status.problem).toMatch(/import your vault backup/)
    await expect(vault.list()).rejects.toMatchObject({ code: 'VAULT_KEY_MISSING' })
    await expect(vault.addSecret({ name: 'y', tags: [], secret: { type: 'api-key', value: 'abcdefghijkl' } })).rejects.toMatchObject({ code: 'VAULT_KEY_MISSING' })
    expect((await readFile(join(dataDir, 'vault.bin'))).equals(before)).toBe(true)
    await expect(store.get(VAULT_KEY_ACCOUNT)).resolves.toBeNull()
  })

  it('tells a changed keychain entry apart from a damaged file', async () => {
    const { vault } = open()
    await vault.addSecret({ name: 'x', tags: [], secret: { type: 'api-key', value: 'abcdefghijkl' } })
    const good = await store.get(VAULT_KEY_ACCOUNT)
    await store.set(VAULT_KEY_ACCOUNT, randomBytes(32).toString('base64'))
    await expect(vault.status()).resolves.toMatchObject({ state: 'key-mismatch' })

    await store.set(VAULT_KEY_ACCOUNT, good!)
    const file = await readFile(join(dataDir, 'vault.bin'))
    file[file.length - 20]! ^= 0xff
    await writeFile(join(dataDir, 'vault.bin'), file)
    await expect(vault.status()).resolves.toMatchObject({ state: 'corrupt' })
    await expect(vault.list()).rejects.toMatchObject({ code: 'VAULT_FILE_CORRUPT' })
  })

  it('moves to another machine through a passphrase-protected backup', async () => {
    const { vault } = open()
    const key = rsaKey()
    await vault.addPrivateKey({ name: 'snap-key', tags: ['snap'], key, source: 'PKCS#8 PEM' })
    await vault.addSecret({ name: 'ovo-profile', tags: ['ovo'], secret: { type: 'partner-profile', fields: [{ name: 'client_id', value: 'OVO-123' }] } })
    const backup = await vault.exportBackup('correct horse battery')
    expect(backup.includes(Buffer.from('snap-key'))).toBe(false)

    // "Another machine": a fresh data folder and keychain service.
    const otherDir = await mkdtemp(join(tmpdir(), 'teken-vault-other-'))
    const otherStore = createKeytarSecretStore(`teken-test-${randomBytes(6).toString('hex')}`)
    try {
      const other = createVault({ dataDir: otherDir, secretStore: otherStore, clock, audit: createAuditLog({ file: join(otherDir, 'audit.log'), clock, actor: 'tester' }) })
      await expect(other.importBackup(backup, 'wrong passphrase')).rejects.toMatchObject({ code: 'VAULT_EXPORT_WRONG_PASSPHRASE' })
      await expect(other.importBackup(Buffer.from('{"format":"nope"}'), 'x')).rejects.toMatchObject({ code: 'VAULT_EXPORT_CORRUPT' })
      const imported = await other.importBackup(backup, 'correct horse battery')
      expect(imported.map((item) => item.name).sort()).toEqual(['ovo-profile', 'snap-key'])
      await expect(other.importBackup(backup, 'correct horse battery')).resolves.toEqual([])
      const { key: moved } = await other.privateKey('snap-key')
      expect(moved.export({ type: 'pkcs8', format: 'pem' })).toEqual(key.export({ type: 'pkcs8', format: 'pem' }))
      await expect(other.secret('ovo-profile')).resolves.toMatchObject({ secret: { kind: 'fields', fields: [{ name: 'client_id', value: 'OVO-123' }] } })
    } finally {
      await otherStore.delete(VAULT_KEY_ACCOUNT)
      await rm(otherDir, { recursive: true, force: true })
    }
  })

  it('resets by keeping the old file and keychain entry aside, never deleting them', async () => {
    const { vault } = open()
    await vault.addSecret({ name: 'x', tags: [], secret: { type: 'api-key', value: 'abcdefghijkl' } })
    const oldKey = await store.get(VAULT_KEY_ACCOUNT)
    await store.delete(VAULT_KEY_ACCOUNT)
    await expect(vault.status()).resolves.toMatchObject({ state: 'key-missing' })
    await store.set(VAULT_KEY_ACCOUNT, oldKey!)

    const { movedTo } = await vault.reset()
    expect(movedTo).toBe(join(dataDir, `vault.bin.orphaned-${now}`))
    expect(await readdir(dataDir)).toContain(`vault.bin.orphaned-${now}`)
    await expect(store.get(`${VAULT_KEY_ACCOUNT}.orphaned-${now}`)).resolves.toBe(oldKey)
    await expect(vault.status()).resolves.toMatchObject({ state: 'empty' })
    await store.delete(`${VAULT_KEY_ACCOUNT}.orphaned-${now}`)
  })

  it('records every change in the hash-chained audit log, never the secret', async () => {
    const { vault, audit } = open()
    await vault.addPrivateKey({ name: 'k', tags: [], key: rsaKey(), source: 'generated' })
    now += 1000
    await vault.addSecret({ name: 's', tags: [], secret: { type: 'api-key', value: 'TOPSECRET-VALUE-123' } })
    await vault.remove('s')
    await vault.exportBackup('passphrase!')
    const entries = await audit.list()
    expect(entries.map((entry) => entry.action)).toEqual(['vault.backup-exported', 'vault.item-deleted', 'vault.secret-added', 'vault.key-generated'])
    expect(entries.every((entry) => entry.actor === 'tester')).toBe(true)
    const log = await readFile(join(dataDir, 'audit.log'), 'utf8')
    expect(log).not.toContain('TOPSECRET')
    expect(log).not.toContain('PRIVATE KEY')
    await expect(audit.verify()).resolves.toEqual({ ok: true, entries: 4 })

    const lines = log.trimEnd().split('\n')
    await writeFile(join(dataDir, 'audit.log'), `${[lines[0], lines[2], lines[3]].join('\n')}\n`)
    await expect(audit.verify()).resolves.toMatchObject({ ok: false, brokenAt: 2 })
    await writeFile(join(dataDir, 'audit.log'), `${lines.join('\n').replace('"subject":"s"', '"subject":"t"')}\n`)
    await expect(audit.verify()).resolves.toMatchObject({ ok: false, reason: expect.stringMatching(/altered/) })
  })
})
