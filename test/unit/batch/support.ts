import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PDFDocument, StandardFonts } from 'pdf-lib'
import { expect } from 'vitest'
import { createBatch, startBatchRun, type BatchEvent, type BatchPorts, type BatchSummary } from '../../../src/main/batch/batch-runner'
import { openJournal, type BatchMode, type BatchSettings, type Journal } from '../../../src/main/batch/journal'
import type { Clock } from '../../../src/main/ports/clock'
import type { PeruriClient } from '../../../src/main/providers/peruri/peruri-client'
import { SANDBOX_DEMO_SIGNERS } from '../../../src/main/sandbox/peruri/sandbox-state'
import { parseTemplate, type PlacementTemplateFile } from '../../../src/shared/placement/template'
import { pdfsig } from '../pdf/verify/reference-tools'

export const BUDI = SANDBOX_DEMO_SIGNERS[0].email

/** The issue's minimal template form, verbatim: what `batch run --template` must accept. */
export const ISSUE_TEMPLATE: PlacementTemplateFile = {
  version: 1,
  boxes: [{ page: 1, rect: [454, 45, 529, 116], visible: true, reason: 'Disetujui', location: 'Jakarta', certificationLevel: 'NOT_CERTIFIED' }],
}

/** `count` small letters (A4, one page unless `pages` says otherwise), named `<prefix>-001.pdf` … */
export async function makeLetters(dir: string, count: number, options: { prefix: string; pages?: (index: number) => number }): Promise<string[]> {
  const pages = options.pages ?? (() => 1)
  await mkdir(dir, { recursive: true })
  const paths: string[] = []
  for (let index = 0; index < count; index += 1) {
    const letter = await PDFDocument.create()
    const font = await letter.embedFont(StandardFonts.Helvetica)
    for (let page = 0; page < pages(index); page += 1) letter.addPage([595, 842]).drawText(`Surat ${index + 1}, halaman ${page + 1}`, { x: 50, y: 780, size: 14, font })
    const path = join(dir, `${options.prefix}-${String(index + 1).padStart(3, '0')}.pdf`)
    await writeFile(path, await letter.save())
    paths.push(path)
  }
  return paths
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

export async function hashFolder(dir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>()
  for (const name of (await readdir(dir)).sort()) hashes.set(name, sha256(await readFile(join(dir, name))))
  return hashes
}

/** The sandbox's own count of signatures applied, per file name (its control endpoint). */
export async function signCounts(sandboxUrl: string): Promise<Map<string, number>> {
  const orders = (await (await fetch(`${sandboxUrl}/sandbox/orders`)).json()) as { fileName: string; signCount: number }[]
  const counts = new Map<string, number>()
  for (const order of orders) counts.set(order.fileName, (counts.get(order.fileName) ?? 0) + order.signCount)
  return counts
}

export async function injectFaults(sandboxUrl: string, faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandboxUrl}/sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) })
  expect(response.status).toBe(200)
}

/** Every signature in the file is valid by poppler's pdfsig, and there are `count` of them. */
export function expectSignedByPdfsig(path: string, count: number, commonName?: string): void {
  const signatures = pdfsig(path)
  expect(signatures).toHaveLength(count)
  for (const signature of signatures) {
    expect(signature.validation).toBe('Signature is Valid.')
    if (commonName) expect(signature.commonName).toBe(commonName)
  }
}

/** Creates a batch in a fresh journal and runs it to the end with the given ports. */
export async function runBatch(input: {
  journalPath: string
  mode: BatchMode
  inputDir: string
  outputDir: string
  signer: string
  template?: PlacementTemplateFile
  settings?: Partial<BatchSettings>
  clock: Clock
  peruri?: PeruriClient
  otp?: BatchPorts['otp']
  localIdentity?: BatchPorts['localIdentity']
  events?: BatchEvent[]
}): Promise<{ journal: Journal; summary: BatchSummary }> {
  const journal = openJournal(input.journalPath, { create: true, osUser: 'tester', now: () => input.clock.now() })
  const batch = await createBatch(
    journal,
    { mode: input.mode, ...(input.mode === 'local' ? {} : { env: 'test' }), signer: input.signer, inputDir: input.inputDir, outputDir: input.outputDir, template: parseTemplate(input.template ?? ISSUE_TEMPLATE), ...(input.settings ? { settings: input.settings } : {}) },
    input.clock,
  )
  const summary = await startBatchRun(journal, batch.id, {
    clock: input.clock,
    peruriClient: async () => input.peruri ?? Promise.reject(new Error('no Peruri client in this test')),
    localIdentity: input.localIdentity ?? (() => Promise.reject(new Error('no local identity in this test'))),
    otp: input.otp ?? (() => Promise.reject(new Error('no OTP source in this test'))),
    onEvent: (event) => input.events?.push(event),
  }).done
  return { journal, summary }
}

/** Every document of the run ended verified; otherwise the failure names each document that did not, and why. */
export function expectAllVerified(summary: BatchSummary): void {
  expect(summary.documents.filter((document) => document.state !== 'verified').map((document) => `${document.fileName}: ${document.state} (${document.failure ?? 'no reason recorded'})`)).toEqual([])
  expect(summary.complete).toBe(true)
}
