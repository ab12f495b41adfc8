import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestIdentity, pdfsig, qpdfCheck } from './support'

/*
 * A 50 MB scan is signed without holding it in memory: a separate process signs it and reports
 * how much its peak memory grew, which must stay well under the file's size. Its bytes are still
 * a prefix of the output, and pdfsig and qpdf accept the result.
 */

const run = promisify(execFile)
const IMAGE_SIDE = 4096
const IMAGE_BYTES = IMAGE_SIDE * IMAGE_SIDE * 3

/** A one-page PDF showing one RGB image (50 MB at 4096 px), written as a stream so the test never holds it either. */
async function writeScanPdf(path: string, side: number): Promise<void> {
  const imageBytes = side * side * 3
  const out = createWriteStream(path)
  let written = 0
  const offsets: number[] = []
  const write = (chunk: string | Buffer) =>
    new Promise<void>((done, fail) => {
      written += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'latin1') : chunk.length
      out.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk, (error) => (error ? fail(error) : done()))
    })
  await write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Scan 4 0 R >> >> /Contents 5 0 R >>',
  ]
  for (const [index, body] of objects.entries()) {
    offsets.push(written)
    await write(`${index + 1} 0 obj\n${body}\nendobj\n`)
  }
  offsets.push(written)
  await write(`4 0 obj\n<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /BitsPerComponent 8 /ColorSpace /DeviceRGB /Length ${imageBytes} >>\nstream\n`)
  for (let left = imageBytes; left > 0; left -= 1 << 20) await write(randomBytes(Math.min(left, 1 << 20)))
  await write('\nendstream\nendobj\n')
  const content = 'q 595 0 0 842 0 0 cm /Scan Do Q'
  offsets.push(written)
  await write(`5 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`)
  const xref = written
  await write(`xref\n0 6\n0000000000 65535 f\r\n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n\r\n`).join('')}`)
  await write(`trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`)
  await new Promise((done) => out.end(done))
}

async function sha256Prefix(path: string, length: number): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { end: length - 1 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

describe('a 50 MB PDF', () => {
  let work: string

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-sign-large-'))
  })
  afterAll(async () => {
    await rm(work, { recursive: true, force: true })
  })

  it('is signed in a process whose memory grows by far less than the file', async () => {
    await makeTestIdentity(work)
    const input = join(work, 'scan.pdf')
    const output = join(work, 'scan-signed.pdf')
    await writeScanPdf(input, IMAGE_SIDE)
    await writeScanPdf(join(work, 'small.pdf'), 64)
    // .mts: an ES module, for top-level await.
    const script = join(work, 'sign-large.mts')
    await writeFile(
      script,
      `import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { signPdf } from ${JSON.stringify(resolve('src/main/pdf/sign/index.ts'))}
const work = ${JSON.stringify(work)}
const identity = { privateKey: createPrivateKey(readFileSync(work + '/leaf.key')), certificates: [readFileSync(work + '/leaf.pem', 'utf8'), readFileSync(work + '/ca.pem', 'utf8')] }
const sign = (inputPath: string, outputPath: string) => signPdf({ inputPath, outputPath, identity, placement: { page: 1, rect: [300, 40, 560, 120], visible: true, certificationLevel: 'NOT_CERTIFIED' }, clock: { now: () => new Date() } })
// A small document first, so lazily loaded code and font metrics are not counted as the large one's cost.
await sign(work + '/small.pdf', work + '/small-signed.pdf')
const before = process.memoryUsage().rss
await sign(${JSON.stringify(input)}, ${JSON.stringify(output)})
console.log(JSON.stringify({ growth: process.resourceUsage().maxRSS * 1024 - before }))
`,
    )
    const { stdout } = await run('npx', ['tsx', script], { cwd: process.cwd() })
    const { growth } = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { growth: number }
    expect(growth).toBeLessThan(IMAGE_BYTES / 2)

    const inputSize = (await stat(input)).size
    expect(await sha256Prefix(output, inputSize)).toBe(await sha256Prefix(input, inputSize))
    expect((await pdfsig(output))[0]?.validation).toBe('Signature is Valid.')
    expect(await qpdfCheck(output)).toEqual({ code: 0, warnings: [] })
  }, 60_000)
})
