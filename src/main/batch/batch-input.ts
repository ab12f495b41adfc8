import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import { TekenError } from '../../shared/errors'
import { applyTemplate, type PlacementTemplate, type ResolvedPlacement } from '../../shared/placement/template'
import { readPdfInfo } from '../pdf/sign'
import type { DocumentRecord } from './journal'

export type BatchInputFile = Pick<DocumentRecord, 'inputPath' | 'fileName' | 'size' | 'outputPath'>

/**
 * The PDFs of an input folder (`*.pdf`, any case, not recursive), by name, each with the output
 * path it will get: `<stem>.signed.pdf`, or `<stem>-2.signed.pdf` when two inputs share a stem.
 */
export async function listBatchInput(inputDir: string, outputDir: string): Promise<BatchInputFile[]> {
  const input = resolve(inputDir)
  const output = resolve(outputDir)
  let entries
  try {
    entries = await readdir(input, { withFileTypes: true })
  } catch (error) {
    throw new TekenError('FILE_NOT_READABLE', `Cannot read the input folder ${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, { path: input })
  }
  const names = entries
    .filter((entry) => entry.isFile() && extname(entry.name).toLowerCase() === '.pdf')
    .map((entry) => entry.name)
    .sort()
  if (names.length === 0) throw new TekenError('BATCH_INPUT_EMPTY', `The input folder ${input} has no PDF files.`, { path: input })
  const taken = new Set<string>()
  const files: BatchInputFile[] = []
  for (const fileName of names) {
    const stem = basename(fileName, extname(fileName))
    let outputName = `${stem}.signed.pdf`
    for (let copy = 2; taken.has(outputName.toLowerCase()); copy += 1) outputName = `${stem}-${copy}.signed.pdf`
    taken.add(outputName.toLowerCase())
    const inputPath = join(input, fileName)
    files.push({ inputPath, fileName, size: (await stat(inputPath)).size, outputPath: join(output, outputName) })
  }
  return files
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** SHA-256 of a file, read in chunks (a batch never holds a large document whole just to hash it). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Where the template's boxes land on this document (its own pages decide "last", "every" and relative boxes). */
export async function placementsFor(path: string, template: PlacementTemplate): Promise<ResolvedPlacement[]> {
  return applyTemplate(template, (await readPdfInfo(path)).pages)
}
