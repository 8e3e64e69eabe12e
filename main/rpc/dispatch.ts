import { CallRequestSchema, METHODS, isMethodName, type PairingApi } from '../../shared/api.ts'
import { PairwiseError, toErrorPayload, type ErrorPayload } from '../../shared/errors.ts'
import { brokenResult, invalidParams, malformedRequest, unknownMethod } from '../../shared/rpc/call-errors.ts'

// The one place where a call from outside becomes a PairingApi call: the
// Electron IPC handler, the daemon's WebSocket server and the CLI's in-process
// client all come through here, so every transport checks the same things and
// answers every failure kind with the same error (shared/rpc/call-errors.ts).
//
// Why main/rpc/: only the main process serves calls (the renderer and the CLI's
// daemon client only make them, see shared/rpc/ws-client.ts), and both
// main/electron and main/headless may import a sibling of theirs. It depends on
// shared/ alone and takes any PairingApi, never the engine's PairingService, so
// the engine still imports no front end and this file imports no engine.

export type CallResponse = { ok: true; result: unknown } | { ok: false; error: ErrorPayload }

/** Told about failures a developer should see (the caller only gets a generic `internal`). */
export type ReportUnexpected = (method: string, what: string, detail: unknown) => void

export interface DispatchOptions {
  /** Default: console.error. The CLI's in-process client keeps the error instead (see in-process.ts). */
  report?: ReportUnexpected
}

export const consoleReport: ReportUnexpected = (method, what, detail) => {
  console.error(`Pairwise: ${method} ${what}`, detail)
}

function failure(error: PairwiseError): CallResponse {
  return { ok: false, error: error.toPayload() }
}

/**
 * Checks `request` as `{ method, params }`, the method against the contract and the params against
 * its schema; calls `api`; checks the result against the result schema (stripping what it does not
 * name). Never throws and never rejects: every failure is an ErrorPayload with no stack or internals.
 */
export async function dispatch(
  api: PairingApi,
  request: unknown,
  options: DispatchOptions = {}
): Promise<CallResponse> {
  const report = options.report ?? consoleReport
  const envelope = CallRequestSchema.safeParse(request)
  if (!envelope.success) return failure(malformedRequest())
  const { method, params } = envelope.data
  if (!isMethodName(method)) return failure(unknownMethod(method))
  const parsed = METHODS[method].params.safeParse(params)
  if (!parsed.success) return failure(invalidParams(method, parsed.error.issues))

  let result: unknown
  try {
    const call = api[method] as (params: unknown) => Promise<unknown>
    result = await call.call(api, parsed.data)
  } catch (err) {
    if (!(err instanceof PairwiseError)) report(method, 'failed', err)
    return { ok: false, error: toErrorPayload(err) }
  }
  const checked = METHODS[method].result.safeParse(result)
  if (!checked.success) {
    report(method, 'returned a result that breaks the contract', checked.error.issues)
    return failure(brokenResult(method))
  }
  return { ok: true, result: checked.data }
}
