import { z } from 'zod'
import { EVENTS, METHODS, isMethodName, type EventName } from '../../shared/api.ts'
import { PairwiseError, toErrorPayload, type ErrorPayload } from '../../shared/errors.ts'
import type { PairingService } from '../engine/service/types.ts'
import { isAppUrl } from './app-origin.ts'
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.ts'

// All of main's IPC, in one place. The renderer is treated like a remote
// client: each call is checked for where it came from, parsed with the shared
// schemas, and answered with a plain result or error payload — never a thrown
// error, so no stack trace or internal message crosses into the page.

/** The parts of Electron's types used here; Electron's own objects fit them, and so do tests' fakes. */
export interface SenderFrame {
  readonly url: string
  readonly parent: SenderFrame | null
}

export interface CallEvent {
  /** Null once the frame has navigated away or been destroyed. */
  readonly senderFrame: SenderFrame | null
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: CallEvent, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

export interface EventSink {
  isDestroyed(): boolean
  readonly mainFrame: { readonly url: string }
  send(channel: string, ...args: unknown[]): void
}

export type CallResponse = { ok: true; result: unknown } | { ok: false; error: ErrorPayload }

export interface IpcOptions {
  ipcMain: IpcMainLike
  service: PairingService
  /** The window that receives events; null while there is none. */
  eventSink: () => EventSink | null
}

const CallRequestSchema = z.object({ method: z.string().max(64), params: z.unknown() }).strict()

/** Our origin, and the top frame: an iframe, even one of ours, gets nothing. */
export function isTrustedSender(frame: SenderFrame | null): boolean {
  if (frame === null) return false
  try {
    return frame.parent === null && isAppUrl(frame.url)
  } catch {
    // A frame that was disposed in the meantime throws on access.
    return false
  }
}

function failure(error: PairwiseError): CallResponse {
  return { ok: false, error: error.toPayload() }
}

export async function handleCall(service: PairingService, event: CallEvent, request: unknown): Promise<CallResponse> {
  if (!isTrustedSender(event.senderFrame)) {
    return failure(new PairwiseError('protocol-error', 'Refused a request that did not come from the Pairwise window.'))
  }
  const envelope = CallRequestSchema.safeParse(request)
  if (!envelope.success) return failure(new PairwiseError('invalid-argument', 'The request to Pairwise was malformed.'))
  const { method, params } = envelope.data
  if (!isMethodName(method)) return failure(new PairwiseError('invalid-argument', 'Pairwise has no such method.', { details: { method } }))

  const parsed = METHODS[method].params.safeParse(params)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
    return failure(new PairwiseError('invalid-argument', `Invalid parameters for ${method}.`, { details: { issues } }))
  }

  let result: unknown
  try {
    const call = service[method] as (params: unknown) => Promise<unknown>
    result = await call.call(service, parsed.data)
  } catch (err) {
    if (!(err instanceof PairwiseError)) console.error(`Pairwise: ${method} failed`, err)
    return { ok: false, error: toErrorPayload(err) }
  }
  const checked = METHODS[method].result.safeParse(result)
  if (!checked.success) {
    console.error(`Pairwise: ${method} returned a result that breaks the contract`, checked.error.issues)
    return { ok: false, error: toErrorPayload(new Error('result broke the contract')) }
  }
  return { ok: true, result: checked.data }
}

/** Registers the call handler and forwards every contract event to the window. Returns the undo. */
export function registerIpc({ ipcMain, service, eventSink }: IpcOptions): () => void {
  ipcMain.handle(CALL_CHANNEL, (event, request) =>
    // handleCall does not throw; the catch is the last line of defence that keeps it so.
    handleCall(service, event, request).catch((err: unknown) => ({ ok: false, error: toErrorPayload(err) }) satisfies CallResponse)
  )

  const unsubscribes = (Object.keys(EVENTS) as EventName[]).map((name) =>
    service.on(name, (payload) => {
      const checked = EVENTS[name].safeParse(payload)
      if (!checked.success) return console.error(`Pairwise: dropped an invalid "${name}" event`, checked.error.issues)
      const sink = eventSink()
      if (sink === null || sink.isDestroyed() || !isAppUrl(sink.mainFrame.url)) return
      sink.send(EVENT_CHANNEL, { event: name, payload: checked.data })
    })
  )

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL)
    for (const unsubscribe of unsubscribes) unsubscribe()
  }
}
