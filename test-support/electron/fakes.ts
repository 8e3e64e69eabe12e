// Thin stand-ins for the Electron objects ipc.ts and preload-api.ts touch,
// for tests in plain Node. They copy what crosses the process boundary with
// structuredClone, as Electron does, so anything that could not cross fails here.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { EventName, EventPayload, MethodName } from '../../shared/api.ts'
import { Emitter } from '../../shared/emitter.ts'
import type { PairingService } from '../../main/engine/service/types.ts'
import { APP_ENTRY_URL } from '../../main/electron/app-origin.ts'
import { CALL_CHANNEL, EVENT_CHANNEL, METHOD_NAMES } from '../../main/electron/channels.ts'
import type { CallEvent, EventSink, IpcMainLike, SenderFrame } from '../../main/electron/ipc.ts'
import type { SafeStorageLike } from '../../main/electron/safe-storage-store.ts'

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
    const handler = this.handlers.get(CALL_CHANNEL)
    if (handler === undefined) throw new Error(`No handler registered for '${CALL_CHANNEL}'`)
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

type Events = { [E in EventName]: EventPayload<E> }

/** A service whose methods record their calls and answer with what a test supplies. */
export function fakeService(answers: Partial<Record<MethodName, (params: unknown) => unknown>> = {}): {
  service: PairingService
  calls: Array<{ method: MethodName; params: unknown }>
  events: Emitter<Events>
} {
  const calls: Array<{ method: MethodName; params: unknown }> = []
  const events = new Emitter<Events>()
  const methods = Object.fromEntries(
    METHOD_NAMES.map((method) => [
      method,
      async (params: unknown) => {
        calls.push({ method, params })
        return answers[method]?.(params)
      }
    ])
  )
  const service = {
    ...methods,
    peerId: 'fake',
    multiaddrs: () => [],
    stop: async () => {},
    on: (event: EventName, listener: (payload: unknown) => void) => events.on(event, listener)
  }
  return { service: service as unknown as PairingService, calls, events }
}

// A thin stand-in for Electron's safeStorage: real encryption under a key
// that lives in the fake (like the OS keystore), so a wrong or reset
// keystore fails to decrypt the way the real one does.
export class FakeSafeStorage implements SafeStorageLike {
  readonly calls: string[] = []
  reEncryptNext = false
  #key = randomBytes(32)
  readonly options: { available?: boolean; backend?: string; asyncApi?: boolean }

  constructor(options: { available?: boolean; backend?: string; asyncApi?: boolean } = {}) {
    this.options = options
    if (options.asyncApi === false) {
      this.isAsyncEncryptionAvailable = undefined
      this.encryptStringAsync = undefined
      this.decryptStringAsync = undefined
    }
  }

  resetKeystore(): void {
    this.#key = randomBytes(32)
  }

  isEncryptionAvailable(): boolean {
    this.calls.push('isEncryptionAvailable')
    return this.options.available ?? true
  }

  encryptString(plainText: string): Buffer {
    this.calls.push('encryptString')
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body])
  }

  decryptString(encrypted: Buffer): string {
    this.calls.push('decryptString')
    const decipher = createDecipheriv('aes-256-gcm', this.#key, encrypted.subarray(0, 12))
    decipher.setAuthTag(encrypted.subarray(12, 28))
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8')
  }

  isAsyncEncryptionAvailable? = async (): Promise<boolean> => {
    this.calls.push('isAsyncEncryptionAvailable')
    return this.options.available ?? true
  }

  encryptStringAsync? = async (plainText: string): Promise<Buffer> => {
    this.calls.push('encryptStringAsync')
    return this.encryptString(plainText)
  }

  decryptStringAsync? = async (encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> => {
    this.calls.push('decryptStringAsync')
    const shouldReEncrypt = this.reEncryptNext
    this.reEncryptNext = false
    return { shouldReEncrypt, result: this.decryptString(encrypted) }
  }

  getSelectedStorageBackend(): string {
    return this.options.backend ?? 'gnome_libsecret'
  }
}
