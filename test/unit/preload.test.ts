import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { channelName, methodNames } from '../../src/shared/contract'
import type { TekenApi } from '../../src/shared/api'

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn<(channel: string, request: unknown) => Promise<unknown>>(),
}))

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  ipcRenderer: { invoke: electron.invoke, send: vi.fn(), on: vi.fn() },
}))

describe('preload', () => {
  let teken: TekenApi

  beforeAll(async () => {
    await import('../../src/preload/index')
    teken = electron.exposed.get('teken') as TekenApi
  })
  beforeEach(() => {
    electron.invoke.mockReset()
  })

  it('exposes one object, window.teken, with exactly the contract methods', () => {
    expect([...electron.exposed.keys()]).toEqual(['teken'])
    expect(Object.keys(teken).sort()).toEqual([...methodNames].sort())
    for (const method of methodNames) expect(typeof teken[method]).toBe('function')
    expect(Object.isFrozen(teken)).toBe(true)
  })

  it('never exposes ipcRenderer or a generic invoke', () => {
    const api = teken as unknown as Record<string, unknown>
    for (const forbidden of ['invoke', 'send', 'on', 'ipcRenderer', 'call']) expect(api[forbidden]).toBeUndefined()
  })

  it('sends each method on its own channel with the validated request', async () => {
    electron.invoke.mockResolvedValue({ ok: true, value: { language: 'en', environment: 'sandbox' } })
    await expect(teken.updateSettings({ language: 'en' })).resolves.toEqual({ ok: true, value: { language: 'en', environment: 'sandbox' } })
    expect(electron.invoke).toHaveBeenCalledWith(channelName('updateSettings'), { language: 'en' })
  })

  it('refuses an invalid request before it reaches main', async () => {
    const result = await teken.updateSettings({ language: 'fr' } as never)
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_REQUEST' }) })
    expect(electron.invoke).not.toHaveBeenCalled()
  })

  it('refuses an answer from main that breaks the contract', async () => {
    electron.invoke.mockResolvedValue({ ok: true, value: { language: 'klingon', environment: 'sandbox' } })
    await expect(teken.getSettings()).resolves.toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_RESPONSE' }) })
  })

  it('reports a dead transport as a typed error', async () => {
    electron.invoke.mockRejectedValue(new Error('render process gone'))
    await expect(teken.getAppInfo()).resolves.toEqual({ ok: false, error: expect.objectContaining({ code: 'TRANSPORT_FAILED' }) })
  })
})
