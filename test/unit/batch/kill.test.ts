import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openJournal, type DocumentRecord } from '../../../src/main/batch/journal'
import { verifyPdf } from '../../../src/main/pdf/verify'
import { createKeytarSecretStore } from '../../../src/main/ports/keytar-secret-store'
import { VAULT_KEY_ACCOUNT } from '../../../src/main/vault/vault'
import { BUDI, injectFaults, ISSUE_TEMPLATE, makeLetters } from './support'

const DOCUMENTS = 200
const KILLS = 12
/** After a run says it has started working, it is killed at a random moment within this. */
const KILL_WINDOW_MS = 2500

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

// The issue's kill test: a standalone sandbox process; the CLI's `batch run` and then `batch resume`
// killed with SIGKILL at random moments, again and again; at the end every document is signed
// exactly once (the sandbox counts) and every output verifies — or, where an upload's answer was
// lost to a kill, the document is reported for review and was never sent a second time.
describe('kill test: SIGKILL at random moments, resumed each time', () => {
  let work: string
  let sandbox: ChildProcess
  let sandboxUrl: string
  const keychainService = `teken-test-${randomUUID().slice(0, 12)}`
  const env = () => ({ ...process.env, TEKEN_DATA_DIR: join(work, 'data'), TEKEN_KEYCHAIN_SERVICE: keychainService })
  // One process per CLI run (no npm, no tsx wrapper), so SIGKILL hits the process doing the work.
  const cliArgv = (args: string[]) => [process.execPath, '--import', 'tsx', 'src/cli/index.ts', ...args]
  const start = (args: string[]) => {
    const [node, ...rest] = cliArgv(args)
    return spawn(node!, rest, { cwd: process.cwd(), env: env(), stdio: ['ignore', 'pipe', 'pipe'] })
  }
  const finished = (child: ChildProcess): Promise<Exit> =>
    new Promise((resolve) => {
      let stdout = ''
      let stderr = ''
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr }))
    })

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-batch-kill-'))
    const apiKeyFile = join(work, 'api-key.txt')
    await writeFile(apiKeyFile, `${randomUUID()}\n`)
    sandbox = start(['sandbox', 'start', '--port', '0', '--state', join(work, 'sandbox'), '--api-key-file', apiKeyFile, '--system-id', 'KILLTEST'])
    sandboxUrl = await new Promise<string>((resolve, reject) => {
      let seen = ''
      sandbox.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString()
        const match = /Peruri sandbox: (http:\/\/[\d.:]+)\/gateway\//.exec(seen)
        if (match) resolve(match[1]!)
      })
      sandbox.once('exit', () => reject(new Error(`the sandbox exited: ${seen}`)))
    })
    // A little latency, as a real gateway has, so the kills land in every phase of the batch.
    await injectFaults(sandboxUrl, { latencyMs: 15 })
    const defined = await finished(start(['env', 'set', '--provider', 'peruri', '--name', 'killtest', '--base-url', `${sandboxUrl}/gateway/`, '--api-key-file', apiKeyFile, '--system-id', 'KILLTEST']))
    expect(defined.code, defined.stderr).toBe(0)
    await makeLetters(join(work, 'in'), DOCUMENTS, { prefix: 'kill' })
    await writeFile(join(work, 'template.json'), JSON.stringify(ISSUE_TEMPLATE))
  }, 60_000)

  afterAll(async () => {
    sandbox?.kill('SIGTERM')
    await createKeytarSecretStore(keychainService).delete(VAULT_KEY_ACCOUNT)
    await rm(work, { recursive: true, force: true })
  })

  it(`signs ${DOCUMENTS} documents exactly once through ${KILLS} kills`, async () => {
    const journalPath = join(work, 'kill.journal')
    const otpCommand = [...cliArgv(['sandbox', 'otp', '--email', BUDI, '--state', join(work, 'sandbox')])].map((part) => `'${part}'`).join(' ')
    const run = ['batch', 'run', '--mode', 'peruri-bulk', '--input', join(work, 'in'), '--output', join(work, 'out'), '--template', join(work, 'template.json'), '--journal', journalPath, '--env', 'killtest', '--email', BUDI, '--otp-command', otpCommand]
    const resume = ['batch', 'resume', '--journal', journalPath, '--otp-command', otpCommand]

    const statesAtKills: string[] = []
    let settled = 0
    let kills = 0
    for (let attempt = 0; kills < KILLS; attempt += 1) {
      const child = start(attempt === 0 ? run : resume)
      const exited = finished(child)
      // Killed at a random moment after it says it started working, or sooner once it has settled a
      // random number of further documents: every run is cut short, so the kills spread over the
      // whole batch instead of the first runs finishing it.
      const settleAtMost = settled + 5 + Math.floor(Math.random() * 15)
      const kill = () => child.kill('SIGKILL')
      let killAt: NodeJS.Timeout | undefined
      child.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString()
        if (!killAt && /^batch [\w-]+: (resuming|\d+ documents)/m.test(text)) killAt = setTimeout(kill, Math.random() * KILL_WINDOW_MS)
        for (const [, count] of text.matchAll(/^\[(\d+)\//gm)) if (Number(count) >= settleAtMost) kill()
      })
      const exit = await exited
      clearTimeout(killAt)
      if (exit.signal !== 'SIGKILL') {
        // It finished before its moment came: only fine once nothing is left to do.
        expect(exit.stderr).not.toMatch(/unexpected failure/)
        break
      }
      kills += 1
      const journal = openJournal(journalPath, { osUser: 'test', now: () => new Date() })
      const states = journal.documents(journal.latestBatch().id).map((document) => document.state)
      journal.close()
      settled = states.filter((state) => state === 'verified' || state === 'needs-review').length
      statesAtKills.push([...new Set(states)].sort().join(','))
    }
    expect(kills).toBeGreaterThanOrEqual(10)
    // The kills landed while the batch was under way, in more than one phase of it.
    expect(statesAtKills.filter((states) => states !== 'needs-review,verified' && states !== 'verified').length).toBeGreaterThanOrEqual(10)
    expect(new Set(statesAtKills).size).toBeGreaterThanOrEqual(3)

    const last = await finished(start(resume))
    expect(last.stderr).not.toMatch(/unexpected failure/)

    const journal = openJournal(journalPath, { osUser: 'test', now: () => new Date() })
    const documents = journal.documents(journal.latestBatch().id)
    expect(journal.verifyAudit()).toMatchObject({ ok: true })
    journal.close()
    const reviewed = documents.filter((document) => document.state === 'needs-review')
    expect(documents.filter((document) => document.state !== 'verified' && document.state !== 'needs-review')).toEqual([])
    expect(last.code).toBe(reviewed.length ? 1 : 0)
    for (const document of reviewed) expect(last.stdout).toContain(`  ${document.fileName}\tneeds-review\t${document.failure}`)
    for (const document of reviewed) expect(document.failure).toMatch(/^The upload's answer never arrived/)

    const orders = (await (await fetch(`${sandboxUrl}/sandbox/orders`)).json()) as { fileName: string; signCount: number }[]
    const byFile = new Map<string, { orders: number; signed: number }>()
    for (const order of orders) {
      const entry = byFile.get(order.fileName) ?? { orders: 0, signed: 0 }
      byFile.set(order.fileName, { orders: entry.orders + 1, signed: entry.signed + order.signCount })
    }
    const expectOnce = async (document: DocumentRecord) => {
      const entry = byFile.get(document.fileName) ?? { orders: 0, signed: 0 }
      expect(entry.orders, `orders for ${document.fileName}`).toBeLessThanOrEqual(1)
      if (document.state === 'needs-review') return expect(entry.signed, `${document.fileName} needs review`).toBe(0)
      expect(entry.signed, `signatures on ${document.fileName}`).toBe(1)
      const verification = await verifyPdf(document.outputPath)
      expect(verification.allValid && verification.signatures.length === 1, `${document.outputPath} verifies`).toBe(true)
    }
    for (const document of documents) await expectOnce(document)
    // Most of the batch got through; a kill can only cost the documents of the upload it cut.
    expect(documents.length - reviewed.length).toBeGreaterThan(DOCUMENTS / 2)
  }, 240_000)
})
