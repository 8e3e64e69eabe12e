import type { RawData, WebSocket } from 'ws'
import { RequestIdSchema, type PairingApi } from '../../shared/api.ts'
import { PairwiseError, toErrorPayload } from '../../shared/errors.ts'
import { malformedRequest } from '../../shared/rpc/call-errors.ts'
import { dispatch } from '../rpc/dispatch.ts'

// One WebSocket client of the control server. This file only frames: text
// JSON in, the request id taken off, in-flight and buffer caps. What the call
// means — envelope, method, params, result, errors — is the shared dispatch
// (main/rpc/dispatch.ts), the same one the Electron IPC handler uses.

/** The id used when a message is too broken to tell which request it was. */
export const UNKNOWN_REQUEST_ID = -1
/** A client that does not read its messages is dropped before it costs us memory. */
const MAX_BUFFERED_BYTES = 1 << 20

export function attachApiConnection(socket: WebSocket, api: PairingApi, maxInFlight: number): void {
  let inFlight = 0

  const send = (message: unknown): void => {
    if (socket.readyState !== socket.OPEN) return
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return socket.terminate()
    socket.send(JSON.stringify(message))
  }
  const fail = (id: number, err: unknown): void => send({ id, ok: false, error: toErrorPayload(err) })

  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary)
      return fail(UNKNOWN_REQUEST_ID, new PairwiseError('protocol-error', 'Binary messages are not accepted.'))
    let json: unknown
    try {
      json = JSON.parse(rawText(data))
    } catch {
      return fail(UNKNOWN_REQUEST_ID, malformedRequest())
    }
    const id = idOf(json)
    if (id === undefined) return fail(UNKNOWN_REQUEST_ID, malformedRequest())
    if (inFlight >= maxInFlight) {
      const hint = 'Wait for the earlier ones to finish.'
      return fail(id, new PairwiseError('busy', 'Too many requests at once.', { hint }))
    }
    // The id is the WebSocket's; the rest must be exactly `{ method, params }`, which dispatch checks.
    const { id: _id, ...call } = json as Record<string, unknown>
    inFlight++
    void dispatch(api, call)
      .then((response) => send({ id, ...response }))
      .finally(() => {
        inFlight--
      })
  })
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

/** The request id, when the message is an object that carries a valid one. */
function idOf(json: unknown): number | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined
  const id = RequestIdSchema.safeParse((json as { id?: unknown }).id)
  return id.success ? id.data : undefined
}
