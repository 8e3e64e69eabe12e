import type { RawData, WebSocket } from 'ws'
import { METHODS, RequestEnvelopeSchema, isMethodName, type PairingApi } from '../../shared/api.ts'
import { PairwiseError, toErrorPayload } from '../../shared/errors.ts'

// One WebSocket client of the control server. Everything it sends is parsed
// with the shared schemas before the service sees it, and every answer is
// checked against the result schema before it leaves — the same rules as the
// Electron IPC handlers.

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
    if (isBinary) return fail(UNKNOWN_REQUEST_ID, new PairwiseError('protocol-error', 'Binary messages are not accepted.'))
    let json: unknown
    try {
      json = JSON.parse(rawText(data))
    } catch {
      return fail(UNKNOWN_REQUEST_ID, new PairwiseError('protocol-error', 'The message is not JSON.'))
    }
    const envelope = RequestEnvelopeSchema.safeParse(json)
    if (!envelope.success) {
      return fail(idOf(json), new PairwiseError('protocol-error', 'The message is not a request: it needs exactly id, method and params.'))
    }
    const { id, method, params } = envelope.data
    if (!isMethodName(method)) return fail(id, new PairwiseError('protocol-error', `There is no method “${method}”.`, { hint: 'Make sure the page and the service are the same version.' }))
    const checked = METHODS[method].params.safeParse(params ?? {})
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')
      return fail(id, new PairwiseError('invalid-argument', `Invalid parameters for ${method}: ${issues}`))
    }
    if (inFlight >= maxInFlight) return fail(id, new PairwiseError('busy', 'Too many requests at once.', { hint: 'Wait for the earlier ones to finish.' }))
    inFlight++
    const call = api[method] as (p: unknown) => Promise<unknown>
    call.call(api, checked.data).then(
      (result) => {
        const valid = METHODS[method].result.safeParse(result)
        if (valid.success) send({ id, ok: true, result: valid.data })
        else fail(id, new PairwiseError('internal', `The service gave an invalid answer to ${method}.`))
      },
      (err: unknown) => fail(id, err)
    ).finally(() => {
      inFlight--
    })
  })
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

function idOf(json: unknown): number {
  const id = typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : UNKNOWN_REQUEST_ID
}
