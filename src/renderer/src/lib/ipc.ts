import type { IpcError, IpcResult } from '../../../shared/errors'

export type ReportError = (error: IpcError) => void

/** The value of a main-process call, or undefined after the error was reported: stores handle only success. */
export async function valueOrReport<T>(call: Promise<IpcResult<T>>, report: ReportError): Promise<T | undefined> {
  const result = await call
  if (result.ok) return result.value
  report(result.error)
  return undefined
}
