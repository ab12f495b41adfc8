import { z } from 'zod'
import { channelName, ipcContract, methodNames, type MethodName, type RequestOf, type ResponseOf } from './contract'
import { ipcResultSchema, type IpcResult } from './errors'

// The renderer's CSP forbids eval; zod's JIT probes `new Function` and that probe alone logs a CSP
// violation. This module only runs renderer-side (preload and web bridge), so turn the JIT off here.
z.config({ jitless: true })

/** Carries one validated request to main and resolves with main's raw answer. */
export type Transport = (channel: string, request: unknown) => Promise<unknown>

type ApiMethod<M extends MethodName> = RequestOf<M> extends undefined
  ? () => Promise<IpcResult<ResponseOf<M>>>
  : (request: RequestOf<M>) => Promise<IpcResult<ResponseOf<M>>>

/** `window.teken`: one named method per contract entry, and nothing else. */
export type TekenApi = { readonly [M in MethodName]: ApiMethod<M> }

async function call(method: MethodName, transport: Transport, request: unknown): Promise<IpcResult<unknown>> {
  const spec = ipcContract[method]
  const parsedRequest = spec.request.safeParse(request)
  if (!parsedRequest.success) {
    return { ok: false, error: { code: 'INVALID_REQUEST', message: `Invalid request for ${method}: ${z.prettifyError(parsedRequest.error)}` } }
  }
  let raw: unknown
  try {
    raw = await transport(channelName(method), parsedRequest.data)
  } catch (error) {
    return { ok: false, error: { code: 'TRANSPORT_FAILED', message: `Could not reach the main process: ${(error as Error).message}` } }
  }
  const parsedResult = ipcResultSchema(spec.response).safeParse(raw)
  if (!parsedResult.success) {
    return { ok: false, error: { code: 'INVALID_RESPONSE', message: `Main answered ${method} with an unexpected shape.` } }
  }
  return parsedResult.data as IpcResult<unknown>
}

/** Builds the renderer-facing API from the contract; the preload and the web harness bridge share it. */
export function createTekenApi(transport: Transport): TekenApi {
  const api: Record<string, (request?: unknown) => Promise<IpcResult<unknown>>> = {}
  for (const method of methodNames) api[method] = (request?: unknown) => call(method, transport, request)
  return Object.freeze(api) as unknown as TekenApi
}
