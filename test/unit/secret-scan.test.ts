import { constants, generateKeyPairSync, publicEncrypt, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { opensslEncEncrypt } from '../../src/main/credentials'
import { headlessDesktopPorts } from '../../src/main/ports/desktop'
import { createKeytarSecretStore } from '../../src/main/ports/keytar-secret-store'
import { VAULT_KEY_ACCOUNT } from '../../src/main/vault/vault'
import { createTestCore, type TestCore } from '../support/core'

/** Pieces of a private key that would give it away if they appeared anywhere. */
function keyMarkers(key: KeyObject): string[] {
  const der = key.export({ type: 'pkcs8', format: 'der' })
  const jwk = key.export({ format: 'jwk' })
  return [der.toString('base64').slice(64, 128), der.toString('hex').slice(128, 192), jwk.d!, jwk.p!, jwk.q!]
}

describe('secret scan: what main sends the renderer, logs and audits', () => {
  let testCore: TestCore
  const toRenderer: string[] = []
  const clipboardWrites: string[] = []
  const revealed: string[] = []
  const secrets: string[] = []
  const dispatch = async (method: string, request?: unknown) => {
    const result = await testCore.core.router.dispatch(method, request)
    toRenderer.push(JSON.stringify(result))
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`)
    return result.value as Record<string, unknown>
  }

  beforeAll(async () => {
    const headless = headlessDesktopPorts(async (name) => `/dev/null/${name}`)
    testCore = await createTestCore('web-harness', {
      desktop: {
        ...headless,
        // Real files are not the point here; what reaches the clipboard and the reveal window is.
        fileSaver: { save: async ({ suggestedName }) => `/saved/${suggestedName}` },
        clipboard: { writeText: async (text) => void clipboardWrites.push(text), readText: async () => '', clear: () => undefined },
        secretPresenter: { show: async (_title, secret) => void revealed.push(secret) },
      },
    })
  })
  afterAll(() => testCore.dispose())

  it('exercises every vault and credential channel without leaking', async () => {
    const generated = await dispatch('generateKey', { name: 'generated', bits: 2048, tags: ['snap'] })

    const pasted = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const importPassphrase = 'import-passphrase-51f0'
    const encryptedPem = pasted.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: importPassphrase }).toString()
    await dispatch('importKey', { name: 'pasted', tags: ['ovo'], source: { kind: 'paste', text: encryptedPem }, passphrase: importPassphrase })
    const filed = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pkcs1 = filed.privateKey.export({ type: 'pkcs1', format: 'pem' })
    await dispatch('importKey', { name: 'filed', tags: [], source: { kind: 'file', fileName: 'id_rsa.pem', base64: Buffer.from(pkcs1).toString('base64') } })

    const apiKey = 'peruri-api-key-0b9d3c7e'
    const basicPassword = 'simas-basic-pw-77aa'
    await dispatch('addSecret', { type: 'api-key', name: 'peruri', tags: ['peruri'], value: apiKey })
    await dispatch('addSecret', { type: 'basic-auth', name: 'simas', tags: ['simas'], username: 'teken', password: basicPassword })
    for (const format of ['spki-pem', 'pkcs1-pem', 'spki-der', 'pkcs1-der']) await dispatch('exportPublicKey', { id: generated.id, format })

    const keyBin = Buffer.from('a2V5LWJpbi1wYXNzd29yZC1mb3Itc2Nhbg==\n')
    const credentialValue = 'ovo-client-secret-c0ffee'
    const keyFile = publicEncrypt({ key: pasted.publicKey, padding: constants.RSA_PKCS1_PADDING }, keyBin)
    const credFile = opensslEncEncrypt(Buffer.from(JSON.stringify({ clientId: 'OVO-ID-42', clientSecret: credentialValue })), keyBin.subarray(0, -1), { digest: 'md5', pbkdf2: false })
    const view = await dispatch('decryptCredentials', {
      keyId: 'pasted',
      keyFile: { fileName: 'key.bin.enc', base64: keyFile.toString('base64') },
      credFile: { fileName: 'cred_file.enc', base64: credFile.toString('base64') },
      digest: 'auto',
      pbkdf2: false,
    })
    await dispatch('copyCredentialField', { sessionId: view.sessionId, field: 'clientSecret' })
    await dispatch('revealCredentialField', { sessionId: view.sessionId, field: 'clientSecret' })
    await dispatch('saveCredentialProfile', { sessionId: view.sessionId, name: 'OVO profile', tags: ['ovo'] })
    await dispatch('copyVaultSecret', { id: 'simas', field: 'password' })
    await dispatch('revealVaultSecret', { id: 'peruri' })

    const backupPassphrase = 'backup-passphrase-9931'
    await dispatch('saveVaultBackup', { passphrase: backupPassphrase })
    await dispatch('savePrivateKey', { id: 'filed', format: 'pkcs12', passphrase: backupPassphrase })
    await dispatch('savePublicKey', { id: 'filed', format: 'spki-pem' })
    await dispatch('listVaultItems')
    await dispatch('getVaultStatus')
    await dispatch('deleteVaultItem', { id: 'peruri' })

    // The flows really ran: the secret reached the clipboard and the reveal window, from main.
    expect(clipboardWrites).toEqual([credentialValue, basicPassword])
    expect(revealed).toEqual([credentialValue, apiKey])

    const { key: generatedKey } = await testCore.core.services.vault.privateKey('generated')
    const vaultKey = await createKeytarSecretStore(testCore.keychainService).get(VAULT_KEY_ACCOUNT)
    secrets.push(
      ...keyMarkers(generatedKey),
      ...keyMarkers(pasted.privateKey),
      ...keyMarkers(filed.privateKey),
      importPassphrase,
      backupPassphrase,
      apiKey,
      basicPassword,
      credentialValue,
      'OVO-ID-42',
      keyBin.toString().trim(),
      vaultKey!,
    )

    const places = {
      'IPC results': toRenderer.join('\n'),
      logs: testCore.logLines.join('\n'),
      'audit log': await readFile(join(testCore.dataDir, 'audit.log'), 'utf8'),
    }
    expect(places['audit log']).toContain('credentials.decrypted')
    for (const [place, text] of Object.entries(places)) {
      // Format descriptions may name "BEGIN RSA PRIVATE KEY"; PEM armour would mean a key itself.
      expect(text, place).not.toMatch(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/)
      for (const secret of secrets) expect(text.includes(secret), `${place} contains ${secret.slice(0, 8)}…`).toBe(false)
    }
  })
})
