import { execFile } from 'node:child_process'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { deflateSync, inflateSync } from 'node:zlib'
import type { SigningIdentity } from '../../../../src/main/pdf/sign'
import { openssl } from '../../../support/openssl'

/*
 * The tools that judge the signing engine: the real openssl for identities, poppler's pdfsig and
 * pdftoppm, and qpdf, all run as separate processes.
 */

const run = promisify(execFile)

/** The shared corpus, as the repository root sees it. */
export const CORPUS_DIR = resolve('../shared/corpus/pdf')

export interface CorpusEntry {
  file: string
  path: string
  pages: number
  /** Raw /Rotate values as the manifest lists them. */
  rotations: string
  mediaBoxPage1: string
  cropBoxPage1: string
  xref: string
  encrypted: boolean
  signed: string
  qpdfCheck: 'ok' | 'warnings' | 'errors'
  notes: string
}

export function corpusManifest(): CorpusEntry[] {
  const [header, ...rows] = readFileSync(join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8').trimEnd().split('\n')
  const columns = (header as string).split('\t')
  return rows.map((row) => {
    const cells = Object.fromEntries(row.split('\t').map((cell, index) => [columns[index], cell])) as Record<string, string>
    return {
      file: cells.file as string,
      path: join(CORPUS_DIR, cells.file as string),
      pages: Number(cells.pages),
      rotations: cells.rotations as string,
      mediaBoxPage1: cells.mediabox_page1 as string,
      cropBoxPage1: cells.cropbox_page1 as string,
      xref: cells.xref_stream as string,
      encrypted: cells.encrypted !== 'no',
      signed: cells.signed as string,
      qpdfCheck: cells.qpdf_check as CorpusEntry['qpdfCheck'],
      notes: cells.notes as string,
    }
  })
}

/** Damaged per the manifest: qpdf had to reconstruct the cross-reference table. */
export const isDamaged = (entry: CorpusEntry) => entry.notes.includes('file is damaged')

export interface TestIdentity {
  identity: SigningIdentity
  leaf: X509Certificate
  caPem: string
  /** An OpenSSL 3 PKCS#12 of key, leaf and CA, with its passphrase in `passphraseFile`. */
  p12Path: string
  passphraseFile: string
}

/** A small CA and a leaf it issued, made by the real openssl, loaded with node:crypto. */
export async function makeTestIdentity(dir: string, commonName = 'Budi Santoso'): Promise<TestIdentity> {
  const inDir = { cwd: dir }
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=Teken Test CA/O=Teken'], inDir)
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${commonName}/O=PT Contoh Sejahtera/C=ID`], inDir)
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '365'], inDir)
  await writeFile(join(dir, 'pass.txt'), 'rahasia p12\n')
  openssl(['pkcs12', '-export', '-inkey', 'leaf.key', '-in', 'leaf.pem', '-certfile', 'ca.pem', '-out', 'identity.p12', '-passout', 'file:pass.txt'], inDir)
  const leafPem = readFileSync(join(dir, 'leaf.pem'), 'utf8')
  const caPem = readFileSync(join(dir, 'ca.pem'), 'utf8')
  return {
    identity: { privateKey: createPrivateKey(readFileSync(join(dir, 'leaf.key'))), certificates: [leafPem, caPem] },
    leaf: new X509Certificate(leafPem),
    caPem,
    p12Path: join(dir, 'identity.p12'),
    passphraseFile: join(dir, 'pass.txt'),
  }
}

async function tool(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string }
    if (typeof failed.code !== 'number') throw error
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

export interface PdfsigSignature {
  fieldName: string
  /** "Signature is Valid.", "Digest Mismatch." …; undefined for an unsigned field. */
  validation: string | undefined
  totalDocument: boolean
}

/** pdfsig's report, one entry per signature field, in its order. */
export async function pdfsig(path: string): Promise<PdfsigSignature[]> {
  const { stdout } = await tool('pdfsig', [path])
  return stdout
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((block) => ({
      fieldName: /Signature Field Name: (.*)$/m.exec(block)?.[1] ?? '',
      validation: /Signature Validation: (.*)$/m.exec(block)?.[1],
      totalDocument: /^\s+- Total document signed$/m.test(block),
    }))
}

/** `qpdf --check`: its exit code and its WARNING lines without the file name. */
export async function qpdfCheck(path: string): Promise<{ code: number; warnings: string[] }> {
  const { code, stdout, stderr } = await tool('qpdf', ['--check', path])
  const warnings = `${stdout}\n${stderr}`
    .split('\n')
    .filter((line) => line.startsWith('WARNING: '))
    .map((line) => line.slice('WARNING: '.length).replace(`${path}`, 'FILE').replace(/^FILE(: )?/, ''))
  return { code, warnings }
}

export interface QpdfField {
  name: string
  type: string
  page: number
  /** "N G R" of the widget. */
  annotation: string
}

/** The AcroForm's terminal fields as qpdf sees them. */
export async function qpdfFields(path: string): Promise<QpdfField[]> {
  const { stdout } = await tool('qpdf', ['--json=2', '--json-key=acroform', path])
  const fields = (JSON.parse(stdout) as { acroform: { fields: { fullname: string; fieldtype: string; pageposfrom1: number; annotation: { object: string } }[] } }).acroform.fields
  return fields.map((field) => ({ name: field.fullname, type: field.fieldtype, page: field.pageposfrom1, annotation: field.annotation.object }))
}

/** One object's value as qpdf reads it, e.g. `{"/Rect": [1, 2, 3, 4], …}`. */
export async function qpdfObject(path: string, ref: string): Promise<Record<string, unknown>> {
  const [objectNumber, generation] = ref.split(' ')
  const { stdout } = await tool('qpdf', ['--json=2', '--json-key=qpdf', `--json-object=${objectNumber},${generation}`, path])
  const objects = (JSON.parse(stdout) as { qpdf: [unknown, Record<string, { value: Record<string, unknown> }>] }).qpdf[1]
  return (objects[`obj:${ref}`] as { value: Record<string, unknown> }).value
}

export interface Raster {
  width: number
  height: number
  /** RGB, row by row. */
  rgb: Buffer
}

/** Renders one page as pdftoppm does at 50 dpi and decodes the PNG. */
export async function renderPage(path: string, page: number, outputPrefix: string): Promise<Raster> {
  await tool('pdftoppm', ['-r', '50', '-f', String(page), '-l', String(page), '-png', '-singlefile', path, outputPrefix])
  return decodePng(readFileSync(`${outputPrefix}.png`))
}

/** A PNG decoder for what pdftoppm writes: 8-bit gray, RGB or RGBA, not interlaced. */
export function decodePng(png: Buffer): Raster {
  let at = 8
  let width = 0
  let height = 0
  let colorType = 0
  const data: Buffer[] = []
  while (at < png.length) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    const body = png.subarray(at + 8, at + 8 + length)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs')
      colorType = body[9] as number
    } else if (type === 'IDAT') {
      data.push(body)
    }
    at += 12 + length
  }
  const channels = { 0: 1, 2: 3, 6: 4 }[colorType]
  if (!channels) throw new Error(`PNG colour type ${colorType}`)
  const raw = inflateSync(Buffer.concat(data))
  const stride = width * channels
  const pixels = Buffer.alloc(height * stride)
  for (let row = 0; row < height; row += 1) {
    const filter = raw[row * (stride + 1)] as number
    for (let index = 0; index < stride; index += 1) {
      const value = raw[row * (stride + 1) + 1 + index] as number
      const left = index >= channels ? (pixels[row * stride + index - channels] as number) : 0
      const up = row > 0 ? (pixels[(row - 1) * stride + index] as number) : 0
      const upLeft = row > 0 && index >= channels ? (pixels[(row - 1) * stride + index - channels] as number) : 0
      const paeth = () => {
        const estimate = left + up - upLeft
        const [a, b, c] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)]
        return a <= b && a <= c ? left : b <= c ? up : upLeft
      }
      const predictor = [0, left, up, (left + up) >> 1, filter === 4 ? paeth() : 0][filter] ?? 0
      pixels[row * stride + index] = (value + predictor) & 0xff
    }
  }
  const rgb = Buffer.alloc(width * height * 3)
  for (let pixel = 0; pixel < width * height; pixel += 1) {
    for (let channel = 0; channel < 3; channel += 1) rgb[pixel * 3 + channel] = pixels[pixel * channels + (channels === 1 ? 0 : channel)] as number
  }
  return { width, height, rgb }
}

/** Runs `task` over `items` with at most `limit` at a time (the external tools are CPU-bound). */
export async function inParallel<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** Extracts the bytes a signature covers and its CMS, by its /ByteRange, for checking with openssl. */
export function signedParts(pdf: Buffer, byteRange: readonly [number, number, number, number]): { content: Buffer; cms: Buffer } {
  const [start1, length1, start2, length2] = byteRange
  const padded = Buffer.from(pdf.toString('latin1', start1 + length1 + 1, start2 - 1), 'hex')
  // The placeholder is zero-padded after the DER; its outer length says where the CMS ends.
  const lengthBytes = (padded[1] as number) & 0x7f
  const cmsLength = 2 + lengthBytes + padded.readUIntBE(2, lengthBytes)
  return { content: Buffer.concat([pdf.subarray(start1, start1 + length1), pdf.subarray(start2, start2 + length2)]), cms: padded.subarray(0, cmsLength) }
}

/** A PNG (8-bit RGBA) from a pixel function, for signature specimens. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(height * (width * 4 + 1))
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) Buffer.from(pixel(x, y)).copy(raw, y * (width * 4 + 1) + 1 + x * 4)
  }
  const chunk = (type: string, body: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(body.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])))
    return Buffer.concat([length, Buffer.from(type, 'latin1'), body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 6, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** A blue handwriting-like stroke on a transparent background. */
export const specimenPng = () => encodePng(160, 60, (x, y) => (Math.abs(y - 30 - 18 * Math.sin(x / 12)) < 3 ? [20, 40, 160, 255] : [255, 255, 255, 0]))

export interface TestTsa {
  /** Answers one DER TimeStampReq with a DER TimeStampResp, as `openssl ts -reply` does. */
  reply(query: Buffer): Promise<Buffer>
  /** The same over HTTP on 127.0.0.1, for the client Teken ships. */
  serve(): Promise<{ url: string; close(): Promise<void> }>
}

/** An RFC 3161 TSA made of the real `openssl ts`, with a certificate from the test CA in `dir`. */
export async function makeTestTsa(dir: string): Promise<TestTsa> {
  await writeFile(join(dir, 'tsa-ext.cnf'), '[tsa_ext]\nextendedKeyUsage = critical,timeStamping\n')
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/CN=Teken Test TSA'], { cwd: dir })
  openssl(['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.pem', '-days', '365', '-extfile', 'tsa-ext.cnf', '-extensions', 'tsa_ext'], { cwd: dir })
  await writeFile(
    join(dir, 'tsa.cnf'),
    [
      '[tsa]',
      'default_tsa = test_tsa',
      '[test_tsa]',
      `serial = ${join(dir, 'tsa-serial')}`,
      `signer_cert = ${join(dir, 'tsa.pem')}`,
      `signer_key = ${join(dir, 'tsa.key')}`,
      `certs = ${join(dir, 'ca.pem')}`,
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  )
  await writeFile(join(dir, 'tsa-serial'), '01\n')
  let requests = 0
  const reply = async (query: Buffer) => {
    const name = `tsa-${(requests += 1)}`
    await writeFile(join(dir, `${name}.tsq`), query)
    await run('openssl', ['ts', '-reply', '-config', join(dir, 'tsa.cnf'), '-queryfile', `${name}.tsq`, '-out', `${name}.tsr`], { cwd: dir })
    return readFileSync(join(dir, `${name}.tsr`))
  }
  return {
    reply,
    serve: () =>
      new Promise((ready) => {
        const server = createServer((request, response) => {
          const body: Buffer[] = []
          request.on('data', (chunk: Buffer) => body.push(chunk))
          request.on('end', () => {
            void reply(Buffer.concat(body)).then((answer) => response.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(answer))
          })
        })
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as AddressInfo
          ready({ url: `http://127.0.0.1:${port}/tsa`, close: () => new Promise((closed) => server.close(() => closed())) })
        })
      }),
  }
}
