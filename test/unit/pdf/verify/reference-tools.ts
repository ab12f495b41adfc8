import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The shared real-world corpus: `../shared/corpus/pdf` from the repository root. */
export const CORPUS_DIR = fileURLToPath(new URL('../../../../../shared/corpus/pdf/', import.meta.url))

export interface ManifestRow {
  file: string
  encrypted: string
  password: string
  signed: string
  notes: string
}

export function readManifest(): ManifestRow[] {
  const [header, ...lines] = readFileSync(`${CORPUS_DIR}MANIFEST.tsv`, 'utf8').trimEnd().split('\n')
  const columns = (header ?? '').split('\t')
  return lines.map((line) => {
    const cells = line.split('\t')
    const cell = (name: string) => cells[columns.indexOf(name)] ?? ''
    return { file: cell('file'), encrypted: cell('encrypted'), password: cell('password'), signed: cell('signed'), notes: cell('notes') }
  })
}

/** Whether a viewer opens the file without asking for a password. */
export function opensWithoutPassword(row: ManifestRow): boolean {
  return row.encrypted === 'no' || row.password.startsWith('user=(empty)')
}

/** `incremental_updates=N` from the notes: the manifest's revision count is N + 1. */
export function manifestRevisions(row: ManifestRow): number {
  return Number(/incremental_updates=(\d+)/.exec(row.notes)?.[1] ?? 0) + 1
}

/** `yes: 3 [ETSI.CAdES.detached x2, ETSI.RFC3161 doc-timestamp x1]` → the kinds and counts. */
export function manifestSignatureKinds(row: ManifestRow): Map<string, number> {
  const kinds = new Map<string, number>()
  for (const match of /^yes: \d+ \[([^\]]*)\]/.exec(row.signed)?.[1]?.matchAll(/([^,]+?) x(\d+)/g) ?? []) kinds.set((match[1] ?? '').trim(), Number(match[2]))
  return kinds
}

export interface PdfsigSignature {
  fieldName: string
  commonName?: string
  /** "Signature is Valid.", "Digest Mismatch.", "Signature has not yet been verified." … */
  validation?: string
  /** [start, end, start, end] as pdfsig prints "[a - b], [c - d]". */
  signedRanges?: number[]
  totalDocumentSigned?: boolean
  unsignedField: boolean
}

/** poppler's `pdfsig -nocert`: the reference for which signatures are intact. */
export function pdfsig(path: string): PdfsigSignature[] {
  const { stdout } = spawnSync('pdfsig', ['-nocert', path], { encoding: 'utf8' })
  return stdout
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((block) => {
      const field = (label: string) => new RegExp(`^\\s+- ${label}: ?(.*)$`, 'm').exec(block)?.[1]
      const ranges = /Signed Ranges: \[(\d+) - (\d+)\], \[(\d+) - (\d+)\]/.exec(block)
      const commonName = field('Signer Certificate Common Name')
      return {
        fieldName: field('Signature Field Name') ?? '',
        commonName: commonName && commonName !== '(null)' ? commonName : undefined,
        validation: field('Signature Validation'),
        signedRanges: ranges ? ranges.slice(1).map(Number) : undefined,
        totalDocumentSigned: /Total document signed/.test(block) ? true : /Not total document signed/.test(block) ? false : undefined,
        unsignedField: /The signature form field is not signed/.test(block),
      }
    })
}

/** pdfsig's verdict reduced to Teken's: undefined where poppler cannot check the kind. */
export function pdfsigVerdict(signature: PdfsigSignature): 'valid' | 'invalid' | undefined {
  if (signature.validation === 'Signature is Valid.') return 'valid'
  if (signature.validation === undefined || signature.validation === 'Signature has not yet been verified.') return undefined
  return 'invalid'
}

export function openssl(args: string[], options: { cwd?: string; input?: Buffer } = {}): { status: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync('openssl', args, { cwd: options.cwd, input: options.input })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() }
}
