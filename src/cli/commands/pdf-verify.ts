import { CommanderError, type Command } from 'commander'
import { verifyPdf, TRUST_NOTE, type CertificateReport, type PdfVerification, type SignatureReport } from '../../main/pdf/verify'
import { TekenError } from '../../shared/errors'
import { formatWib } from '../../shared/time'
import type { CliContext } from '../context'

type Language = Parameters<typeof formatWib>[1]

/** Exit codes of `pdf verify`, so scripts can tell a broken signature from a file they could not read. */
const PDF_VERIFY_EXIT = {
  /** Every signature is valid, or the file has none. */
  allValid: 0,
  /** At least one signature is invalid, or could not be checked (unsupported): not proven intact. */
  notAllValid: 1,
  /** The input is missing, not a PDF, encrypted with a password or certificate, or damaged beyond repair. */
  unreadable: 2,
} as const

const UNREADABLE_CODES = new Set(['FILE_NOT_READABLE', 'PDF_NOT_A_PDF', 'PDF_ENCRYPTED', 'PDF_DAMAGED'])

export function registerPdfVerifyCommands(pdf: Command, context: CliContext): void {
  pdf
    .command('verify')
    .description(
      'list and check every signature in a PDF: signer, time, SubFilter, whether the bytes are intact, what was appended later, the embedded chain ' +
        `(${TRUST_NOTE}).\nExit 0: all signatures valid (or none); 1: any invalid or unverifiable; 2: the file cannot be read.`,
    )
    .requiredOption('--in <path>', 'the PDF to check')
    .option('--json', 'print the full report as JSON')
    .action(async (options: { in: string; json?: boolean }) => {
      let verification: PdfVerification
      try {
        verification = await verifyPdf(options.in)
      } catch (error) {
        if (!(error instanceof TekenError) || !UNREADABLE_CODES.has(error.code)) throw error
        if (options.json) context.out(JSON.stringify({ file: options.in, error: { code: error.code, message: error.message } }, null, 2))
        process.stderr.write(`teken: ${error.message}\n`)
        throw new CommanderError(PDF_VERIFY_EXIT.unreadable, 'teken.pdf.unreadable', error.message)
      }
      if (options.json) context.out(JSON.stringify({ file: options.in, chainTrust: TRUST_NOTE, ...verification }, null, 2))
      else {
        const { language } = await context.core().services.settings.get()
        context.out(describeVerification(options.in, verification, language))
      }
      // main() turns a CommanderError into the process exit code without printing it again.
      if (!verification.allValid) throw new CommanderError(PDF_VERIFY_EXIT.notAllValid, 'teken.pdf.signatureNotValid', 'not every signature is valid')
    })
}

/** The human-readable report: a header, one block per signature, then a summary line. */
function describeVerification(path: string, verification: PdfVerification, language: Language): string {
  const facts = [`${plural(verification.revisions, 'revision')}`, `${verification.fileSize.toLocaleString('en')} bytes`]
  if (verification.encrypted) facts.push('encrypted (opens without a password)')
  if (verification.repaired) facts.push('damaged cross-reference data, read by scanning the file')
  const lines = [`File: ${path}`, `      ${facts.join(' · ')}`]
  const { signatures, usageRights, unsignedFields } = verification
  signatures.forEach((signature, index) => lines.push('', ...describeSignature(`Signature ${index + 1} of ${signatures.length}`, signature, language)))
  usageRights.forEach((signature) => lines.push('', ...describeSignature('Usage rights (UR3, not a form-field signature; not counted below)', signature, language)))
  if (unsignedFields.length > 0) {
    const names = unsignedFields.map((field) => `"${field.fieldName}"${field.placeholder ? ' (placeholder, never signed)' : ''}`)
    lines.push('', `Unsigned signature fields: ${names.join(', ')}`)
  }
  lines.push('', summary(verification))
  return lines.join('\n')
}

function summary({ signatures, usageRights }: PdfVerification): string {
  if (signatures.length === 0) return usageRights.length > 0 ? 'No signatures: the document is not signed (it only carries Adobe Reader usage rights).' : 'No signatures: this PDF is not signed.'
  const count = (status: SignatureReport['status']) => signatures.filter((signature) => signature.status === status).length
  const parts = [`${count('valid')} valid`, `${count('invalid')} invalid`, `${count('unsupported')} not verifiable`].filter((part) => !part.startsWith('0 '))
  return `${plural(signatures.length, 'signature')}: ${parts.join(', ')}.`
}

