/*
 * npm run bench:sign — Teken's local PAdES engine against @signpdf (the usual Node choice) on the
 * same small PDFs, and against one bare SHA-256 pass over a 50 MB PDF. Not a test: it prints figures.
 * Goals (issue 4): at least 100× @signpdf's docs/s on small files; at most 2× the hashing pass on
 * the large one.
 */
import { execFileSync } from 'node:child_process'
import { createHash, createPrivateKey, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { plainAddPlaceholder } from '@signpdf/placeholder-plain'
import { P12Signer } from '@signpdf/signer-p12'
import signpdf from '@signpdf/signpdf'
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib'
import { signPdf, type SigningIdentity } from '../src/main/pdf/sign'

const SMALL_DOCUMENTS = 20
const LARGE_BYTES = 50 * 1024 * 1024
/** Each engine signs the set repeatedly for at least this long. */
const MEASURE_MS = 3000
/** Teken signs this many documents at once, as a batch does: the RSA operations run on libuv's pool. */
const TEKEN_CONCURRENCY = 4
const clock = { now: () => new Date() }

interface Identity {
  teken: SigningIdentity
  p12: Buffer
}

function makeIdentity(work: string): Identity {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Bench CA')
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'signer.key', '-out', 'signer.csr', '-subj', '/CN=Bench Signer')
  openssl('x509', '-req', '-in', 'signer.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'signer.pem', '-days', '30')
  // 3DES and a SHA-1 MAC: what node-forge (inside @signpdf/signer-p12) can open.
  openssl('pkcs12', '-export', '-inkey', 'signer.key', '-in', 'signer.pem', '-certfile', 'ca.pem', '-out', 'signer.p12', '-passout', 'pass:bench', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1')
  const read = (name: string) => readFileSync(join(work, name))
  return {
    teken: { privateKey: createPrivateKey(read('signer.key')), certificates: [read('signer.pem').toString(), read('ca.pem').toString()] },
    p12: read('signer.p12'),
  }
}

/** Letters of one to three pages with a classic xref table, which @signpdf's plain placeholder needs. */
async function makeSmallPdfs(work: string): Promise<string[]> {
  const paths: string[] = []
  for (let index = 0; index < SMALL_DOCUMENTS; index += 1) {
    const document = await PDFDocument.create()
    const font = await document.embedFont(StandardFonts.Helvetica)
    for (let page = 0; page <= index % 3; page += 1) {
      const added = document.addPage([595, 842])
      for (let line = 0; line < 40; line += 1) added.drawText(`Surat ${index + 1}, halaman ${page + 1}, baris ${line + 1}: perjanjian kerja sama.`, { x: 50, y: 800 - line * 18, size: 10, font })
    }
    const path = join(work, `small-${index}.pdf`)
    await writeFile(path, await document.save({ useObjectStreams: false }))
    paths.push(path)
  }
  return paths
}

/** One page and a 50 MB image-like stream: the shape of a large scan. */
async function makeLargePdf(work: string): Promise<string> {
  const document = await PDFDocument.create()
  const page = document.addPage([595, 842])
  const scan = document.context.register(document.context.stream(randomBytes(LARGE_BYTES), { Type: 'XObject', Subtype: 'Image', Width: 4096, Height: 4096, BitsPerComponent: 8, ColorSpace: 'DeviceRGB' }))
  page.node.setXObject(PDFName.of('Scan'), scan)
  const path = join(work, 'large.pdf')
  await writeFile(path, await document.save({ useObjectStreams: false }))
  return path
}

/** Documents per second over at least MEASURE_MS, after one warm-up pass. */
async function docsPerSecond(inputs: string[], signOne: (input: string, output: string) => Promise<void>, concurrency: number): Promise<number> {
  const runPass = async () => {
    let next = 0
    const worker = async () => {
      while (next < inputs.length) {
        const index = next++
        await signOne(inputs[index] as string, `${inputs[index]}.signed.pdf`)
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
  }
  await runPass()
  let signed = 0
  const start = performance.now()
  while (performance.now() - start < MEASURE_MS) {
    await runPass()
    signed += inputs.length
  }
  return (signed * 1000) / (performance.now() - start)
}

/** The baseline: one SHA-256 pass, reading ahead so the disk and the hash overlap (the fastest plain pass). */
async function sha256Pass(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    const hash = createHash('sha256')
    const buffers = [Buffer.allocUnsafe(1024 * 1024), Buffer.allocUnsafe(1024 * 1024)]
    let reading = handle.read(buffers[0] as Buffer, 0, 1024 * 1024, 0)
    for (let index = 0, position = 0; ; index += 1) {
      const { bytesRead, buffer } = await reading
      if (bytesRead === 0) break
      position += bytesRead
      reading = handle.read(buffers[(index + 1) % 2] as Buffer, 0, 1024 * 1024, position)
      hash.update(buffer.subarray(0, bytesRead))
    }
    hash.digest()
  } finally {
    await handle.close()
  }
}

async function bestOf(runs: number, task: () => Promise<void>): Promise<number> {
  let best = Infinity
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now()
    await task()
    best = Math.min(best, performance.now() - start)
  }
  return best
}

const format = (value: number, digits = 1) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'teken-bench-sign-'))
  try {
    const identity = makeIdentity(work)
    const inputs = await makeSmallPdfs(work)
    const placement = (visible: boolean) => ({ page: 1, rect: [360, 40, 560, 110] as const, visible, reason: 'Benchmark', location: 'Jakarta', certificationLevel: 'NOT_CERTIFIED' as const })

    // Both sides read the input file and write the signed file, so I/O is counted for both.
    const signpdfRate = await docsPerSecond(
      inputs,
      async (input, output) => {
        const withPlaceholder = plainAddPlaceholder({ pdfBuffer: await readFile(input), reason: 'Benchmark', contactInfo: '', name: 'Bench Signer', location: 'Jakarta' })
        // A P12Signer consumes its PKCS#12 buffer on first use, so @signpdf needs one per signature.
        await writeFile(output, await signpdf.sign(withPlaceholder, new P12Signer(identity.p12, { passphrase: 'bench' })))
      },
      1,
    )
    const tekenRate = async (visible: boolean, concurrency: number) =>
      docsPerSecond(inputs, async (inputPath, outputPath) => void (await signPdf({ inputPath, outputPath, identity: identity.teken, placement: placement(visible), clock })), concurrency)
    const tekenInvisible = await tekenRate(false, 1)
    const tekenVisible = await tekenRate(true, 1)
    const tekenBatch = await tekenRate(true, TEKEN_CONCURRENCY)

    console.log(`small PDFs: ${SMALL_DOCUMENTS} documents of 1-3 pages (classic xref), RSA-2048, each engine for >= ${MEASURE_MS / 1000} s`)
    console.log(`  @signpdf (placeholder-plain + signer-p12), invisible:  ${format(signpdfRate)} docs/s`)
    console.log(`  Teken, invisible, one at a time:                         ${format(tekenInvisible)} docs/s  (${format(tekenInvisible / signpdfRate)}x @signpdf)`)
    console.log(`  Teken, visible appearance, one at a time:                ${format(tekenVisible)} docs/s  (${format(tekenVisible / signpdfRate)}x @signpdf)`)
    console.log(`  Teken, visible appearance, ${TEKEN_CONCURRENCY} at a time:                  ${format(tekenBatch)} docs/s  (${format(tekenBatch / signpdfRate)}x @signpdf; goal >= 100x)`)

    const large = await makeLargePdf(work)
    const hashMs = await bestOf(5, () => sha256Pass(large))
    const signMs = await bestOf(5, async () => void (await signPdf({ inputPath: large, outputPath: `${large}.signed.pdf`, identity: identity.teken, placement: placement(true), clock })))
    console.log(`large PDF: ${format(LARGE_BYTES / 1024 / 1024, 0)} MB, best of 5 (page cache warm)`)
    console.log(`  one SHA-256 pass over the file:  ${format(hashMs)} ms`)
    console.log(`  Teken signing it (copy + hash + sign + fsync + rename): ${format(signMs)} ms  (${format(signMs / hashMs, 2)}x the hashing pass; goal <= 2x)`)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
