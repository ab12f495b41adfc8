import { z } from 'zod'
import { ipcContract, isMethodName, type MethodName, type RequestOf, type ResponseOf } from '../../shared/contract'
import { TekenError, type IpcResult } from '../../shared/errors'
import type { Logger } from '../ports/logger'

export type Handler<M extends MethodName> = (request: RequestOf<M>) => Promise<ResponseOf<M>>
/** One handler per contract method: the compiler rejects a missing or extra one. */
export type Handlers = { [M in MethodName]: Handler<M> }

export interface Router {
  /** Validates `rawRequest` against the method's schema, runs its handler, maps failures to typed errors. */
  dispatch(method: string, rawRequest: unknown): Promise<IpcResult<unknown>>
}

/**
 * The single entry from any renderer transport into main's services: Electron IPC and the web
 * harness's WebSocket both call `dispatch`, so validation and error mapping cannot drift apart.
 */
export function createRouter(handlers: Handlers, log: Logger): Router {
  return {
    async dispatch(method, rawRequest) {
      if (!isMethodName(method)) return { ok: false, error: { code: 'INVALID_REQUEST', message: `Unknown method ${JSON.stringify(method)}.` } }
      const spec = ipcContract[method]
      const request = spec.request.safeParse(rawRequest)
      if (!request.success) {
        return { ok: false, error: { code: 'INVALID_REQUEST', message: `Invalid request for ${method}: ${z.prettifyError(request.error)}` } }
      }
      try {
        const handler = handlers[method] as (request: unknown) => Promise<unknown>
        // The contract's response schemas are strict: an answer with a field the contract does not
        // name is refused (INTERNAL), so a handler returning a richer domain object cannot leak it.
        return { ok: true, value: spec.response.parse(await handler(request.data)) }
      } catch (error) {
        if (error instanceof TekenError) return { ok: false, error: error.toIpcError() }
        log.error(`${method} failed`, error)
        return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Teken; the details are in the log.' } }
      }
    },
  }
}
