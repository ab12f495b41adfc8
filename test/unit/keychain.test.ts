import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { createKeychainService } from '../../src/main/keychain/keychain-service'
import { createKeytarSecretStore, explainKeychainFailure } from '../../src/main/ports/keytar-secret-store'
import { DEFAULT_KEYCHAIN_SERVICE, keychainServiceFromEnv } from '../../src/main/ports/secret-store'

// These run against the real OS keychain: gnome-keyring under dbus-run-session in CI (npm test
// starts one when the machine has no Secret Service of its own).
describe('keytar SecretStore on the real OS keychain', () => {
  const service = `teken-test-${randomBytes(6).toString('hex')}`
  const store = createKeytarSecretStore(service)
  afterAll(async () => {
    await store.delete('vault-key')
  })

  it('stores, reads, overwrites and deletes a secret', async () => {
    await expect(store.get('vault-key')).resolves.toBeNull()
    const secret = randomBytes(32).toString('base64')
    await store.set('vault-key', secret)
    await expect(store.get('vault-key')).resolves.toBe(secret)
    await store.set('vault-key', `${secret}-2`)
    await expect(store.get('vault-key')).resolves.toBe(`${secret}-2`)
    await expect(store.delete('vault-key')).resolves.toBe(true)
    await expect(store.get('vault-key')).resolves.toBeNull()
    await expect(store.delete('vault-key')).resolves.toBe(false)
  })

  it('isolates service names: another service does not see the secret', async () => {
    await store.set('vault-key', 'only-mine')
    await expect(createKeytarSecretStore(`${service}-other`).get('vault-key')).resolves.toBeNull()
  })

  it('reports the keychain as available', async () => {
    await expect(createKeychainService(store).status()).resolves.toEqual({ available: true, backend: 'keytar', service })
  })
})

describe('keychain service name', () => {
  it('defaults to teken and honours TEKEN_KEYCHAIN_SERVICE', () => {
    expect(DEFAULT_KEYCHAIN_SERVICE).toBe('teken')
    expect(keychainServiceFromEnv({})).toBe('teken')
    expect(keychainServiceFromEnv({ TEKEN_KEYCHAIN_SERVICE: ' ' })).toBe('teken')
    expect(keychainServiceFromEnv({ TEKEN_KEYCHAIN_SERVICE: 'teken-ci' })).toBe('teken-ci')
  })
})

describe('an unreachable keychain', () => {
  it('is a clear KEYCHAIN_UNAVAILABLE naming what is missing, never a plaintext fallback', () => {
    const noBus = explainKeychainFailure(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'))
    expect(noBus.code).toBe('KEYCHAIN_UNAVAILABLE')
    expect(noBus.message).toMatch(/no D-Bus session bus/)
    expect(noBus.message).toMatch(/dbus-run-session/)
    expect(explainKeychainFailure(new Error('The name org.freedesktop.secrets was not provided by any .service files')).message).toMatch(/gnome-keyring/)
    expect(explainKeychainFailure(new Error("Cannot find module '../build/Release/keytar.node'")).message).toMatch(/libsecret/)
  })

  it('makes the CLI exit 1 with that message when the process has no D-Bus session', () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: '', DISPLAY: '' }
    const result = spawnSync('npx', ['tsx', 'src/cli/index.ts', 'keychain', 'status'], { env, encoding: 'utf8' })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/teken: No OS keychain is reachable: .*Secret Service provider/)
    expect(result.stderr).toMatch(/D-Bus/)
  }, 30_000)
})
