import { METHODS, type MethodName, type PairingApi } from '../../shared/api.ts'
import { PairwiseError } from '../../shared/errors.ts'
import { dispatch } from './dispatch.ts'
import { onChecked } from './events.ts'

// The third transport: a PairingApi for code in the same process (the CLI
// when no daemon runs). It goes through the same dispatch as IPC and the
// WebSocket, so a command gets the same checks and the same errors whether
// it talks to a daemon or to a service of its own.

/** Wraps `api` so that every call and event passes the contract's checks. */
export function createInProcessApi(api: PairingApi): PairingApi {
  const call = async (method: MethodName, params: unknown): Promise<unknown> => {
    // An unexpected error becomes a generic `internal` like on every transport, but it stays
    // attached as `cause`, so PAIRWISE_DEBUG=1 (main/headless/output.ts) can still print it.
    let unexpected: unknown
    const keep = (_method: string, _what: string, detail: unknown): void => {
      unexpected = detail
    }
    const response = await dispatch(api, { method, params }, { report: keep })
    if (response.ok) return response.result
    const { code, message, hint, details } = response.error
    const cause = unexpected === undefined ? {} : { cause: unexpected }
    throw new PairwiseError(code, message, { hint, details, ...cause })
  }
  const methods = Object.fromEntries(
    (Object.keys(METHODS) as MethodName[]).map((method) => [method, (params: unknown) => call(method, params)])
  ) as { [M in MethodName]: PairingApi[M] }

  return {
    ...methods,
    on: (event, listener) => onChecked(api, event, listener)
  }
}
