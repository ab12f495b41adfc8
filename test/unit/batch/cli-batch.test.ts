import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBatch } from '../../../src/main/batch/batch-runner'
import { openJournal } from '../../../src/main/batch/journal'
import { systemClock } from '../../../src/main/ports/clock'
import { createKeytarSecretStore } from '../../../src/main/ports/keytar-secret-store'
import { parseTemplate } from '../../../src/shared/placement/template'
import { VAULT_KEY_ACCOUNT } from '../../../src/main/vault/vault'
import { createCli } from '../../support/cli'
import { makeTestIdentity } from '../pdf/sign/support'
import { BUDI, expectSignedByPdfsig, ISSUE_TEMPLATE, makeLetters } from './support'

// The acceptance forms of issue 6, run as a user runs them (`npm run cli -- …`), on the embedded
// sandbox of an isolated data folder and keychain service.
describe('CLI: batch run, resume, status and audit verify', () => {
  let work: string
  let templatePath: string
  const { run: cli, keychainService } = createCli(() => join(work, 'data'))

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-cli-batch-'))
    templatePath = join(work, 'template.json')
    await writeFile(templatePath, JSON.stringify(ISSUE_TEMPLATE))
  })
  afterAll(async () => {
    await createKeytarSecretStore(keychainService).delete(VAULT_KEY_ACCOUNT)
    await rm(work, { recursive: true, force: true })
  })

  it('signs a folder in peruri-bulk mode with --otp-command, then reports status, verifies and exports the audit trail', async () => {
    const input = join(work, 'in')
    const output = join(work, 'out')
    const journal = join(work, 'batch.journal')
    await makeLetters(input, 4, { prefix: 'cli' })
    const result = cli('batch', 'run', '--mode', 'peruri-bulk', '--input', input, '--output', output, '--template', templatePath, '--journal', journal, '--env', 'sandbox', '--email', BUDI, '--otp-command', 'npm run -s cli -- sandbox otp', '--concurrency', '2')
    expect(result.stderr).toMatch(/^batch [\w-]+: 4 documents, peruri-bulk, journal /m)
    expect(result.stderr).toMatch(/^OTP requested for 4 document\(s\), sent to 081200000001$/m)
    expect(result.stderr).toMatch(/^\[\d\/4(, ETA [^\]]+)?\] cli-004\.pdf\tverified\torder \d+$/m)
    expect(result.stdout).toMatch(/^batch [\w-]+ finished in \d+ s: 4 documents: 4 verified$/m)
    expect(result.stdout).toMatch(/^report: .*\/out\/batch-[\w-]+\.csv$/m)
    expect(result.stdout).toMatch(/^report: .*\/out\/batch-[\w-]+\.pdf$/m)
    expect(result.status).toBe(0)
    for (const n of ['001', '002', '003', '004']) expectSignedByPdfsig(join(output, `cli-${n}.signed.pdf`), 1, 'Budi Santoso')

    const status = cli('batch', 'status', '--journal', journal)
    expect(status.status).toBe(0)
    const lines = status.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(5)
    expect(lines[0]).toMatch(/^cli-001\.pdf\tverified\torder \d+$/)
    expect(lines[4]).toMatch(/^batch [\w-]+ \(peruri-bulk, finished\): 4 documents: 4 verified$/)

    const verified = cli('audit', 'verify', '--journal', journal)
    expect(verified.stdout).toMatch(/^audit trail intact: 15 rows, head [0-9a-f]{64}$/m)
    expect(verified.status).toBe(0)

    const csvPath = join(work, 'audit.csv')
    expect(cli('audit', 'export', '--journal', journal, '--out', csvPath).stdout).toBe(`exported 15 audit rows to ${csvPath}\n`)
    const csv = (await readFile(csvPath, 'utf8')).split('\r\n')
    expect(csv[0]).toBe('seq,at,at_wib,os_user,signer,batch,action,file_name,sha256_before,sha256_after,order_id,result,detail,prev_hash,hash')
    expect(csv.filter((row) => row.includes(',document.verified,cli-'))).toHaveLength(4)
    expect(csv.find((row) => row.includes(',document.verified,cli-001.pdf,'))).toMatch(/,budi\.santoso@sandbox\.teken\.id,[\w-]+,document\.verified,cli-001\.pdf,[0-9a-f]{64},[0-9a-f]{64},\d+,"valid, 1 signature\(s\)",/)

    // Nothing left to do: resume says so and exits 0.
    const resumed = cli('batch', 'resume', '--journal', journal)
    expect(resumed.stdout).toMatch(/^batch [\w-]+ finished in \d+ s: 4 documents: 4 verified$/m)
    expect(resumed.status).toBe(0)

    const tampered = join(work, 'tampered.journal')
    await copyFile(journal, tampered)
    const plain = new Database(tampered)
    plain.exec("DROP TRIGGER audit_no_update; UPDATE audit SET result = 'invalid' WHERE seq = 7")
    plain.close()
    const broken = cli('audit', 'verify', '--journal', tampered)
    expect(broken.stderr).toBe(`teken: the audit trail of ${tampered} is broken at row 7: row 7 was altered\n`)
    expect(broken.status).toBe(1)
  }, 120_000)

  it('signs locally with a vault identity; a file that is no PDF fails, is explained, and makes the exit status 1', async () => {
    const identity = await makeTestIdentity(await mkdtemp(join(work, 'identity-')), 'Dewi Lestari')
    expect(cli('keys', 'import', '--name', 'dewi', '--file', identity.p12Path, '--passphrase-file', identity.passphraseFile).status).toBe(0)
    const input = join(work, 'local-in')
    await makeLetters(input, 2, { prefix: 'local' })
    await writeFile(join(input, 'rusak.pdf'), 'this is not a PDF')
    const journal = join(work, 'local.journal')
    const result = cli('batch', 'run', '--mode', 'local', '--input', input, '--output', join(work, 'local-out'), '--template', templatePath, '--journal', journal, '--identity', 'dewi')
    expect(result.stdout).toMatch(/^batch [\w-]+ finished in \d+ s: 3 documents: 2 verified, 1 failed$/m)
    expect(result.stdout).toMatch(/^ {2}rusak\.pdf\tfailed\tattempts 1\t.*not a PDF/m)
    expect(result.stderr).toMatch(/^teken: not every document is signed and verified: batch resume retries failed ones; those that need review need a person$/m)
    expect(result.status).toBe(1)
    expectSignedByPdfsig(join(work, 'local-out', 'local-001.signed.pdf'), 1, 'Dewi Lestari')
    const status = cli('batch', 'status', '--journal', journal)
    expect(status.stdout).toMatch(/^rusak\.pdf\tfailed\tattempts 1\t.*not a PDF/m)
    expect(status.status).toBe(1)
  }, 120_000)

  it('says what is missing', async () => {
    const empty = join(work, 'empty')
    await mkdir(empty)
    const local = cli('batch', 'run', '--mode', 'local', '--input', empty, '--output', join(work, 'x'), '--template', templatePath, '--journal', join(work, 'x.journal'))
    expect(local.stderr).toBe('teken: Local mode signs with a PKCS#12 identity from the vault: give it with --identity NAME.\n')
    expect(local.status).toBe(1)
    const nothing = cli('batch', 'run', '--mode', 'local', '--identity', 'dewi', '--input', empty, '--output', join(work, 'x'), '--template', templatePath, '--journal', join(work, 'x.journal'))
    expect(nothing.stderr).toMatch(/^teken: The input folder .*empty has no PDF files\.$/m)
    const missing = cli('batch', 'status', '--journal', join(work, 'nowhere.journal'))
    expect(missing.stderr).toBe(`teken: There is no batch journal at ${join(work, 'nowhere.journal')}.\n`)
    expect(missing.status).toBe(1)
  }, 60_000)

  it('batch resolve settles a needs-review document, and batch resume then signs it', async () => {
    // A journal whose upload answer was lost: what a kill between intent and answer leaves.
    const input = join(work, 'review-in')
    await makeLetters(input, 1, { prefix: 'review' })
    const journalPath = join(work, 'review.journal')
    const journal = openJournal(journalPath, { create: true, osUser: 'tester', now: () => new Date() })
    const record = await createBatch(journal, { mode: 'peruri-system', env: 'sandbox', signer: BUDI, inputDir: input, outputDir: join(work, 'review-out'), template: parseTemplate(ISSUE_TEMPLATE) }, systemClock)
    journal.update(journal.documents(record.id), { state: 'needs-review', failure: 'upload answer lost' })
    journal.setBatchStatus(record.id, 'finished')
    journal.close()

    const neither = cli('batch', 'resolve', '--journal', journalPath, '--file', 'review-001.pdf')
    expect(neither.stderr).toBe('teken: Say what became of it: --send-again, or --signed-order ID.\n')
    expect(neither.status).toBe(1)
    const unknown = cli('batch', 'resolve', '--journal', journalPath, '--file', 'other.pdf', '--send-again')
    expect(unknown.stderr).toBe(`teken: Batch ${record.id} has no document named other.pdf.\n`)
    const resolved = cli('batch', 'resolve', '--journal', journalPath, '--file', 'review-001.pdf', '--send-again')
    expect(resolved.stdout).toBe('review-001.pdf\tqueued\n')
    expect(resolved.status).toBe(0)
    const again = cli('batch', 'resolve', '--journal', journalPath, '--file', 'review-001.pdf', '--send-again')
    expect(again.stderr).toBe('teken: Document review-001.pdf does not need review.\n')

    const resumed = cli('batch', 'resume', '--journal', journalPath)
    expect(resumed.stdout).toMatch(/^batch [\w-]+ finished in \d+ s: 1 documents: 1 verified$/m)
    expect(resumed.status).toBe(0)
    expectSignedByPdfsig(join(work, 'review-out', 'review-001.signed.pdf'), 1, 'Budi Santoso')
  }, 60_000)
})
