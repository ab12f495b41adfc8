import type { Command } from 'commander'
import { httpTimestampAuthority, readPdfInfo, signPdf } from '../../main/pdf/sign'
import { systemClock } from '../../main/ports/clock'
import type { CliContext } from '../context'
import { addPlacementOptions, formatRect, placementFromOptions, type PlacementOptions } from '../options'

/** `pdf info` and `pdf sign`, registered on the one `pdf` command that `pdf verify` shares. */
export function registerPdfSignCommands(pdf: Command, context: CliContext): void {
  pdf
    .command('info')
    .description('pages, boxes and rotation per page, and the signature fields')
    .requiredOption('--in <path>', 'the PDF')
    .option('--json', 'print JSON')
    .action(async (options: { in: string; json?: boolean }) => {
      const info = await readPdfInfo(options.in)
      if (options.json) return context.out(JSON.stringify(info, null, 2))
      const lines = [
        `version:    PDF ${info.version}`,
        `xref:       ${info.xref === 'table' ? 'classic table' : info.xref === 'stream' ? 'cross-reference stream' : 'hybrid (table with /XRefStm)'}`,
        `encrypted:  ${info.encrypted ? 'yes' : 'no'}`,
        `pages:      ${info.pageCount}`,
        ...info.pages.map(
          (page) =>
            `page ${page.pageNumber}: MediaBox ${formatRect(page.mediaBox)}  CropBox ${formatRect(page.cropBox)}  rotate ${page.rotate}${page.userUnit === 1 ? '' : `  UserUnit ${page.userUnit}`}`,
        ),
      ]
      if (info.signatureFields.length > 0) {
        lines.push('signature fields:')
        for (const field of info.signatureFields) {
          lines.push(`  ${field.name}  ${field.signed ? 'signed' : 'empty'}${field.pageNumber ? `  page ${field.pageNumber}` : ''}${field.rect ? `  ${formatRect(field.rect)}` : ''}`)
        }
      }
      context.out(lines.join('\n'))
    })

  addPlacementOptions(
    pdf
      .command('sign')
      .description('sign with a PKCS#12 identity from the vault: PAdES B-B by incremental update, so earlier signatures stay valid')
      .requiredOption('--in <path>', 'the PDF to sign (never modified)')
      .requiredOption('--out <path>', 'where to write the signed PDF')
      .requiredOption('--identity <name>', 'vault name of a PKCS#12 identity (keys import --file X.p12)'),
  )
    .option('--tsa <url>', 'add an RFC 3161 timestamp from this timestamp authority (PAdES B-T)')
    .action(async (options: PlacementOptions & { in: string; out: string; identity: string; tsa?: string }) => {
      const placement = placementFromOptions(options)
      const { services } = context.core()
      const { item, key, certificates } = await services.vault.privateKey(options.identity)
      const { language } = await services.settings.get()
      const result = await signPdf({
        inputPath: options.in,
        outputPath: options.out,
        identity: { privateKey: key, certificates, name: item.name },
        placement: { ...placement, language },
        clock: systemClock,
        timestampAuthority: options.tsa ? httpTimestampAuthority(options.tsa) : undefined,
      })
      const where = options.invisible ? 'invisible' : `box ${formatRect(result.rect)}`
      const certified = result.certified ? ', certified (no changes allowed)' : ''
      const timestamped = result.timestampedAt ? `, timestamped ${result.timestampedAt.toISOString()}` : ''
      context.out(`signed ${options.out}: field ${result.fieldName} on page ${result.pageNumber}, ${where}${certified}${timestamped}`)
    })
}
