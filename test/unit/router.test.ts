import { describe, expect, it, vi } from 'vitest'
import { createRouter, type Handlers } from '../../src/main/core/router'
import type { Logger } from '../../src/main/ports/logger'
import { methodNames } from '../../src/shared/contract'
import { TekenError } from '../../src/shared/errors'

const silentLog = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn<Logger['error']>() })

/** Every method throws unless a test gives it a body. */
function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unused = Object.fromEntries(
    methodNames.map((method) => [
      method,
      async () => {
        throw new Error(`${method} not used in this test`)
      },
    ]),
  )
  return {
    ...(unused as unknown as Handlers),
    getKeychainStatus: async () => ({ available: true, backend: 'memory', service: 'test' }),
    openExternalLink: async () => ({ opened: true }),
    getSettings: async () => ({ language: 'id', environment: 'sandbox' }),
    updateSettings: async (patch) => ({ language: 'id', environment: 'sandbox', ...patch }),
    ...overrides,
  }
}

describe('router', () => {
  it('validates input, runs the handler and wraps the answer', async () => {
    const router = createRouter(handlers(), silentLog())
    await expect(router.dispatch('updateSettings', { language: 'en' })).resolves.toEqual({ ok: true, value: { language: 'en', environment: 'sandbox' } })
  })

  it('rejects unknown methods, including prototype names', async () => {
    const router = createRouter(handlers(), silentLog())
    for (const method of ['deleteEverything', 'constructor', '__proto__', '']) {
      await expect(router.dispatch(method, undefined)).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    }
  })

  it('rejects an invalid payload without calling the handler', async () => {
    const updateSettings = vi.fn()
    const router = createRouter(handlers({ updateSettings }), silentLog())
    const result = await router.dispatch('updateSettings', { environment: 'mars' })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    expect(result.ok === false && result.error.message).toMatch(/environment/)
    expect(updateSettings).not.toHaveBeenCalled()
  })

  it('maps a domain error to its typed result', async () => {
    const router = createRouter(
      handlers({
        getKeychainStatus: async () => {
          throw new TekenError('KEYCHAIN_UNAVAILABLE', 'No Secret Service.', { reason: 'dbus' })
        },
      }),
      silentLog(),
    )
    await expect(router.dispatch('getKeychainStatus', undefined)).resolves.toEqual({
      ok: false,
      error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'No Secret Service.', details: { reason: 'dbus' } },
    })
  })

  it('hides unexpected failures behind INTERNAL and logs them in main', async () => {
    const log = silentLog()
    const router = createRouter(
      handlers({
        getSettings: async () => {
          throw new Error('ENOENT /home/user/secret-path')
        },
      }),
      log,
    )
    const result = await router.dispatch('getSettings', undefined)
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(JSON.stringify(result)).not.toContain('secret-path')
    expect(log.error).toHaveBeenCalledOnce()
  })

  it('refuses an answer carrying a field the contract does not name, so a handler cannot leak it', async () => {
    const log = silentLog()
    const router = createRouter(
      handlers({ getKeychainStatus: async () => ({ available: true, backend: 'memory', service: 'test', vaultKey: 'hunter2' }) as never }),
      log,
    )
    const result = await router.dispatch('getKeychainStatus', undefined)
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(JSON.stringify(result)).not.toContain('hunter2')
    expect(log.error).toHaveBeenCalledOnce()
  })
})