function describeSignature(title: string, signature: SignatureReport, language: Language): string[] {
  const time = (iso: string | undefined) => (iso ? formatWib(new Date(iso), language, { seconds: true }) : undefined)
  const rows: [string, string | undefined][] = [
    ['Status', statusText(signature)],
    ['Kind', kindText(signature)],
    ['Signer', signature.signer ? (signature.signer.commonName ?? signature.signer.subject) : undefined],
    ['Subject', signature.signer?.subject],
    ['Signed at', signature.signedAt ? `${time(signature.signedAt)} (/M, as the signing software claims)` : undefined],
    ['CMS signing time', time(signature.cmsSigningTime)],
    ['Timestamp', signature.timestamp ? `yes${signature.timestampedAt ? `, ${time(signature.timestampedAt)}` : ''}` : 'no'],
    ['SubFilter', [signature.subFilter, signature.integrity.signatureAlgorithm].filter(Boolean).join(', ')],
    ['Intact', intactText(signature)],
    ['Coverage', coverageText(signature)],
    ['Reason', signature.reason],
    ['Location', signature.location],
    ['Name', signature.name],
  ]
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  const lines = [`${title}${signature.fieldName ? `: field "${signature.fieldName}"` : ''}`]
  for (const [label, value] of rows) if (value !== undefined) lines.push(`  ${`${label}:`.padEnd(width)}${value}`)
  if (signature.chain.length > 0) {
    lines.push(`  Chain (as embedded; ${TRUST_NOTE}):`)
    signature.chain.forEach((certificate, index) => lines.push(`    ${index + 1}. ${chainText(certificate, language)}`))
  }
  for (const [heading, items] of [
    ['Problems', signature.problems],
    ['Notes', signature.notes],
  ] as const) {
    if (items.length > 0) lines.push(`  ${heading}:`, ...items.map((item) => `    - ${item}`))
  }
  return lines
}

function statusText(signature: SignatureReport): string {
  if (signature.status === 'valid') return 'VALID'
  return signature.status === 'invalid' ? 'INVALID' : 'NOT VERIFIED (Teken cannot check this kind)'
}

function kindText(signature: SignatureReport): string {
  switch (signature.kind) {
    case 'approval':
      return 'approval signature'
    case 'document-timestamp':
      return 'document timestamp (RFC 3161)'
    case 'usage-rights':
      return 'usage-rights signature (enables Adobe Reader features)'
    case 'certification': {
      const level = signature.certification?.level ?? 2
      const allowed = { 1: 'no changes allowed', 2: 'form filling and signing allowed', 3: 'form filling, signing and annotations allowed' }[level]
      return `certification signature (DocMDP P=${level}: ${allowed})`
    }
  }
}

function intactText({ integrity }: SignatureReport): string {
  if (integrity.digestMatches && integrity.signatureVerifies) return `yes (${integrity.digestAlgorithm ?? 'digest'} matches, signature verifies)`
  const failures = [integrity.digestMatches ? undefined : 'digest mismatch', integrity.signatureVerifies ? undefined : 'signature does not verify'].filter(Boolean)
  return `no (${failures.join(', ')})`
}

function coverageText({ coverage }: SignatureReport): string {
  const range = `ByteRange [${coverage.byteRange.join(' ')}]`
  if (coverage.coversWholeDocument) return `covers the whole document, ${range}`
  if (coverage.revisionsAfter > 0) return `${coverage.bytesAfter.toLocaleString('en')} bytes appended later in ${plural(coverage.revisionsAfter, 'revision')}, ${range}`
  return `${coverage.bytesAfter.toLocaleString('en')} bytes after the signed range (no new revision), ${range}`
}

function chainText(certificate: CertificateReport, language: Language): string {
  const validity = `valid ${formatWib(new Date(certificate.notBefore), language)} to ${formatWib(new Date(certificate.notAfter), language)}`
  const issuedBy = certificate.issuedByNext === null ? (certificate.selfSigned ? 'self-signed' : `issued by ${certificate.issuer} (not embedded)`) : `signed by the next: ${certificate.issuedByNext ? 'yes' : 'NO'}`
  return `${certificate.subject}; ${validity}; ${issuedBy}`
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`
}
