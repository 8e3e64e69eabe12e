import { PairwiseError, toErrorPayload } from '../../shared/errors.ts'
import type { PairingService } from '../engine/service/types.ts'
import { dispatch, type CallResponse } from '../rpc/dispatch.ts'
import { forwardEvents } from '../rpc/events.ts'
import { isAppUrl } from './app-origin.ts'
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.ts'

// All of main's IPC, in one place. The renderer is treated like a remote
// client: each call is checked for where it came from, then handed to the
// shared dispatch (main/rpc/dispatch.ts), which parses it with the shared
// schemas and answers with a plain result or error payload — never a thrown
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

export type { CallResponse }

export interface IpcOptions {
  ipcMain: IpcMainLike
  service: PairingService
  /** The window that receives events; null while there is none. */
  eventSink: () => EventSink | null
}

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

/** The sender check is IPC's own; everything after it is the dispatch every transport shares. */
export async function handleCall(service: PairingService, event: CallEvent, request: unknown): Promise<CallResponse> {
  if (!isTrustedSender(event.senderFrame)) {
    const refused = new PairwiseError('protocol-error', 'Refused a request that did not come from the Pairwise window.')
    return { ok: false, error: refused.toPayload() }
  }
  return dispatch(service, request)
}

/** Registers the call handler and forwards every contract event to the window. Returns the undo. */
export function registerIpc({ ipcMain, service, eventSink }: IpcOptions): () => void {
  ipcMain.handle(CALL_CHANNEL, (event, request) =>
    // handleCall does not throw; the catch is the last line of defence that keeps it so.
    handleCall(service, event, request).catch(
      (err: unknown) => ({ ok: false, error: toErrorPayload(err) }) satisfies CallResponse
    )
  )

  const stopEvents = forwardEvents(service, (message) => {
    const sink = eventSink()
    if (sink === null || sink.isDestroyed() || !isAppUrl(sink.mainFrame.url)) return
    sink.send(EVENT_CHANNEL, message)
  })

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL)
    stopEvents()
  }
}
