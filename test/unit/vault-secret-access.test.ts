import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { headlessDesktopPorts } from '../../src/main/ports/desktop'
import { basicCredentialsFromVault } from '../../src/main/providers/simas/basic-auth'
import { sendSimasOtp } from '../../src/main/sandbox/simas/simas-sandbox'
import { CLIPBOARD_CLEAR_MS } from '../../src/main/security/secret-clipboard'
import type { OtpWebhookStatus, VaultItemSummary } from '../../src/shared/contract'
import type { IpcResult } from '../../src/shared/errors'
import { createTestCore, routerCalls, type TestCore } from '../support/core'
import { fakeClipboard, fakeSecretPresenter } from '../support/fake-desktop'

const API_KEY = 'peruri-api-key-2c4e6a8b0d'
const BASIC = { username: 'teken-kyc', password: 'kyc-pw-Zq81-rT5x' }

describe('Copy and reveal of vault secrets, through the router of a real core', () => {
  let testCore: TestCore
  const clipboard = fakeClipboard()
  const presenter = fakeSecretPresenter()
  const answers: string[] = []
  const { call, value } = routerCalls(
    () => testCore,
    (answer) => void answers.push(JSON.stringify(answer)),
  )
  const errorOf = async (method: string, request: unknown) => {
    const result = await call(method, request)
    expect(result.ok, `${method} should fail`).toBe(false)
    return (result as Extract<IpcResult<unknown>, { ok: false }>).error
  }

  beforeAll(async () => {
    testCore = await createTestCore('web-harness', { desktop: { ...headlessDesktopPorts(async (name) => `/dev/null/${name}`), clipboard, secretPresenter: presenter } })
  })
  afterEach(() => {
    vi.useRealTimers()
  })
  afterAll(() => testCore.dispose())

  it('copies a stored value to the clipboard from main and clears it after 30 s, unless the user copied something else', async () => {
    const item = await value<VaultItemSummary>('addSecret', { type: 'api-key', name: 'peruri gateway', tags: [], value: API_KEY })
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await expect(value('copyVaultSecret', { id: item.id })).resolves.toEqual({ clearsAfterSeconds: CLIPBOARD_CLEAR_MS / 1000 })
    expect(clipboard.text).toBe(API_KEY)
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS - 1)
    expect(clipboard.text).toBe(API_KEY)
    await vi.advanceTimersByTimeAsync(1)
    expect(clipboard.text).toBe('')

    // By name too; and a clipboard that moved on is left alone.
    await value('copyVaultSecret', { id: 'Peruri Gateway' })
    expect(clipboard.text).toBe(API_KEY)
    clipboard.text = 'something the user copied later'
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS)
    expect(clipboard.text).toBe('something the user copied later')
  })

  it('copies the chosen half of a Basic-auth pair, and asks for one', async () => {
    const item = await value<VaultItemSummary>('addSecret', { type: 'basic-auth', name: 'simas-kyc', tags: ['simas'], ...BASIC })
    await value('copyVaultSecret', { id: item.id, field: 'password' })
    expect(clipboard.text).toBe(BASIC.password)
    await value('copyVaultSecret', { id: item.id, field: 'username' })
    expect(clipboard.text).toBe(BASIC.username)
    await expect(errorOf('copyVaultSecret', { id: item.id })).resolves.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('choose its username or its password') })
    await expect(errorOf('copyVaultSecret', { id: 'peruri gateway', field: 'password' })).resolves.toMatchObject({ code: 'INVALID_REQUEST' })
    await expect(errorOf('copyVaultSecret', { id: item.id, field: 'secret' })).resolves.toMatchObject({ code: 'INVALID_REQUEST' })
    await expect(errorOf('copyVaultSecret', { id: 'nothing here' })).resolves.toMatchObject({ code: 'VAULT_ITEM_NOT_FOUND' })
  })

  it('reveals through the main-owned presenter', async () => {
    await value('revealVaultSecret', { id: 'peruri gateway' })
    expect(presenter.show).toHaveBeenLastCalledWith('peruri gateway', API_KEY)
    await expect(value('revealVaultSecret', { id: 'simas-kyc', field: 'password' })).resolves.toEqual({ shown: true })
    expect(presenter.show).toHaveBeenLastCalledWith('simas-kyc: password', BASIC.password)
  })

  it('never copies or shows a private key, nor a partner profile, and says why', async () => {
    const key = await value<VaultItemSummary>('generateKey', { name: 'snap key', bits: 2048, tags: ['snap'] })
    clipboard.text = 'untouched'
    presenter.show.mockClear()
    for (const method of ['copyVaultSecret', 'revealVaultSecret']) {
      const error = await errorOf(method, { id: key.id })
      expect(error).toMatchObject({ code: 'VAULT_ITEM_NOT_COPYABLE', details: { name: 'snap key' } })
      expect(error.message).toMatch(/"snap key" is a private key: Teken never copies or shows a private key/)
      await expect(errorOf(method, { id: key.id, field: 'password' })).resolves.toMatchObject({ code: 'VAULT_ITEM_NOT_COPYABLE' })
    }
    await testCore.core.services.vault.addSecret({ name: 'OVO UAT', tags: ['ovo'], secret: { type: 'partner-profile', fields: [{ name: 'client_secret', value: 'ovo-cs-91' }] } })
    await expect(errorOf('copyVaultSecret', { id: 'OVO UAT' })).resolves.toMatchObject({ code: 'VAULT_ITEM_NOT_COPYABLE', message: expect.stringContaining('partner profile') })
    expect(clipboard.text).toBe('untouched')
    expect(presenter.show).not.toHaveBeenCalled()
  })

  it('says plainly when the runtime has no clipboard or reveal window, and audits nothing then', async () => {
    const headless = await createTestCore('cli')
    try {
      await headless.core.router.dispatch('addSecret', { type: 'api-key', name: 'k', tags: [], value: API_KEY })
      for (const method of ['copyVaultSecret', 'revealVaultSecret']) await expect(headless.core.router.dispatch(method, { id: 'k' })).resolves.toMatchObject({ ok: false, error: { code: 'DESKTOP_ONLY' } })
      expect((await headless.core.services.audit.list()).map((entry) => entry.action)).toEqual(['vault.secret-added'])
    } finally {
      await headless.dispose()
    }
  })

  it("makes the OTP webhook's login on the first ask, and its copied password is the one the running webhook accepts", async () => {
    const ensured = await value<{ id: string; name: string; created: boolean }>('ensureOtpWebhookCredentials')
    expect(ensured).toEqual({ id: expect.any(String), name: 'otp-webhook', created: true })
    await expect(value('ensureOtpWebhookCredentials')).resolves.toEqual({ ...ensured, created: false })
    await value('copyVaultSecret', { id: ensured.id, field: 'password' })
    const copied = clipboard.text
    expect(copied).toBe((await basicCredentialsFromVault(testCore.core.services.vault, 'otp-webhook')).password)

    const status = await value<OtpWebhookStatus>('startOtpWebhook', { port: 0 })
    const post = (password: string) => sendSimasOtp({ url: status.url!, username: 'simas-id', password, identifier: '081234567890', otp: '123456', channel: 'sms' })
    await expect(post(copied)).resolves.toMatchObject({ status: 200 })
    // Deleted while it runs: made again with the login the running webhook checks, not a new one.
    await value('deleteVaultItem', { id: ensured.id })
    const again = await value<{ id: string; created: boolean }>('ensureOtpWebhookCredentials')
    expect(again.created).toBe(true)
    await value('copyVaultSecret', { id: again.id, field: 'password' })
    expect(clipboard.text).toBe(copied)
    await value('stopOtpWebhook')
  })

  it('audits every copy and reveal by item and field, and no answer, log or audit line holds a value', async () => {
    const entries = (await testCore.core.services.audit.list()).reverse()
    const of = (action: string) => entries.filter((entry) => entry.action === action).map(({ subject, details }) => ({ subject, details }))
    expect(of('vault.secret-copied')).toEqual(
      expect.arrayContaining([
        { subject: 'peruri gateway', details: { type: 'api-key' } },
        { subject: 'simas-kyc', details: { type: 'basic-auth', field: 'password' } },
        { subject: 'simas-kyc', details: { type: 'basic-auth', field: 'username' } },
        { subject: 'otp-webhook', details: { type: 'basic-auth', field: 'password' } },
      ]),
    )
    expect(of('vault.secret-copied')).toHaveLength(6)
    expect(of('vault.secret-revealed')).toEqual([
      { subject: 'peruri gateway', details: { type: 'api-key' } },
      { subject: 'simas-kyc', details: { type: 'basic-auth', field: 'password' } },
    ])
    const webhookPassword = (await basicCredentialsFromVault(testCore.core.services.vault, 'otp-webhook')).password
    const places = { answers: answers.join('\n'), logs: testCore.logLines.join('\n'), audit: await readFile(join(testCore.dataDir, 'audit.log'), 'utf8') }
    for (const [place, text] of Object.entries(places)) {
      for (const secret of [API_KEY, BASIC.password, webhookPassword]) expect(text.includes(secret), `${place} holds ${secret.slice(0, 6)}…`).toBe(false)
    }
  })
})
