import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander'
import { createBatch, startBatchRun, type BatchEvent } from '../../main/batch/batch-runner'
import { signingIdentity } from '../../main/documents/signing-identity'
import { currentOsUser } from '../../main/platform/os-user'
import { BATCH_MODES, openJournal, type BatchMode, type DocumentRecord, type Journal } from '../../main/batch/journal'
import { countStates, problemDocuments } from '../../main/batch/report'
import { resolveReview } from '../../main/batch/review'
import { formatDuration } from '../../shared/time'
import { writeFileAtomic } from '../../main/platform/atomic-file'
import { systemClock } from '../../main/ports/clock'
import { SANDBOX_ENVIRONMENT } from '../../main/providers/peruri/environments'
import { TekenError } from '../../shared/errors'
import { parseTemplateText } from '../../shared/placement/template'
import type { CliContext } from '../context'
import { readInput } from '../files'
import { otpSource } from '../otp-source'

const concurrencyOption = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) throw new InvalidArgumentError('use a number from 1 to 64')
  return Number(value)
}

/** Opens a journal for one command and closes it however the command ends. */
async function withJournal<T>(path: string, use: (journal: Journal) => Promise<T>, create = false): Promise<T> {
  const journal = openJournal(path, { create, osUser: currentOsUser(), now: () => systemClock.now() })
  try {
    return await use(journal)
  } finally {
    journal.close()
  }
}

/** `batch run|resume|status` over a journal file, and `audit verify|export` of its audit trail. */
export function registerBatchCommands(program: Command, context: CliContext): void {
  const batch = program.command('batch').description('bulk signing with a crash-safe journal: every document signed exactly once, resumable after any interruption')

  batch
    .command('run')
    .description('sign every PDF of a folder with a placement template; progress on stderr, results on stdout; exit 1 unless every document is signed and verified')
    .addOption(new Option('--mode <mode>', 'how to sign').choices(BATCH_MODES).makeOptionMandatory())
    .requiredOption('--input <dir>', 'folder of PDFs (never modified)')
    .requiredOption('--output <dir>', 'where <name>.signed.pdf and the batch report go')
    .requiredOption('--template <path>', 'placement template file, as the app saves it')
    .requiredOption('--journal <path>', 'the batch journal (SQLite) to create; batch resume and status read it')
    .option('--env <name>', 'Peruri environment', SANDBOX_ENVIRONMENT)
    .option('--email <email>', "the signer's email at Peruri (default: the environment's)")
    .option('--identity <name>', 'local mode: vault name of the PKCS#12 identity')
    .option('--otp-command <cmd>', 'run CMD and read the OTP from its stdout (otherwise a prompt asks)')
    .option('--concurrency <n>', 'provider calls (local: documents) at once', concurrencyOption)
    .action(async (options: { mode: BatchMode; input: string; output: string; template: string; journal: string; env: string; email?: string; identity?: string; otpCommand?: string; concurrency?: number }) => {
      const template = parseTemplateText((await readInput(options.template)).toString('utf8'))
      let signer: string
      if (options.mode === 'local') {
        if (!options.identity) throw new TekenError('INVALID_REQUEST', 'Local mode signs with a PKCS#12 identity from the vault: give it with --identity NAME.')
        signer = options.identity
      } else {
        const email = options.email ?? (await context.core().services.peruri.defaultEmail(options.env))
        if (!email) throw new TekenError('INVALID_REQUEST', `Say who signs with --email (environment "${options.env}" has no default signer).`)
        signer = email
      }
      await mkdir(dirname(options.journal), { recursive: true })
      await withJournal(options.journal, async (journal) => {
        const created = await createBatch(
          journal,
          {
            mode: options.mode,
            ...(options.mode === 'local' ? {} : { env: options.env }),
            signer,
            inputDir: options.input,
            outputDir: options.output,
            template,
            ...(options.concurrency ? { settings: { concurrency: options.concurrency } } : {}),
          },
          systemClock,
        )
        process.stderr.write(`batch ${created.id}: ${journal.documents(created.id).length} documents, ${created.mode}, journal ${options.journal}\n`)
        await runAndReport(context, journal, created.id, options.otpCommand)
      }, true)
    })

  batch
    .command('resume')
    .description("continue the journal's latest batch: documents in flight are checked with Peruri before anything is sent again; failed ones are retried")
    .requiredOption('--journal <path>', 'the batch journal')
    .option('--otp-command <cmd>', 'run CMD and read the OTP from its stdout (otherwise a prompt asks)')
    .action(async (options: { journal: string; otpCommand?: string }) => {
      await withJournal(options.journal, async (journal) => {
        const latest = journal.latestBatch()
        process.stderr.write(`batch ${latest.id}: resuming (${latest.mode}, was ${latest.status})\n`)
        await runAndReport(context, journal, latest.id, options.otpCommand)
      })
    })

  batch
    .command('status')
    .description("one line per document of the journal's latest batch (file, state, order, attempts, reason), then the totals; exit 1 if any failed or needs review")
    .requiredOption('--journal <path>', 'the batch journal')
    .action(async (options: { journal: string }) => {
      await withJournal(options.journal, async (journal) => {
        const latest = journal.latestBatch()
        const documents = journal.documents(latest.id)
        for (const document of documents) context.out(statusLine(document))
        context.out(`batch ${latest.id} (${latest.mode}, ${latest.status}): ${totals(documents)}`)
        if (problemDocuments(documents).length) throw new CommanderError(1, 'teken.batch.problems', 'some documents failed or need review')
      })
    })

  batch
    .command('resolve')
    .description("settle a needs-review document of the journal's latest batch once you have looked at Peruri; batch resume then carries on")
    .requiredOption('--journal <path>', 'the batch journal')
    .requiredOption('--file <name>', 'the input file name, as batch status prints it')
    .option('--send-again', 'Peruri has no order for it: send it again')
    .option('--signed-order <id>', 'the signed order found at Peruri: download and verify that one')
    .action(async (options: { journal: string; file: string; sendAgain?: boolean; signedOrder?: string }) => {
      if (Boolean(options.sendAgain) === Boolean(options.signedOrder)) throw new TekenError('INVALID_REQUEST', 'Say what became of it: --send-again, or --signed-order ID.')
      await withJournal(options.journal, async (journal) => {
        const latest = journal.latestBatch()
        const document = journal.documents(latest.id).find((candidate) => candidate.fileName === options.file)
        if (!document) throw new TekenError('BATCH_NOT_FOUND', `Batch ${latest.id} has no document named ${options.file}.`)
        const resolution = options.signedOrder ? { kind: 'signed-order' as const, orderId: options.signedOrder } : { kind: 'send-again' as const }
        await resolveReview(journal, latest, document.id, resolution, (env) => context.core().services.peruri.client(env))
        context.out(statusLine(journal.documents(latest.id).find((candidate) => candidate.id === document.id)!))
      })
    })

  const audit = program.command('audit').description("a batch journal's audit trail: append-only and hash-chained")
  audit
    .command('verify')
    .description('walk the hash chain; exit 1 and name the first broken row if any row was edited or deleted')
    .requiredOption('--journal <path>', 'the batch journal')
    .action(async (options: { journal: string }) => {
      await withJournal(options.journal, async (journal) => {
        const verification = journal.verifyAudit()
        if (!verification.ok) {
          process.stderr.write(`teken: the audit trail of ${options.journal} is broken at row ${verification.brokenAt}: ${verification.reason}\n`)
          throw new CommanderError(1, 'teken.audit.broken', verification.reason)
        }
        context.out(`audit trail intact: ${verification.entries} rows, head ${verification.head}`)
      })
    })
  audit
    .command('export')
    .description('write the audit trail as CSV (who, what, when in UTC and WIB, order ids, result, hashes)')
    .requiredOption('--journal <path>', 'the batch journal')
    .requiredOption('--out <path>', 'the CSV file to write')
    .action(async (options: { journal: string; out: string }) => {
      await withJournal(options.journal, async (journal) => {
        await writeFileAtomic(options.out, journal.auditCsv())
        context.out(`exported ${journal.auditRows().length} audit rows to ${options.out}`)
      })
    })
}

