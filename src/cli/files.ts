import { readFile } from 'node:fs/promises'
import { TekenError } from '../shared/errors'

/** Reads a file named on the command line, failing with the path and the reason. */
export async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (error) {
    throw new TekenError('FILE_NOT_READABLE', `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`)
  }
}
