export interface PemBlock {
  label: string
  /** RFC 1421 headers such as Proc-Type and DEK-Info, keyed by lower-case name. */
  headers: Map<string, string>
  /** The base64 body with all whitespace removed. */
  base64: string
  /** False when the matching END line never comes: the file was cut short. */
  complete: boolean
}

const BEGIN_LINE = /^-----BEGIN ([A-Z0-9 ]+)-----\s*$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Every PEM block in `text`, in order; text around and between blocks (e.g. "Bag Attributes") is ignored. */
export function findPemBlocks(text: string): PemBlock[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const blocks: PemBlock[] = []
  let index = 0
  while (index < lines.length) {
    const label = BEGIN_LINE.exec(lines[index]!.trim())?.[1]
    index += 1
    if (label === undefined) continue
    const endLine = `-----END ${label}-----`
    const headers = new Map<string, string>()
    const bodyLines: string[] = []
    let inHeaders = true
    let complete = false
    for (; index < lines.length; index += 1) {
      const line = lines[index]!.trim()
      if (line === endLine) {
        complete = true
        index += 1
        break
      }
      if (BEGIN_LINE.test(line)) break
      const header = inHeaders ? /^([A-Za-z-]+):\s*(.*)$/.exec(line) : null
      if (header) {
        headers.set(header[1]!.toLowerCase(), header[2]!)
        continue
      }
      inHeaders = false
      bodyLines.push(line)
    }
    blocks.push({ label, headers, base64: bodyLines.join('').replace(/\s+/g, ''), complete })
  }
  return blocks
}

/** Strict base64 (whole quanta, padding only at the end); undefined when the text is damaged. */
export function decodeBase64(base64: string): Buffer | undefined {
  return base64.length > 0 && BASE64.test(base64) ? Buffer.from(base64, 'base64') : undefined
}

export function toPem(label: string, body: Buffer, headers: ReadonlyArray<readonly [string, string]> = []): string {
  const headerText = headers.length > 0 ? `${headers.map(([name, value]) => `${name}: ${value}`).join('\n')}\n\n` : ''
  const lines = body.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${headerText}${lines.join('\n')}\n-----END ${label}-----\n`
}
