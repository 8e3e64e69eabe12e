import { EVENTS, METHODS, ServerMessageSchema, isEventName } from '../api.ts'
import type { EventName, EventPayload, MethodName, MethodParams, MethodResult, PairingApi } from '../api.ts'
import { PairwiseError } from '../errors.ts'
import { Emitter } from '../emitter.ts'
import { nextDelay } from './backoff.ts'
import { invalidParams } from './call-errors.ts'
import { whyRefused } from './refusal.ts'

// The WebSocket transport of `PairingApi`. It runs in the browser and in Node 22 (global
// WebSocket), so the e2e tests drive the daemon through exactly what the UI uses. It lives in
// shared/ because both the renderer and the CLI (main/headless/backend.ts) use it, and main/
// must not import renderer/.

/** 'refused': the service came back but no longer accepts the token (it was restarted); retrying cannot help. */
export type ConnectionState = 'connected' | 'reconnecting' | 'closed' | 'refused'

export interface WebSocketApiOptions {
  /** Told whenever the socket drops or comes back; the UI shows a banner and reloads its state. */
  onConnectionChange?: (state: ConnectionState) => void
  /** A join searches every discovery path and may take a while, so the default is generous. */
  requestTimeoutMs?: number
}

export type WebSocketApi = PairingApi & { close(): void }

const DEFAULT_TIMEOUT_MS = 120_000

interface Pending {
  method: MethodName
  resolve: (value: unknown) => void
  reject: (err: Error) => void
  timer: ReturnType<typeof setTimeout>
}

type Events = { [E in EventName]: EventPayload<E> }

function connectionLost(): PairwiseError {
  return new PairwiseError('internal', 'The connection to the Pairwise service was lost.', {
    hint: 'Wait until it reconnects, then try again.'
  })
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    const onOpen = (): void => {
      socket.removeEventListener('error', onError)
      resolve(socket)
    }
    const onError = (): void => {
      socket.removeEventListener('open', onOpen)
      void whyRefused(url).then(reject)
    }
    socket.addEventListener('open', onOpen, { once: true })
    socket.addEventListener('error', onError, { once: true })
  })
}

/** Resolves once the first connection is open; later drops are retried with backoff until close(). */
export async function connectWebSocketApi(url: string, options: WebSocketApiOptions = {}): Promise<WebSocketApi> {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS
  const emitter = new Emitter<Events>()
  const pending = new Map<number, Pending>()
  let nextId = 1
  let closed = false
  let socket = await openSocket(url)
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined

  const settleAll = (err: Error): void => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer)
      pending.delete(id)
      p.reject(err)
    }
  }

  const onMessage = (event: MessageEvent): void => {
    if (typeof event.data !== 'string') return console.warn('Pairwise: ignored a binary message from the service')
    let json: unknown
    try {
      json = JSON.parse(event.data)
    } catch {
      return console.warn('Pairwise: ignored a message that is not JSON')
    }
    const parsed = ServerMessageSchema.safeParse(json)
    if (!parsed.success) return console.warn('Pairwise: ignored a malformed message', parsed.error.issues)
    const msg = parsed.data
    if ('event' in msg) {
      if (!isEventName(msg.event)) return console.warn(`Pairwise: ignored unknown event "${msg.event}"`)
      const payload = EVENTS[msg.event].safeParse(msg.payload)
      if (!payload.success) return console.warn(`Pairwise: ignored invalid "${msg.event}" event`, payload.error.issues)
      emitter.emit(msg.event, payload.data as never)
      return
    }
    const p = pending.get(msg.id)
    if (p === undefined) return console.warn(`Pairwise: ignored a response to unknown request ${msg.id}`)
    pending.delete(msg.id)
    clearTimeout(p.timer)
    if (!msg.ok) {
      const { code, message, hint, details } = msg.error
      p.reject(new PairwiseError(code, message, { hint, details }))
      return
    }
    const result = METHODS[p.method].result.safeParse(msg.result)
    if (result.success) return p.resolve(result.data)
    console.warn(`Pairwise: invalid result for ${p.method}`, result.error.issues)
    p.reject(
      new PairwiseError('protocol-error', 'The Pairwise service sent an answer this app cannot read.', {
        hint: 'Make sure the app and the service are the same version.'
      })
    )
  }

  const attach = (ws: WebSocket): void => {
    ws.addEventListener('message', onMessage)
    ws.addEventListener('close', () => {
      if (ws !== socket) return
      settleAll(connectionLost())
      if (closed) return
      options.onConnectionChange?.('reconnecting')
      scheduleReconnect(0)
    })
  }

  const scheduleReconnect = (attempt: number): void => {
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined
      openSocket(url).then(
        (ws) => {
          if (closed) return ws.close()
          socket = ws
          attach(ws)
          options.onConnectionChange?.('connected')
        },
        (err: unknown) => {
          if (closed) return
          if (err instanceof PairwiseError && err.code === 'token-refused') {
            closed = true
            options.onConnectionChange?.('refused')
            return
          }
          scheduleReconnect(attempt + 1)
        }
      )
    }, nextDelay(attempt))
  }

  attach(socket)

  const call = <M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> => {
    const checked = METHODS[method].params.safeParse(params ?? {})
    if (!checked.success) {
      return Promise.reject(invalidParams(method, checked.error.issues))
    }
    if (closed || socket.readyState !== WebSocket.OPEN) return Promise.reject(connectionLost())
    const id = nextId++
    return new Promise<MethodResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(
          new PairwiseError('timed-out', 'The Pairwise service did not answer in time.', {
            hint: 'Try again; if it keeps happening, restart Pairwise.'
          })
        )
      }, timeoutMs)
      pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject, timer })
      socket.send(JSON.stringify({ id, method, params: checked.data }))
    })
  }

  const methods = Object.fromEntries(
    (Object.keys(METHODS) as MethodName[]).map((name) => [name, (params: never) => call(name, params)])
  ) as { [M in MethodName]: PairingApi[M] }

  return {
    ...methods,
    on: (event, listener) => emitter.on(event, listener as never),
    close: () => {
      if (closed) return
      closed = true
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer)
      settleAll(connectionLost())
      options.onConnectionChange?.('closed')
      socket.close()
    }
  }
}