/** Runs the batch with the CLI's ports; Ctrl-C / SIGTERM stop it cleanly (calls in flight are recorded). */
async function runAndReport(context: CliContext, journal: Journal, batchId: string, otpCommand: string | undefined): Promise<void> {
  const { services } = context.core()
  const otp = otpSource(otpCommand)
  const printer = progressPrinter()
  const run = startBatchRun(journal, batchId, {
    clock: systemClock,
    peruriClient: (env) => services.peruri.client(env),
    localIdentity: (name) => signingIdentity(services.vault, name),
    otp: (request) => otp({ orderId: request.orderId, email: request.email, ...(request.phone ? { phone: request.phone } : {}) }),
    onEvent: printer,
    language: (await services.settings.get()).language,
  })
  const stop = () => run.cancel()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    const summary = await run.done
    context.out(`batch ${summary.batch.id} ${summary.batch.status} in ${formatDuration(summary.runMs)}: ${totals(summary.documents)}`)
    for (const document of problemDocuments(summary.documents)) context.out(`  ${statusLine(document)}`)
    context.out(`report: ${summary.report.csv}`)
    context.out(`report: ${summary.report.pdf}`)
    if (!summary.complete) {
      const message = 'not every document is signed and verified: batch resume retries failed ones; those that need review need a person'
      process.stderr.write(`teken: ${message}\n`)
      throw new CommanderError(1, 'teken.batch.incomplete', message)
    }
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

function progressPrinter(): (event: BatchEvent) => void {
  let position = ''
  return (event) => {
    if (event.type === 'progress') position = `[${event.settled}/${event.total}${event.etaMs !== undefined ? `, ETA ${formatDuration(event.etaMs)}` : ''}]`
    else if (event.type === 'step') process.stderr.write(`${event.message}\n`)
    else if (['verified', 'failed', 'needs-review'].includes(event.document.state)) process.stderr.write(`${position} ${statusLine(event.document)}\n`)
  }
}

function statusLine(document: DocumentRecord): string {
  return [document.fileName, document.state, document.orderId ? `order ${document.orderId}` : '', document.attempts ? `attempts ${document.attempts}` : '', document.failure ?? ''].filter(Boolean).join('\t')
}

function totals(documents: readonly DocumentRecord[]): string {
  const counts = countStates(documents)
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`)
  return `${documents.length} documents: ${parts.join(', ')}`
}
