import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAuditLog } from '../../src/main/audit/audit-log'
import { createDocumentSigning } from '../../src/main/documents/document-signing'
import { createOpenDocuments } from '../../src/main/documents/open-documents'
import { createVault } from '../../src/main/vault/vault'
import { createMemorySecretStore } from '../support/memory-secret-store'

describe('document signing service', () => {
  let dataDir: string
  let scratch: string

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teken-docsign-'))
    // The service's work folders go under TMPDIR: point it somewhere we can watch.
    scratch = await mkdtemp(join(tmpdir(), 'teken-scratch-'))
    vi.stubEnv('TMPDIR', scratch)
  })
  afterEach(async () => {
    vi.unstubAllEnvs()
    await rm(dataDir, { recursive: true, force: true })
    await rm(scratch, { recursive: true, force: true })
  })

  async function setup() {
    const clock = { now: () => new Date() }
    const audit = createAuditLog({ file: join(dataDir, 'audit.log'), clock, actor: 'tester' })
    const vault = createVault({ dataDir, secretStore: createMemorySecretStore(), clock, audit })
    const documents = createOpenDocuments()
    const saved: string[] = []
    const signing = createDocumentSigning({ documents, vault, audit, clock, language: async () => 'id', fileSaver: { save: async ({ suggestedName }) => (saved.push(suggestedName), `/saved/${suggestedName}`) } })
    const handle = documents.open('kontrak.pdf', await readFile(resolve('../shared/corpus/pdf/pyhanko-empty-a4.pdf')))
    return { vault, signing, handle, saved }
  }

  it('refuses a bare key: a PDF signature needs a certificate', async () => {
    const { vault, signing, handle, saved } = await setup()
    await vault.addPrivateKey({ name: 'bare', tags: [], key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, source: 'generated' })
    const box = { pageNumber: 1, rect: [50, 50, 200, 120] as [number, number, number, number], visible: true, reason: '', location: '', certificationLevel: 'NOT_CERTIFIED' as const }
    await expect(signing.sign({ docId: handle.docId, identityRef: 'bare', boxes: [box] })).rejects.toMatchObject({ code: 'PDF_IDENTITY_WITHOUT_CERTIFICATE' })
    expect(saved).toEqual([])
    expect(await readdir(scratch)).toEqual([])
  })

  it('reports no signatures on an unsigned document and leaves no work folder behind', async () => {
    const { signing, handle } = await setup()
    await expect(signing.verify(handle.docId)).resolves.toMatchObject({ signatures: [], allValid: true, trustNote: expect.stringMatching(/trust store/) })
    expect(await readdir(scratch)).toEqual([])
  })
})
