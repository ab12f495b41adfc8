import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listBatchInput } from '../../../src/main/batch/batch-input'
import { createBatch, DEFAULT_BATCH_SETTINGS } from '../../../src/main/batch/batch-runner'
import { toCsv } from '../../../src/main/batch/csv'
import { openJournal, type Journal } from '../../../src/main/batch/journal'
import { documentsCsv } from '../../../src/main/batch/report'
import { parseTemplate } from '../../../src/shared/placement/template'
import { expectRejectedTekenError, expectTekenError } from '../../support/teken-error'
import { createManualClock } from '../peruri/support'
import { ISSUE_TEMPLATE, makeLetters } from './support'

describe('batch journal', () => {
  let work: string
  const clock = createManualClock(new Date('2026-03-02T03:04:05Z'))
  const open = (path: string, create = true) => openJournal(path, { create, osUser: 'ratna', now: () => clock.now() })

  /** A journal with one batch of three letters. */
  async function journalWithBatch(name: string): Promise<Journal> {
    const inputDir = join(work, `${name}-in`)
    await makeLetters(inputDir, 3, { prefix: name })
    const journal = open(join(work, `${name}.journal`))
    await createBatch(journal, { mode: 'peruri-bulk', env: 'sandbox', signer: 'budi@example.id', inputDir, outputDir: join(work, `${name}-out`), template: parseTemplate(ISSUE_TEMPLATE) }, clock)
    return journal
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-batch-journal-'))
  })
  afterAll(() => rm(work, { recursive: true, force: true }))

  it('records a batch and its documents, queued, with predictable output names', async () => {
    const journal = await journalWithBatch('record')
    const batch = journal.latestBatch()
    expect(batch).toMatchObject({ mode: 'peruri-bulk', env: 'sandbox', signer: 'budi@example.id', osUser: 'ratna', status: 'running', settings: DEFAULT_BATCH_SETTINGS, createdAt: '2026-03-02T03:04:05.000Z' })
    expect(batch.template.boxes[0]?.rect).toEqual([454, 45, 529, 116])
    const documents = journal.documents(batch.id)
    expect(documents.map((document) => [document.fileName, document.state, document.attempts])).toEqual([
      ['record-001.pdf', 'queued', 0],
      ['record-002.pdf', 'queued', 0],
      ['record-003.pdf', 'queued', 0],
    ])
    expect(documents[0]?.outputPath).toBe(join(work, 'record-out', 'record-001.signed.pdf'))
    await expectRejectedTekenError(
      createBatch(journal, { mode: 'local', signer: 'x', inputDir: join(work, 'record-in'), outputDir: join(work, 'o'), template: parseTemplate(ISSUE_TEMPLATE) }, clock),
      'INVALID_REQUEST',
      /not finished: continue it with batch resume/,
    )
    journal.close()
  })

  it('moves documents through states in one transaction, updates the records, and keeps them across a reopen', async () => {
    const journal = await journalWithBatch('moves')
    const batch = journal.latestBatch()
    const documents = journal.documents(batch.id)
    journal.update(documents.slice(0, 2), { state: 'uploading', sha256Before: 'a'.repeat(64) }, { durable: true })
    journal.update(documents.slice(0, 2), (document) => ({ state: 'coordinates-set', orderId: `30${document.id}` }), { audit: (document) => ({ action: 'document.uploaded', fileName: document.fileName, orderId: document.orderId! }) })
    journal.update([documents[2]!], { state: 'failed', failure: 'Peruri refused it', retryFrom: 'queued', attempts: 1 })
    expect(documents.map((document) => [document.state, document.orderId])).toEqual([
      ['coordinates-set', '301'],
      ['coordinates-set', '302'],
      ['failed', undefined],
    ])
    journal.update([documents[2]!], { state: 'queued', failure: null, retryFrom: null })
    expect(documents[2]).not.toHaveProperty('failure')
    expect(documents[2]).toMatchObject({ state: 'queued', attempts: 1 })
    journal.close()

    const reopened = open(join(work, 'moves.journal'), false)
    expect(reopened.documents(batch.id)).toEqual(documents)
    expect(reopened.auditRows().map((row) => [row.action, row.orderId, row.osUser])).toEqual([
      ['batch.created', undefined, 'ratna'],
      ['document.uploaded', '301', 'ratna'],
      ['document.uploaded', '302', 'ratna'],
    ])
    // The schema itself refuses a state that does not exist.
    expect(() => reopened.update([documents[0]!], { state: 'lost' as never })).toThrow(/CHECK constraint failed/)
    reopened.close()
  })

  it('keeps an audit chain that names the row a plain SQLite edit or delete broke', async () => {
    const journal = await journalWithBatch('chain')
    for (const name of ['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf']) journal.audit({ action: 'document.verified', fileName: name, sha256Before: '1'.repeat(64), sha256After: '2'.repeat(64), orderId: '3001', result: 'valid' })
    expect(journal.verifyAudit()).toEqual({ ok: true, entries: 5, head: journal.auditRows().at(-1)!.hash })
    journal.close()
    const path = join(work, 'chain.journal')

    const plain = new Database(path)
    expect(() => plain.prepare("UPDATE audit SET file_name = 'x.pdf' WHERE seq = 3").run()).toThrow(/append-only/)
    expect(() => plain.prepare('DELETE FROM audit WHERE seq = 3').run()).toThrow(/append-only/)
    // A tamperer with plain SQLite drops the guards first.
    plain.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete')
    const verify = () => {
      const reader = open(path, false)
      try {
        return reader.verifyAudit()
      } finally {
        reader.close()
      }
    }

    plain.prepare("UPDATE audit SET file_name = 'lain.pdf' WHERE seq = 3").run()
    expect(verify()).toMatchObject({ ok: false, brokenAt: 3, reason: 'row 3 was altered' })
    plain.prepare("UPDATE audit SET file_name = 'b.pdf' WHERE seq = 3").run()
    expect(verify()).toMatchObject({ ok: true })

    // Editing a row and recomputing its hash is caught by the next row's link.
    const row3 = plain.prepare('SELECT * FROM audit WHERE seq = 3').get() as Record<string, unknown>
    const forged: Record<string, unknown> = { ...row3, result: 'invalid' }
    const fields = ['seq', 'at', 'at_wib', 'os_user', 'signer', 'batch_id', 'action', 'file_name', 'sha256_before', 'sha256_after', 'order_id', 'result', 'detail', 'prev_hash'].map((key) => forged[key])
    plain.prepare('UPDATE audit SET result = ?, hash = ? WHERE seq = 3').run('invalid', createHash('sha256').update(JSON.stringify(fields)).digest('hex'))
    expect(verify()).toMatchObject({ ok: false, brokenAt: 4, reason: 'row 4 does not follow row 3: row 3 was altered or replaced' })
    plain.prepare('UPDATE audit SET result = ?, hash = ? WHERE seq = 3').run(row3.result, row3.hash)

    plain.prepare('DELETE FROM audit WHERE seq = 2').run()
    expect(verify()).toMatchObject({ ok: false, brokenAt: 2, reason: 'row 2 was deleted' })
    plain.close()

    // Cutting rows off the end leaves a consistent chain, but not the head the journal recorded.
    const tail = await journalWithBatch('tail')
    tail.audit({ action: 'document.verified', fileName: 'a.pdf' })
    tail.close()
    const plainTail = new Database(join(work, 'tail.journal'))
    plainTail.exec('DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2')
    plainTail.close()
    const tailReader = open(join(work, 'tail.journal'), false)
    expect(tailReader.verifyAudit()).toMatchObject({ ok: false, brokenAt: 2, reason: 'the last 1 row(s), from row 2, were deleted' })
    tailReader.close()
  })

  it('exports CSV that spreadsheets cannot mistake for formulas', async () => {
    expect(toCsv(['a', 'b', 'c'], [['x,y', 'say "hi"', 'two\nlines'], ['=HYPERLINK("http://evil")', '-1', 7], [undefined, null, '@cmd']])).toBe(
      'a,b,c\r\n"x,y","say ""hi""","two\nlines"\r\n"\'=HYPERLINK(""http://evil"")",\'-1,7\r\n,,\'@cmd\r\n',
    )
    const journal = await journalWithBatch('csv')
    const audit = journal.auditCsv().split('\r\n')
    expect(audit[0]).toBe('seq,at,at_wib,os_user,signer,batch,action,file_name,sha256_before,sha256_after,order_id,result,detail,prev_hash,hash')
    expect(audit[1]).toMatch(/^1,2026-03-02T03:04:05\.000Z,"02 Mar 2026, 10\.04\.05 WIB",ratna,budi@example\.id,[\w-]+,batch\.created,,,,,3 documents,/)
    const documents = documentsCsv(journal.documents(journal.latestBatch().id)).split('\r\n')
    expect(documents[0]).toBe('file_name,state,order_id,attempts,reason,output_path,sha256_before,sha256_after,updated_at,updated_wib')
    expect(documents[1]).toBe('csv-001.pdf,queued,,0,,,,,2026-03-02T03:04:05.000Z,"02 Mar 2026, 10.04.05 WIB"')
    journal.close()
  })

  it('refuses files that are not batch journals, and says when there is none', async () => {
    const text = join(work, 'notes.txt')
    await writeFile(text, 'not a database at all, just some notes that are long enough '.repeat(20))
    expectTekenError(() => open(text), 'BATCH_JOURNAL_INVALID')
    const other = join(work, 'other.sqlite')
    const db = new Database(other)
    db.exec('CREATE TABLE things (id INTEGER)')
    db.close()
    expect(expectTekenError(() => open(other), 'BATCH_JOURNAL_INVALID').message).toMatch(/SQLite database of something else/)
    expectTekenError(() => open(join(work, 'missing.journal'), false), 'BATCH_NOT_FOUND')
    const empty = open(join(work, 'empty.journal'))
    expectTekenError(() => empty.latestBatch(), 'BATCH_NOT_FOUND')
    empty.close()
  })

  it('lets one process work on a batch at a time; a killed runner does not block a resume', async () => {
    const journal = await journalWithBatch('runner')
    journal.claimRunner(process.ppid, () => true)
    expect(expectTekenError(() => journal.claimRunner(process.pid, () => true), 'INVALID_REQUEST').message).toMatch(new RegExp(`already being worked on by process ${process.ppid}`))
    const gone = spawnSync(process.execPath, ['-e', '']).pid
    journal.releaseRunner()
    journal.claimRunner(gone, () => true)
    journal.claimRunner(process.pid, (pid) => pid !== gone)
    journal.releaseRunner()
    journal.close()
  })

  it('lists the PDFs of the input folder, any case, and gives twins distinct output names', async () => {
    const inputDir = join(work, 'listing')
    await mkdir(inputDir)
    await makeLetters(inputDir, 1, { prefix: 'kontrak' })
    await copyFile(join(inputDir, 'kontrak-001.pdf'), join(inputDir, 'kontrak-001.PDF'))
    await writeFile(join(inputDir, 'readme.txt'), 'not a pdf')
    await mkdir(join(inputDir, 'nested.pdf'))
    const files = await listBatchInput(inputDir, join(work, 'listing-out'))
    expect(files.map((file) => [file.fileName, file.outputPath])).toEqual([
      ['kontrak-001.PDF', join(work, 'listing-out', 'kontrak-001.signed.pdf')],
      ['kontrak-001.pdf', join(work, 'listing-out', 'kontrak-001-2.signed.pdf')],
    ])
    await mkdir(join(work, 'nothing'))
    await expectRejectedTekenError(listBatchInput(join(work, 'nothing'), work), 'BATCH_INPUT_EMPTY')
  })
})
