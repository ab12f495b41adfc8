import { generateKeyPairSync, publicEncrypt, constants } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAuditLog } from '../../src/main/audit/audit-log'
import { opensslEncEncrypt } from '../../src/main/credentials'
import { CLIPBOARD_CLEAR_MS, createCredentialSessions, SESSION_TTL_MS } from '../../src/main/credentials/credential-sessions'
import { createVault } from '../../src/main/vault/vault'
import { createMemorySecretStore } from '../support/memory-secret-store'
import { fakeClipboard, fakeSecretPresenter } from '../support/fake-desktop'

const SECRET = 'client-secret-9f8e7d6c5b4a'

describe('credential sessions', () => {
  let dataDir: string
  const clipboard = fakeClipboard()
  const presenter = fakeSecretPresenter()

  async function setup() {
    const clock = { now: () => new Date() }
    const audit = createAuditLog({ file: join(dataDir, 'audit.log'), clock, actor: 'tester' })
    const vault = createVault({ dataDir, secretStore: createMemorySecretStore(), clock, audit })
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    await vault.addPrivateKey({ name: 'ovo', tags: [], key: privateKey, source: 'generated' })
    const keyBin = Buffer.from('c2VjcmV0LWtleS1iaW4tcGFzc3dvcmQtZm9yLXRlc3Rz\n')
    const keyFile = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, keyBin)
    const credFile = opensslEncEncrypt(Buffer.from(`client_id=ABC-123\nclient_secret=${SECRET}\n`), keyBin.subarray(0, -1), { digest: 'sha256', pbkdf2: false })
    const sessions = createCredentialSessions({ vault, clipboard, secretPresenter: presenter, clock, audit })
    const view = await sessions.decrypt({ keyRef: 'ovo', keyFile: { name: 'key.bin.enc', bytes: keyFile }, credFile: { name: 'cred_file.enc', bytes: credFile }, kdf: { digest: 'auto' } })
    return { vault, audit, sessions, view }
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-sessions-'))
    clipboard.text = ''
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })
  afterEach(async () => {
    vi.useRealTimers()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('returns field names and masked values only', async () => {
    const { view } = await setup()
    expect(view).toMatchObject({ digest: 'sha256', kdf: 'EVP_BytesToKey', triedDigests: ['sha256'], format: 'key-value' })
    expect(view.fields.map((field) => field.name)).toEqual(['client_id', 'client_secret'])
    expect(JSON.stringify(view)).not.toContain(SECRET)
    expect(JSON.stringify(view)).not.toContain('ABC-123')
  })

  it('copies in main and clears the clipboard after 30 s, unless the user copied something else', async () => {
    const { sessions, view } = await setup()
    await expect(sessions.copy(view.sessionId, 'client_secret')).resolves.toEqual({ clearsAfterSeconds: 30 })
    expect(clipboard.text).toBe(SECRET)
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS - 1)
    expect(clipboard.text).toBe(SECRET)
    await vi.advanceTimersByTimeAsync(1)
    expect(clipboard.text).toBe('')

    await sessions.copy(view.sessionId, 'client_secret')
    clipboard.text = 'something the user copied later'
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS)
    expect(clipboard.text).toBe('something the user copied later')
  })

  it('reveals through the main-owned presenter', async () => {
    const { sessions, view } = await setup()
    await sessions.reveal(view.sessionId, 'client_secret')
    expect(presenter.show).toHaveBeenCalledWith('client_secret', SECRET)
    await expect(sessions.reveal(view.sessionId, 'nope')).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('saves a partner profile into the vault and forgets the session', async () => {
    const { sessions, view, vault, audit } = await setup()
    const item = await sessions.saveProfile(view.sessionId, 'OVO UAT', ['ovo'])
    expect(item).toMatchObject({ name: 'OVO UAT', type: 'partner-profile', fieldNames: ['client_id', 'client_secret'] })
    await expect(vault.secret('OVO UAT')).resolves.toMatchObject({ secret: { fields: [{ name: 'client_id', value: 'ABC-123' }, { name: 'client_secret', value: SECRET }] } })
    await expect(sessions.copy(view.sessionId, 'client_secret')).rejects.toMatchObject({ code: 'CREDENTIAL_SESSION_EXPIRED' })
    expect((await audit.list()).map((entry) => entry.action)).toEqual(['credentials.profile-saved', 'vault.secret-added', 'credentials.decrypted', 'vault.key-generated'])
  })

  it('forgets an unsaved result after 10 minutes', async () => {
    const { sessions, view } = await setup()
    await vi.advanceTimersByTimeAsync(SESSION_TTL_MS)
    await expect(sessions.reveal(view.sessionId, 'client_secret')).rejects.toMatchObject({ code: 'CREDENTIAL_SESSION_EXPIRED' })
    expect(sessions.discard(view.sessionId)).toBe(false)
  })
})
