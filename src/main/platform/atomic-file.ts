import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'

/**
 * Replaces `path` with `data` so that a crash leaves either the old or the new file, never a torn
 * one: write a sibling temp file, fsync it, rename it over the target. Mode 0600 because Teken's
 * files describe a user's keys and documents.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', 0o600)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

/** A JSON file of Teken's: undefined when there is none yet; `json` is undefined when the text is not JSON. */
export async function readJsonFile(path: string): Promise<{ json: unknown } | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    return { json: JSON.parse(text) as unknown }
  } catch {
    return { json: undefined }
  }
}
