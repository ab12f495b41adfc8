import type { VaultItemSummary } from '../../shared/contract'
import type { AuditLog } from '../audit/audit-log'
import { exportEncryptedPkcs8, exportPkcs12, exportPublicKey, generateRsaKey, importPrivateKey, publicKeyFingerprint, type PublicKeyFormat } from '../keys'
import type { Clock } from '../ports/clock'
import type { FileSaver } from '../ports/desktop'
import type { Vault } from './vault'

/** File names partners expect: OVO asks for `id_rsa.pub.pem` (SPKI) and a PKCS#1 `public.pem` for SNAP. */
const PUBLIC_KEY_SUFFIX: Record<PublicKeyFormat, string> = {
  'spki-pem': '.pub.pem',
  'pkcs1-pem': '.pkcs1.pub.pem',
  'spki-der': '.pub.der',
  'pkcs1-der': '.pkcs1.pub.der',
}

const fileStem = (name: string) => name.trim().replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '') || 'key'

export interface PublicKeyExport {
  fileName: string
  bytes: Buffer
  fingerprint: string
}

/** Key operations over the vault: generate and import into it, export public or protected private keys out of it. */
export function createKeyService(options: { vault: Vault; fileSaver: FileSaver; audit: AuditLog; clock: Clock }) {
  const { vault, fileSaver, audit } = options

  async function publicKey(ref: string, format: PublicKeyFormat): Promise<PublicKeyExport> {
    const { item, key } = await vault.privateKey(ref)
    return { fileName: `${fileStem(item.name)}${PUBLIC_KEY_SUFFIX[format]}`, bytes: exportPublicKey(key, format), fingerprint: publicKeyFingerprint(key) }
  }

  /**
   * The private key leaves the vault only encrypted under a passphrase, and every time it does the
   * audit log says so. `write` puts the bytes somewhere (a native dialog, a CLI path) and says where.
   */
  async function writePrivateKey(ref: string, format: 'pkcs8-encrypted' | 'pkcs12', passphrase: string, write: (fileName: string, bytes: Buffer) => Promise<string | null>): Promise<string | null> {
    const { item, key, certificates } = await vault.privateKey(ref)
    const bytes = format === 'pkcs12' ? exportPkcs12(key, certificates, passphrase, item.name) : Buffer.from(exportEncryptedPkcs8(key, passphrase))
    const path = await write(`${fileStem(item.name)}${format === 'pkcs12' ? '.p12' : '.key.pem'}`, bytes)
    if (path) await audit.append({ action: 'vault.private-key-exported', subject: item.name, details: { format, file: path, ...(item.fingerprint ? { fingerprint: item.fingerprint } : {}) } })
    return path
  }

  return {
    generate(input: { name: string; bits: 2048 | 4096; tags: string[] }): Promise<VaultItemSummary> {
      return vault.addPrivateKey({ name: input.name, tags: input.tags, key: generateRsaKey(input.bits), source: 'generated' })
    },

    async import(input: { name: string; tags: string[]; bytes: Uint8Array | string; passphrase?: string }): Promise<{ item: VaultItemSummary; formatFound: string }> {
      const imported = importPrivateKey(input.bytes, input.passphrase)
      const item = await vault.addPrivateKey({ name: input.name, tags: input.tags, key: imported.privateKey, source: imported.description, certificates: imported.certificates })
      return { item, formatFound: imported.description }
    },

    publicKey,

    async savePublicKey(ref: string, format: PublicKeyFormat): Promise<string | null> {
      const exported = await publicKey(ref, format)
      return fileSaver.save({ title: 'Save public key', suggestedName: exported.fileName, bytes: exported.bytes })
    },

    writePrivateKey,

    savePrivateKey(ref: string, format: 'pkcs8-encrypted' | 'pkcs12', passphrase: string): Promise<string | null> {
      return writePrivateKey(ref, format, passphrase, (suggestedName, bytes) => fileSaver.save({ title: 'Save protected private key', suggestedName, bytes }))
    },

    async saveBackup(passphrase: string): Promise<string | null> {
      const day = options.clock.now().toISOString().slice(0, 10)
      return fileSaver.save({ title: 'Save vault backup', suggestedName: `teken-vault-${day}.tekenvault`, bytes: await vault.exportBackup(passphrase) })
    },
  }
}

export type KeyService = ReturnType<typeof createKeyService>
