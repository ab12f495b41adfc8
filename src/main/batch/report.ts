import { join } from 'node:path'
import { PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib'
import { formatDuration, formatWib } from '../../shared/time'
import { writeFileAtomic } from '../platform/atomic-file'
import { toCsv } from './csv'
import { DOCUMENT_STATES, type BatchRecord, type DocumentRecord, type DocumentState } from './journal'

export type StateCounts = Record<DocumentState, number>

export function countStates(documents: readonly DocumentRecord[]): StateCounts {
  const counts = Object.fromEntries(DOCUMENT_STATES.map((state) => [state, 0])) as StateCounts
  for (const document of documents) counts[document.state] += 1
  return counts
}

/** Documents a person has to look at: failed, needs review, or left in flight with a reason. */
export const problemDocuments = (documents: readonly DocumentRecord[]) => documents.filter((document) => document.state === 'failed' || document.state === 'needs-review' || (document.state !== 'verified' && document.failure))

export function documentsCsv(documents: readonly DocumentRecord[]): string {
  const header = ['file_name', 'state', 'order_id', 'attempts', 'reason', 'output_path', 'sha256_before', 'sha256_after', 'updated_at', 'updated_wib']
  const rows = documents.map((document) => [
    document.fileName,
    document.state,
    document.orderId,
    document.attempts,
    document.failure,
    document.state === 'verified' ? document.outputPath : undefined,
    document.sha256Before,
    document.sha256After,
    document.updatedAt,
    formatWib(new Date(document.updatedAt), 'id', { seconds: true }),
  ])
  return toCsv(header, rows)
}

export interface BatchReportPaths {
  csv: string
  pdf: string
}

/** Where a batch's report goes: `batch-<id>.csv` and `batch-<id>.pdf` in its output folder. */
export const batchReportPaths = (batch: Pick<BatchRecord, 'id' | 'outputDir'>): BatchReportPaths => ({ csv: join(batch.outputDir, `batch-${batch.id}.csv`), pdf: join(batch.outputDir, `batch-${batch.id}.pdf`) })

/** The batch report in the output folder: `batch-<id>.csv` (one row per document) and a one-page `batch-<id>.pdf` summary. */
export async function writeBatchReport(batch: BatchRecord, documents: readonly DocumentRecord[], finishedAt: Date): Promise<BatchReportPaths> {
  const paths = batchReportPaths(batch)
  await writeFileAtomic(paths.csv, documentsCsv(documents))
  await writeFileAtomic(paths.pdf, await summaryPdf(batch, documents, finishedAt))
  return paths
}

const PAGE: [number, number] = [595.28, 841.89]
const MARGIN = 50

async function summaryPdf(batch: BatchRecord, documents: readonly DocumentRecord[], finishedAt: Date): Promise<Uint8Array> {
  const pdf = await PDFDocument.create()
  pdf.setTitle(`Teken batch ${batch.id}`)
  pdf.setProducer('Teken')
  const regular = await pdf.embedFont(StandardFonts.Helvetica)
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold)
  const page = pdf.addPage(PAGE)
  const width = PAGE[0] - 2 * MARGIN
  let y = PAGE[1] - MARGIN
  const line = (text: string, options: { font?: PDFFont; size?: number; indent?: number } = {}) => {
    const font = options.font ?? regular
    const size = options.size ?? 10
    y -= size * 1.45
    page.drawText(fitText(encodable(text), font, size, width - (options.indent ?? 0)), { x: MARGIN + (options.indent ?? 0), y, size, font })
  }

  const counts = countStates(documents)
  const started = new Date(batch.createdAt)
  line(`Teken batch report ${batch.id}`, { font: bold, size: 16 })
  y -= 6
  const facts: [string, string][] = [
    ['Mode', batch.env ? `${batch.mode} (environment ${batch.env})` : batch.mode],
    ['Signer', batch.signer],
    ['Operator', batch.osUser],
    ['Input folder', batch.inputDir],
    ['Output folder', batch.outputDir],
    ['Created', formatWib(started, 'en', { seconds: true })],
    ['Report written', formatWib(finishedAt, 'en', { seconds: true })],
    ['Elapsed since created', formatDuration(finishedAt.getTime() - started.getTime())],
  ]
  for (const [label, value] of facts) line(`${label}: ${value}`)
  y -= 8
  line('Documents', { font: bold, size: 12 })
  const unfinished = documents.length - counts.verified - counts.failed - counts['needs-review']
  line(`${documents.length} in the batch: ${counts.verified} signed and verified, ${counts.failed} failed, ${counts['needs-review']} need review, ${unfinished} unfinished`)

  const problems = problemDocuments(documents)
  y -= 8
  line(problems.length ? 'Failures and documents to review' : 'No failures.', { font: bold, size: 12 })
  const lineHeight = 9 * 1.45
  const room = Math.floor((y - MARGIN - lineHeight) / lineHeight)
  const shown = problems.length > room ? problems.slice(0, room - 1) : problems
  for (const document of shown) line(`${document.fileName} - ${document.state}${document.orderId ? `, order ${document.orderId}` : ''}: ${document.failure ?? 'no reason recorded'}`, { size: 9, indent: 8 })
  if (shown.length < problems.length) line(`... and ${problems.length - shown.length} more: see batch-${batch.id}.csv`, { size: 9, indent: 8 })
  return pdf.save()
}

/** The standard fonts encode WinAnsi only; anything else (a file name in another script) becomes "?". */
function encodable(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?')
}

function fitText(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text
  let end = text.length
  while (end > 0 && font.widthOfTextAtSize(`${text.slice(0, end)}...`, size) > width) end -= 1
  return `${text.slice(0, end)}...`
}

