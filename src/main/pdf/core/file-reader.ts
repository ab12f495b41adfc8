import { open, type FileHandle } from 'node:fs/promises'

const CHUNK_SIZE = 1 << 20

/**
 * Random access to a PDF on disk, for the signer and the verifier. Objects are read where the
 * cross-reference data says they are and long ranges in chunks, so a 50 MB file is never held in
 * memory. Nothing is cached: callers read a handful of objects, then stream the rest once.
 */
export class PdfFileReader {
  private constructor(
    /** For callers that pipeline their own reads, such as the signer's copy of the input. */
    readonly handle: FileHandle,
    readonly size: number,
    readonly isFile: boolean,
  ) {}

  /** Rejects with the file system's error as is (ENOENT…): each caller words it for its users. */
  static async open(path: string): Promise<PdfFileReader> {
    const handle = await open(path, 'r')
    try {
      const stats = await handle.stat()
      return new PdfFileReader(handle, stats.size, stats.isFile())
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  /**
   * Up to `length` bytes from `offset`; fewer at the end of the file. Throws when the file shrank
   * since it was opened: parsers that widen their window until the end would otherwise never stop.
   */
  async read(offset: number, length: number): Promise<Buffer> {
    const start = Math.min(Math.max(0, offset), this.size)
    const buffer = Buffer.alloc(Math.max(0, Math.min(this.size, start + length) - start))
    let filled = 0
    while (filled < buffer.length) {
      const { bytesRead } = await this.handle.read(buffer, filled, buffer.length - filled, start + filled)
      if (bytesRead === 0) throw new Error('the file became shorter while it was being read')
      filled += bytesRead
    }
    return buffer
  }

  /** The bytes in [start, end) in chunks of at most 1 MiB. */
  async *chunks(start: number, end: number): AsyncGenerator<Buffer> {
    for (let position = start; position < end; position += CHUNK_SIZE) {
      const chunk = await this.read(position, Math.min(CHUNK_SIZE, end - position))
      if (chunk.length === 0) return
      yield chunk
    }
  }

  /**
   * File offsets where `pattern` starts, scanning the whole file chunk by chunk (with an overlap
   * so a match across a chunk boundary is found once).
   */
  async findAll(pattern: RegExp, overlap = 256): Promise<{ offset: number; match: RegExpExecArray }[]> {
    const found: { offset: number; match: RegExpExecArray }[] = []
    let tail = ''
    let tailStart = 0
    const regex = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)
    for (let position = 0; position < this.size; position += CHUNK_SIZE) {
      const chunk = await this.read(position, CHUNK_SIZE)
      const text = tail + chunk.toString('latin1')
      regex.lastIndex = 0
      for (let match = regex.exec(text); match; match = regex.exec(text)) {
        const offset = tailStart + match.index
        // Matches wholly inside the overlap were found in the previous round.
        if (match.index + match[0].length > tail.length) found.push({ offset, match })
        if (match[0].length === 0) regex.lastIndex += 1
      }
      tail = text.slice(-overlap)
      tailStart = position + chunk.length - tail.length
    }
    return found
  }

  close(): Promise<void> {
    return this.handle.close()
  }
}
