import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headlessDesktopPorts } from '../../../src/main/ports/desktop'
import type { AuditEntryView, AuditVerificationView } from '../../../src/shared/contract'
import { formatWib } from '../../../src/shared/time'
import { createTestCore, routerCalls, type TestCore } from '../../support/core'

type Page = { entries: AuditEntryView[]; more: boolean }

/** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      index++
    } else field += char
  }
  if (field !== '' || row.length) rows.push([...row, field])
  return rows
}

const TRICKY = 'Mitra "Utama", Jakarta'

describe('Audit channels through the router of a real core', () => {
  let testCore: TestCore
  const answers: string[] = []
  const { call, value } = routerCalls(
    () => testCore,
    (answer) => answers.push(JSON.stringify(answer)),
  )
  const list = (request: Record<string, unknown> = {}) => value<Page>('listAuditEntries', request)
  const secretValues = ['api-key-value-8c1e4d', 'hmac-value-b72f03', 'client-secret-5d19aa']

  beforeAll(async () => {
    testCore = await createTestCore()
    // Real audited actions through the router…
    await value('addSecret', { type: 'api-key', name: 'peruri gateway', tags: [], value: secretValues[0] })
    await value('addSecret', { type: 'hmac-key', name: TRICKY, tags: [], value: secretValues[1] })
    await value('addSecret', { type: 'client-secret', name: 'ovo client', tags: [], value: secretValues[2] })
    await value('deleteVaultItem', { id: (await testCore.core.services.vault.list()).find((item) => item.name === 'ovo client')!.id })
    // …and enough others from other domains to need paging.
    for (let index = 1; index <= 12; index++) {
      await testCore.core.services.audit.append({ action: index % 2 ? 'snap.signed' : 'peruri.document-signed', subject: `kontrak-${index}.pdf`, details: { orderId: `ORD-${index}` } })
    }
  })
  afterAll(() => testCore.dispose())

  it('lists newest first, with the time, actor, details and a hash prefix, and never a secret', async () => {
    const { entries, more } = await list()
    expect(more).toBe(false)
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 16 }, (_, index) => 16 - index))
    expect(entries[0]).toMatchObject({ seq: 16, action: 'peruri.document-signed', subject: 'kontrak-12.pdf', details: { orderId: 'ORD-12' } })
    const deleted = entries.find((entry) => entry.action === 'vault.item-deleted')!
    expect(deleted).toMatchObject({ seq: 4, subject: 'ovo client', details: { type: 'client-secret' } })
    expect(deleted.actor).not.toBe('')
    expect(new Date(deleted.at).getTime()).toBeGreaterThan(Date.now() - 60_000)
    expect(deleted.hash).toMatch(/^[0-9a-f]{12}$/)
    const full = (await testCore.core.services.audit.all())[3]!
    expect(full.hash.startsWith(deleted.hash)).toBe(true)
    expect(entries.find((entry) => entry.seq === 2)).toMatchObject({ action: 'vault.secret-added', subject: TRICKY })
  })

  it('filters by action group and by text over action and subject, case-insensitively', async () => {
    const vault = await list({ actionPrefix: 'vault.' })
    expect(vault.entries.map((entry) => [entry.seq, entry.action])).toEqual([
      [4, 'vault.item-deleted'],
      [3, 'vault.secret-added'],
      [2, 'vault.secret-added'],
      [1, 'vault.secret-added'],
    ])
    expect((await list({ search: 'JAKARTA' })).entries.map((entry) => entry.seq)).toEqual([2])
    // The search looks at the action too, and combines with the group.
    expect((await list({ search: 'deleted' })).entries.map((entry) => entry.seq)).toEqual([4])
    expect((await list({ search: 'kontrak-1', actionPrefix: 'snap.' })).entries.map((entry) => entry.subject)).toEqual(['kontrak-11.pdf', 'kontrak-1.pdf'])
    expect(await list({ search: 'nothing like this' })).toEqual({ entries: [], more: false })
    // Details are not searched: an order id is only in the details.
    expect((await list({ search: 'ORD-3' })).entries).toEqual([])
  })

  it('pages with limit and before, and refuses bad paging or groups', async () => {
    const first = await list({ limit: 5 })
    expect(first.entries.map((entry) => entry.seq)).toEqual([16, 15, 14, 13, 12])
    expect(first.more).toBe(true)
    const second = await list({ limit: 5, before: 12 })
    expect(second.entries.map((entry) => entry.seq)).toEqual([11, 10, 9, 8, 7])
    const last = await list({ limit: 5, before: 2 })
    expect(last).toMatchObject({ entries: [{ seq: 1 }], more: false })
    // Exactly a page left: no "more".
    expect((await list({ limit: 6, before: 7 })).more).toBe(false)
    // Paging under a filter pages the filtered entries.
    const snapPage = await list({ actionPrefix: 'snap.', limit: 2, before: 14 })
    expect(snapPage.entries.map((entry) => entry.seq)).toEqual([13, 11])
    expect(snapPage.more).toBe(true)

    for (const request of [{ limit: 501 }, { limit: 0 }, { before: 0 }, { actionPrefix: 'vault' }, { actionPrefix: '../' }, { sneaky: true }]) {
      expect(await call('listAuditEntries', request), JSON.stringify(request)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    }
  })

  it('verifies the intact chain', async () => {
    expect(await value<AuditVerificationView>('verifyAuditLog')).toEqual({ ok: true, entries: 16 })
  })

  it('exports the whole log as RFC 4180 CSV in WIB through Save as…, answering the file name, and audits the export', async () => {
    const answer = await value<{ saved: boolean; fileName: string; entries: number }>('exportAuditLog')
    expect(answer).toMatchObject({ saved: true, entries: 16 })
    expect(answer.fileName).toMatch(/^teken-audit-\d{8}-\d{6}-WIB\.csv$/)
    const text = await readFile(join(testCore.dataDir, 'exports', answer.fileName), 'utf8')
    const [header, ...rows] = parseCsv(text)
    expect(header).toEqual(['seq', 'at', 'actor', 'action', 'subject', 'details', 'hash'])
    expect(rows).toHaveLength(16)
    const entries = await testCore.core.services.audit.all()
    rows.forEach((row, index) => {
      const entry = entries[index]!
      expect(row).toEqual([String(entry.seq), formatWib(new Date(entry.at), 'id', { seconds: true }), entry.actor, entry.action, entry.subject, JSON.stringify(entry.details ?? {}), entry.hash])
    })
    expect(rows[1]![4]).toBe(TRICKY)
    expect(rows[1]![1]).toMatch(/ WIB$/)
    expect(JSON.parse(rows[3]![5]!)).toEqual({ type: 'client-secret' })
    expect(text).toContain('"Mitra ""Utama"", Jakarta"')

    // Taking a copy is itself on the record, and the chain stays intact.
    const newest = (await list({ limit: 1 })).entries[0]!
    expect(newest).toMatchObject({ seq: 17, action: 'audit.exported', subject: answer.fileName, details: { entries: '16' } })
    expect(await value('verifyAuditLog')).toEqual({ ok: true, entries: 17 })
  })

  it('answers saved: false when Save as… is cancelled, and records nothing', async () => {
    const cancelled = await createTestCore('web-harness', {
      desktop: { ...headlessDesktopPorts(async () => ''), fileSaver: { save: async () => null } },
    })
    try {
      expect(await cancelled.core.router.dispatch('exportAuditLog', undefined)).toEqual({ ok: true, value: { saved: false } })
      expect(await cancelled.core.services.audit.all()).toEqual([])
    } finally {
      await cancelled.dispose()
    }
  })

  it('finds an entry edited in audit.log: verification names it and why', async () => {
    const file = join(testCore.dataDir, 'audit.log')
    const lines = (await readFile(file, 'utf8')).split('\n')
    const tampered = JSON.parse(lines[4]!) as { seq: number; subject: string }
    expect(tampered.seq).toBe(5)
    lines[4] = JSON.stringify({ ...tampered, subject: 'kontrak-palsu.pdf' })
    await writeFile(file, lines.join('\n'))
    expect(await value('verifyAuditLog')).toEqual({ ok: false, entries: 17, brokenAt: 5, reason: 'entry 5 was altered' })
    // Listing still shows what the file says, so the officer can look at the broken entry.
    expect((await list({ search: 'palsu' })).entries.map((entry) => entry.seq)).toEqual([5])

    // Removing a line breaks the chain at the entry after it.
    lines.splice(4, 1)
    await writeFile(file, lines.join('\n'))
    expect(await value('verifyAuditLog')).toMatchObject({ ok: false, brokenAt: 5, reason: 'entry 5 has sequence number 6' })
  })

  it('sent nothing secret to the renderer', () => {
    const crossed = answers.join('\n')
    for (const secret of secretValues) expect(crossed).not.toContain(secret)
  })
})
