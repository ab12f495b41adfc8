import { InvalidArgumentError, Option, type Command } from 'commander'
import { REQUEST_METHODS, type RequestMethod } from '../shared/contract'
import { TekenError } from '../shared/errors'
import type { SignatureBoxPlacement } from '../main/pdf/sign'
import type { PdfRect } from '../shared/pdf-types'

/** Option parsers shared by the commands that take a page and a signature box. */
export const pageOption = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('use a page number from 1')
  return Number(value)
}

export const rectOption = (value: string): PdfRect => {
  const numbers = value.split(',').map((part) => Number(part.trim()))
  if (numbers.length !== 4 || numbers.some((number) => !Number.isFinite(number))) throw new InvalidArgumentError('use LLX,LLY,URX,URY in PDF points, e.g. 360,40,560,110')
  return numbers as unknown as PdfRect
}

export const portOption = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('use a port number from 0 to 65535')
  return Number(value)
}

/** An HTTP method a partner request may use, in any case on the command line. */
export const methodOption = (value: string): RequestMethod => {
  const method = value.toUpperCase() as RequestMethod
  if (!REQUEST_METHODS.includes(method)) throw new InvalidArgumentError(`use one of ${REQUEST_METHODS.join(', ')}`)
  return method
}

/** Repeatable options (`--order 1 --order 2`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

export const formatRect = (rect: PdfRect): string => `[${rect.map((value) => Number(value.toFixed(3))).join(' ')}]`

/** Resolves on the first SIGINT or SIGTERM: long-running commands stop cleanly on Ctrl-C or `kill`. */
export function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(signal)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

export interface PlacementOptions {
  page: number
  rect?: PdfRect
  reason?: string
  location?: string
  certify: 'none' | 'no-changes'
  invisible?: boolean
}

/** `--page --rect --reason --location --certify --invisible`: one signature box, as `pdf sign` and `peruri sign` take it. */
export function addPlacementOptions(command: Command): Command {
  return command
    .requiredOption('--page <n>', 'page number, from 1', pageOption)
    .option('--rect <llx,lly,urx,ury>', 'signature box in the PDF user space of that page (origin bottom-left, unrotated, as pdf info shows the boxes)', rectOption)
    .option('--reason <text>', 'reason for signing')
    .option('--location <text>', 'where the signing happens')
    .addOption(new Option('--certify <level>', 'certify: no-changes forbids any later change or signature').choices(['none', 'no-changes']).default('none'))
    .option('--invisible', 'a signature with no box on the page')
}

export function placementFromOptions(options: PlacementOptions): SignatureBoxPlacement {
  if (!options.rect && !options.invisible) throw new TekenError('INVALID_REQUEST', 'Give the signature box with --rect LLX,LLY,URX,URY, or sign with --invisible.')
  return {
    page: options.page,
    rect: options.rect ?? [0, 0, 0, 0],
    visible: !options.invisible,
    certificationLevel: options.certify === 'no-changes' ? 'NO_CHANGES_ALLOWED' : 'NOT_CERTIFIED',
    ...(options.reason ? { reason: options.reason } : {}),
    ...(options.location ? { location: options.location } : {}),
  }
}
