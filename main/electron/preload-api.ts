import type { EventName, EventPayload, MethodName, PairingApi } from '../../shared/api.ts'
import { METHOD_NAMES, isListedEvent } from './channels.ts'

// The object the preload exposes as `window.pairwise`. Kept apart from
// preload.ts (which only wires it to ipcRenderer and contextBridge) so that
// plain Node tests can drive it against the real main-side handler.
//
// No zod here: main validates every call and every event before they reach
// the page, so this side only checks the envelope's shape.

/** Sends `{ method, params }` on the call channel and resolves with main's envelope. */
export type Invoke = (request: { method: MethodName; params: unknown }) => Promise<unknown>
/** Delivers each message main sends on the event channel — the message only, never the IpcRendererEvent. */
export type Subscribe = (onMessage: (message: unknown) => void) => void

/**
 * What a failed call rejects with. contextBridge rebuilds a thrown Error in the
 * page as `new Error(message)` and drops every other property, so the error
 * crosses as a plain object; renderer/common/shown-error.ts reads exactly these
 * fields.
 */
export interface BridgeError {
  name: 'PairwiseError'
  code: string
  message: string
  hint?: string
  details?: Record<string, unknown>
}

type Listener = (payload: unknown) => void

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function bridgeError(error: { code: string; message: string; hint?: unknown; details?: unknown }): BridgeError {
  const out: BridgeError = { name: 'PairwiseError', code: error.code, message: error.message }
  if (typeof error.hint === 'string') out.hint = error.hint
  if (isRecord(error.details)) out.details = error.details
  return out
}

const unreadable = (): BridgeError =>
  bridgeError({
    code: 'protocol-error',
    message: 'The Pairwise app sent an answer this window cannot read.',
    hint: 'Restart Pairwise.'
  })

const notAnswering = (): BridgeError =>
  bridgeError({
    code: 'internal',
    message: 'The Pairwise app is not answering.',
    hint: 'Restart Pairwise.'
  })

function settle(response: unknown): unknown {
  if (isRecord(response)) {
    if (response.ok === true && Object.hasOwn(response, 'result')) return response.result
    const error = response.error
    if (
      response.ok === false &&
      isRecord(error) &&
      typeof error.code === 'string' &&
      typeof error.message === 'string'
    ) {
      throw bridgeError({ code: error.code, message: error.message, hint: error.hint, details: error.details })
    }
  }
  throw unreadable()
}

export function createBridgeApi(invoke: Invoke, subscribe: Subscribe): PairingApi {
  const listeners = new Map<EventName, Set<Listener>>()

  subscribe((message) => {
    if (!isRecord(message) || !isListedEvent(message.event)) return
    for (const listener of [...(listeners.get(message.event) ?? [])]) {
      try {
        listener(message.payload)
      } catch (err) {
        // One broken listener in the page must not starve the others.
        console.error(`Pairwise: a "${message.event}" listener failed`, err)
      }
    }
  })

  const call = async (method: MethodName, params: unknown): Promise<unknown> => {
    let response: unknown
    try {
      response = await invoke({ method, params: params ?? {} })
    } catch {
      throw notAnswering()
    }
    return settle(response)
  }

  const methods = Object.fromEntries(METHOD_NAMES.map((method) => [method, (params: unknown) => call(method, params)]))

  const on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): (() => void) => {
    if (!isListedEvent(event)) throw new TypeError(`Pairwise has no event named "${String(event)}".`)
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.')
    let set = listeners.get(event)
    if (set === undefined) {
      set = new Set()
      listeners.set(event, set)
    }
    // A wrapper per subscription, so subscribing one function twice gives two independent unsubscribes.
    const entry: Listener = (payload) => listener(payload as EventPayload<E>)
    set.add(entry)
    return () => {
      set.delete(entry)
    }
  }

  return { ...methods, on } as PairingApi
}
