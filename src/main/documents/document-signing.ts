import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, extname, join } from 'node:path'
import type { Language, SignatureBox, SignatureView, VerificationView } from '../../shared/contract'
import { TekenError } from '../../shared/errors'
import type { AuditLog } from '../audit/audit-log'
import { httpTimestampAuthority, signPdf } from '../pdf/sign'
import { TRUST_NOTE, verifyPdf, type PdfVerification, type SignatureReport } from '../pdf/verify'
import type { Clock } from '../ports/clock'
import type { FileSaver } from '../ports/desktop'
import type { Vault } from '../vault/vault'
import type { OpenDocuments } from './open-documents'
import { signingIdentity } from './signing-identity'

function signatureView(report: SignatureReport): SignatureView {
  return {
    ...(report.fieldName ? { fieldName: report.fieldName } : {}),
    kind: report.kind,
    subFilter: report.subFilter,
    ...(report.signer ? { signer: report.signer.commonName ?? report.signer.subject } : {}),
    ...(report.signedAt ? { signedAt: report.signedAt } : {}),
    ...(report.timestampedAt ? { timestampedAt: report.timestampedAt } : {}),
    ...(report.reason ? { reason: report.reason } : {}),
    ...(report.location ? { location: report.location } : {}),
    status: report.status,
    problems: report.problems,
    coversWholeDocument: report.coverage.coversWholeDocument,
    bytesAfter: report.coverage.bytesAfter,
    revisionsAfter: report.coverage.revisionsAfter,
    ...(report.certification ? { certificationLevel: report.certification.level } : {}),
    chain: report.chain.map((certificate) => certificate.subject),
  }
}

export const verificationView = (verification: PdfVerification): VerificationView => ({
  signatures: verification.signatures.map(signatureView),
  allValid: verification.allValid,
  revisions: verification.revisions,
  trustNote: TRUST_NOTE,
})

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * Signing and verifying the documents the user has open. The engine works on files, so each run
 * uses a private temporary folder (mode 0700) that is removed afterwards, whatever happens.
 */
export function createDocumentSigning(options: { documents: OpenDocuments; vault: Vault; fileSaver: FileSaver; audit: AuditLog; clock: Clock; language: () => Promise<Language> }) {
  async function withWorkFolder<T>(work: (folder: string) => Promise<T>): Promise<T> {
    const folder = await mkdtemp(join(tmpdir(), 'teken-'))
    try {
      return await work(folder)
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  }

  return {
    verify(docId: string): Promise<VerificationView> {
      const { bytes } = options.documents.get(docId)
      return withWorkFolder(async (folder) => {
        const path = join(folder, 'document.pdf')
        await writeFile(path, bytes, { mode: 0o600 })
        return verificationView(await verifyPdf(path))
      })
    },

    /** One incremental signature per box, in order; the result is verified before it is offered for saving. */
    sign(request: { docId: string; identityRef: string; boxes: SignatureBox[]; speciment?: Uint8Array; timestampUrl?: string }): Promise<{ saved: boolean; path?: string; verification: VerificationView }> {
      const { fileName, bytes } = options.documents.get(request.docId)
      return withWorkFolder(async (folder) => {
        const identity = await signingIdentity(options.vault, request.identityRef)
        const language = await options.language()
        const timestampAuthority = request.timestampUrl ? httpTimestampAuthority(request.timestampUrl) : undefined
        let current = join(folder, 'input.pdf')
        await writeFile(current, bytes, { mode: 0o600 })
        for (const [index, box] of request.boxes.entries()) {
          const next = join(folder, `signed-${index + 1}.pdf`)
          await signPdf({
            inputPath: current,
            outputPath: next,
            identity,
            placement: {
              page: box.pageNumber,
              rect: box.rect,
              visible: box.visible,
              reason: box.reason || undefined,
              location: box.location || undefined,
              certificationLevel: box.certificationLevel,
              language,
              ...(request.speciment ? { speciment: request.speciment } : {}),
            },
            clock: options.clock,
            ...(timestampAuthority ? { timestampAuthority } : {}),
          })
          current = next
        }
        const verification = verificationView(await verifyPdf(current))
        if (!verification.allValid) throw new TekenError('INTERNAL', 'The signed document did not verify; it was not saved.')
        const signed = await readFile(current)
        const suggestedName = `${basename(fileName, extname(fileName))}-signed.pdf`
        const path = await options.fileSaver.save({ title: 'Save signed PDF', suggestedName, bytes: signed })
        await options.audit.append({
          action: 'pdf.signed',
          subject: fileName,
          details: { identity: identity.name, signatures: String(request.boxes.length), sha256Before: sha256(bytes), sha256After: sha256(signed), ...(path ? { savedAs: path } : { saved: 'no (cancelled)' }) },
        })
        return { saved: path !== null, ...(path ? { path } : {}), verification }
      })
    },
  }
}
