/*
 * npm run bench:batch — a peruri-bulk batch through the Peruri sandbox with 100 ms of latency on every
 * call, at the default concurrency: 1,000 small documents (total time against the ideal pipelined
 * time, and peak RSS), then 5 MB documents, to show that memory does not grow with the batch. Not a
 * test: it prints figures. Goals (issue 6): at most 1.1x the ideal time, peak RSS at most 400 MB.
 *
 * The sandbox runs in a process of its own, as Peruri runs elsewhere, so its signing work and memory
 * are not this process's. Each run is a fresh child process, so its peak RSS is its own.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib'
import { createBatch, DEFAULT_BATCH_SETTINGS, startBatchRun } from '../src/main/batch/batch-runner'
import { openJournal } from '../src/main/batch/journal'
import { systemClock } from '../src/main/ports/clock'
import { createFetchHttpClient, type HttpClient } from '../src/main/ports/http-client'
import { createPeruriClient } from '../src/main/providers/peruri/peruri-client'
import { DEFAULT_PERURI_PATHS } from '../src/main/providers/peruri/protocol'
import { SANDBOX_DEMO_SIGNERS } from '../src/main/sandbox/peruri/sandbox-state'
import { parseTemplate } from '../src/shared/placement/template'

const LATENCY_MS = 100
const SYSTEM_ID = 'BENCH'
const SIGNER = SANDBOX_DEMO_SIGNERS[0].email
const RUNS = {
  small: { documents: 1000, bytes: 0 },
  large: { documents: 100, bytes: 5 * 1024 * 1024 },
} as const
type RunName = keyof typeof RUNS

interface RunResult {
  documents: number
  documentBytes: number
  verified: number
  totalMs: number
  idealMs: number
  calls: number
  minimumCalls: number
  /** Every call's own duration summed, over the concurrency: the ideal if each call cost what it really took. */
  serviceIdealMs: number
  /** Share of the run with `concurrency` calls in flight. */
  fullShare: number
  peakRssMb: number
  /** The highest RSS seen while each quarter of the documents was settled. */
  rssByQuarterMb: number[]
}

const cli = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] })

/** The same one-page letter (a few hundred bytes), or one with an image-like stream bringing it to `bytes`. */
async function makeInputs(dir: string, count: number, bytes: number): Promise<number> {
  await mkdir(dir, { recursive: true })
  const document = await PDFDocument.create()
  const page = document.addPage([595, 842])
  page.drawText('Surat perjanjian kerja sama', { x: 50, y: 780, size: 14, font: await document.embedFont(StandardFonts.Helvetica) })
  if (bytes > 0) {
    const scan = document.context.register(document.context.stream(randomBytes(bytes), { Type: 'XObject', Subtype: 'Image', Width: 1024, Height: 1024, BitsPerComponent: 8, ColorSpace: 'DeviceRGB' }))
    page.node.setXObject(PDFName.of('Scan'), scan)
  }
  const first = join(dir, 'dokumen-0000.pdf')
  await writeFile(first, await document.save())
  for (let index = 1; index < count; index += 1) await copyFile(first, join(dir, `dokumen-${String(index).padStart(4, '0')}.pdf`))
  return (await readFile(first)).length
}

