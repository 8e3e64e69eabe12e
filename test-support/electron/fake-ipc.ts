// Thin stand-ins for the Electron IPC objects ipc.ts and preload-api.ts touch,
// for tests in plain Node. They copy what crosses the process boundary with
// structuredClone, as Electron does, so anything that could not cross fails here.
import { APP_ENTRY_URL } from '../../main/electron/app-origin.ts'
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../main/electron/channels.ts'
import type { CallEvent, EventSink, IpcMainLike, SenderFrame } from '../../main/electron/ipc.ts'

type Handler = (event: CallEvent, ...args: unknown[]) => unknown

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>()

  handle(channel: string, listener: Handler): void {
    // Electron refuses a second handler on a channel too.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }

  /** What ipcRenderer.invoke(CALL_CHANNEL, ...args) does from `frame`. */
  async invoke(frame: SenderFrame | null, ...args: unknown[]): Promise<unknown> {
    return this.invokeOn(CALL_CHANNEL, frame, ...args)
  }

  /** What ipcRenderer.invoke(channel, ...args) does from `frame`. */
  async invokeOn(channel: string, frame: SenderFrame | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`)
    return structuredClone(await handler({ senderFrame: frame }, ...structuredClone(args)))
  }
}

export const topFrame = (url: string = APP_ENTRY_URL): SenderFrame => ({ url, parent: null })
export const subFrame = (url: string = APP_ENTRY_URL): SenderFrame => ({ url, parent: topFrame() })

export class FakeWebContents implements EventSink {
  readonly sent: Array<{ channel: string; message: unknown }> = []
  readonly listeners = new Set<(message: unknown) => void>()
  destroyed = false
  mainFrame = { url: APP_ENTRY_URL }

  isDestroyed(): boolean {
    return this.destroyed
  }

  send(channel: string, ...args: unknown[]): void {
    const message = structuredClone(args[0])
    this.sent.push({ channel, message })
    if (channel === EVENT_CHANNEL) for (const listener of this.listeners) listener(message)
  }

  /** The renderer side: what ipcRenderer.on(EVENT_CHANNEL, …) would receive. */
  subscribe = (onMessage: (message: unknown) => void): void => {
    this.listeners.add(onMessage)
  }
}