/** One batch, in this (child) process; prints its figures as JSON. */
async function runOne(name: RunName, gatewayUrl: string, apiKey: string, work: string): Promise<void> {
  const { documents } = RUNS[name]
  const documentBytes = await makeInputs(join(work, `${name}-in`), documents, RUNS[name].bytes)
  const fetchHttp = createFetchHttpClient()
  const callTimes: { start: number; end: number }[] = []
  const http: HttpClient = {
    async send(request) {
      const start = performance.now()
      try {
        return await fetchHttp.send(request)
      } finally {
        callTimes.push({ start, end: performance.now() })
      }
    },
  }
  const client = createPeruriClient({ endpoint: { name: 'bench', baseUrl: gatewayUrl, paths: DEFAULT_PERURI_PATHS, apiKey, systemId: SYSTEM_ID }, http, clock: systemClock })
  const sandboxUrl = new URL('/', gatewayUrl).href

  let settled = 0
  const rssByQuarter = [0, 0, 0, 0]
  const sample = () => {
    const quarter = Math.min(3, Math.floor((settled / documents) * 4))
    rssByQuarter[quarter] = Math.max(rssByQuarter[quarter]!, process.memoryUsage.rss())
  }
  const sampler = setInterval(sample, 100)

  const started = performance.now()
  const journal = openJournal(join(work, `${name}.journal`), { create: true, osUser: 'bench', now: () => new Date() })
  const batch = await createBatch(
    journal,
    { mode: 'peruri-bulk', env: 'bench', signer: SIGNER, inputDir: join(work, `${name}-in`), outputDir: join(work, `${name}-out`), template: parseTemplate({ version: 1, boxes: [{ page: 1, rect: [454, 45, 529, 116], reason: 'Disetujui', location: 'Jakarta' }] }) },
    systemClock,
  )
  const summary = await startBatchRun(journal, batch.id, {
    clock: systemClock,
    peruriClient: async () => client,
    localIdentity: () => Promise.reject(new Error('not a local batch')),
    // The sandbox's inbox, read at once: a person typing the code is not the engine's time.
    otp: async (request) => ((await (await fetch(`${sandboxUrl}sandbox/otps?identifier=${encodeURIComponent(request.email)}`)).json()) as { otp: string }[]).at(-1)!.otp,
    onEvent: (event) => {
      if (event.type === 'progress') settled = event.settled
    },
  }).done
  const totalMs = performance.now() - started
  sample()
  clearInterval(sampler)
  journal.close()

  const { concurrency, maxFilesPerChunk, maxBytesPerChunk, groupSize } = DEFAULT_BATCH_SETTINGS
  // The fewest calls a peruri-bulk batch can make: one JWT, the Send Document Bulk chunks (as many
  // files as the payload limits allow), a Get OTP Bulk and a Signing Bulk per group, one download per
  // document.
  const filesPerChunk = Math.max(1, Math.min(maxFilesPerChunk, Math.floor(maxBytesPerChunk / documentBytes)))
  const minimumCalls = 1 + Math.ceil(documents / filesPerChunk) + 2 * Math.ceil(documents / groupSize) + documents
  // Ideal pipelined time: those calls back to back on `concurrency` lanes, each call costing exactly
  // the latency and nothing else: no local work, no provider work, never a lane waiting for another.
  const idealMs = Math.ceil(minimumCalls / concurrency) * LATENCY_MS
  // The sandbox really works (it signs, writes and reads files), so calls take longer than the
  // latency: this second ideal charges each call what it took, and so measures the pipelining alone.
  const serviceIdealMs = callTimes.reduce((sum, call) => sum + call.end - call.start, 0) / concurrency
  const result: RunResult = {
    documents,
    documentBytes,
    verified: summary.counts.verified,
    totalMs,
    idealMs,
    calls: callTimes.length,
    minimumCalls,
    serviceIdealMs,
    fullShare: timeWithAllInFlight(callTimes, concurrency) / totalMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssByQuarterMb: rssByQuarter.map((bytes) => bytes / 1024 / 1024),
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

/** How long `concurrency` calls were in flight at once. */
function timeWithAllInFlight(calls: { start: number; end: number }[], concurrency: number): number {
  const edges = calls.flatMap((call): [number, number][] => [[call.start, 1], [call.end, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let inFlight = 0
  let since = 0
  let full = 0
  for (const [at, change] of edges) {
    if (inFlight >= concurrency) full += at - since
    inFlight += change
    since = at
  }
  return full
}

async function startSandbox(work: string, apiKeyFile: string): Promise<{ gatewayUrl: string; stop: () => void }> {
  const child = cli(['src/cli/index.ts', 'sandbox', 'start', '--port', '0', '--state', join(work, 'sandbox'), '--api-key-file', apiKeyFile, '--system-id', SYSTEM_ID])
  const gatewayUrl = await new Promise<string>((resolve, reject) => {
    let seen = ''
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const match = /Peruri sandbox: (\S+)/.exec(seen)
      if (match) resolve(match[1]!)
    })
    child.once('exit', () => reject(new Error(`the sandbox exited: ${seen}`)))
  })
  const faults = await fetch(new URL('/sandbox/faults', gatewayUrl), { method: 'POST', body: JSON.stringify({ latencyMs: LATENCY_MS }) })
  if (!faults.ok) throw new Error(`the sandbox refused the latency: ${await faults.text()}`)
  return { gatewayUrl, stop: () => child.kill('SIGTERM') }
}

async function runInChild(name: RunName, gatewayUrl: string, apiKeyFile: string, work: string): Promise<RunResult> {
  const child = cli([process.argv[1]!, '--run', name, gatewayUrl, apiKeyFile, work])
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`the ${name} run failed (exit ${code})`)
  return JSON.parse(output) as RunResult
}

const format = (value: number, digits = 1) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

function describe(title: string, result: RunResult): void {
  const { concurrency } = DEFAULT_BATCH_SETTINGS
  console.log(title)
  console.log(`  ${format(result.documents, 0)} documents of ${format(result.documentBytes / 1024, 1)} KB, ${format(result.verified, 0)} signed and verified`)
  console.log(`  total ${format(result.totalMs / 1000, 2)} s; ideal pipelined ${format(result.idealMs / 1000, 2)} s (ceil(${format(result.minimumCalls, 0)} calls / ${concurrency}) x ${LATENCY_MS} ms); ratio ${format(result.totalMs / result.idealMs, 3)}x (goal <= 1.1x)`)
  console.log(`  provider calls made: ${format(result.calls, 0)} (the minimum is ${format(result.minimumCalls, 0)}); all ${concurrency} slots busy ${format(result.fullShare * 100, 0)}% of the run`)
  console.log(`  the calls' real durations / ${concurrency}: ${format(result.serviceIdealMs / 1000, 2)} s; ratio ${format(result.totalMs / result.serviceIdealMs, 3)}x (what the sandbox's own work adds is in this ideal, not the one above)`)
  console.log(`  peak RSS ${format(result.peakRssMb, 0)} MB (goal <= 400 MB); highest RSS per quarter of the batch: ${result.rssByQuarterMb.map((mb) => `${format(mb, 0)} MB`).join(', ')}`)
}

async function main(): Promise<void> {
  if (process.argv[2] === '--run') {
    const [, , , name, gatewayUrl, apiKeyFile, work] = process.argv
    return runOne(name as RunName, gatewayUrl!, (await readFile(apiKeyFile!, 'utf8')).trim(), work!)
  }
  const work = await mkdtemp(join(tmpdir(), 'teken-bench-batch-'))
  const apiKeyFile = join(work, 'api-key.txt')
  await writeFile(apiKeyFile, randomBytes(16).toString('hex'))
  const sandbox = await startSandbox(work, apiKeyFile)
  try {
    console.log(`peruri-bulk through the Peruri sandbox (own process), ${LATENCY_MS} ms latency per call, default settings: concurrency ${DEFAULT_BATCH_SETTINGS.concurrency}, up to ${DEFAULT_BATCH_SETTINGS.maxFilesPerChunk} files / ${DEFAULT_BATCH_SETTINGS.maxBytesPerChunk / 1024 / 1024} MB per Send Document Bulk, ${DEFAULT_BATCH_SETTINGS.groupSize} documents per OTP`)
    describe('small documents:', await runInChild('small', sandbox.gatewayUrl, apiKeyFile, work))
    describe('5 MB documents:', await runInChild('large', sandbox.gatewayUrl, apiKeyFile, work))
  } finally {
    sandbox.stop()
    await rm(work, { recursive: true, force: true })
  }
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
