// A stand-in for the `electron` module, just wide enough to boot the bundled
// main process (dist/electron/main.cjs) in plain Node: it records what main
// asks of Electron and lets a test fire the app's lifecycle events.
import { EventEmitter } from 'node:events'
import { FakeIpcMain } from './fake-ipc.ts'
import type { SafeStorageLike } from '../../main/electron/safe-storage-store.ts'

type Listener = (...args: unknown[]) => unknown

/** Records the listeners and handlers a webContents gets. */
export class FakeContents {
  readonly listeners: Record<string, Listener[]> = {}
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  readonly mainFrame = { url: 'app://pairwise/index.html' }
  readonly sent: unknown[][] = []

  on(event: string, listener: Listener): this {
    ;(this.listeners[event] ??= []).push(listener)
    return this
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }

  isDestroyed(): boolean {
    return false
  }

  send(...args: unknown[]): void {
    this.sent.push(args)
  }

  /** Fires a navigation-like event; true when a listener prevented it. */
  navigate(event: string, url: string): boolean {
    let prevented = false
    for (const listener of this.listeners[event] ?? []) listener({ url, preventDefault: () => (prevented = true) })
    return prevented
  }
}

export interface FakeElectronOptions {
  appPath: string
  userData: string
  singleInstance?: boolean
  safeStorage: SafeStorageLike
  /** app.isPackaged: an installed app rather than a development checkout. */
  packaged?: boolean
}

export function createFakeElectron(options: FakeElectronOptions) {
  const log: string[] = []
  const appEvents = new EventEmitter()
  const paths: Record<string, string> = { userData: options.userData }
  const windows: FakeWindow[] = []
  const ipcMain = new FakeIpcMain()
  const schemes: unknown[] = []
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>()
  const permissions: { request?: Listener; check?: Listener } = {}
  const errorBoxes: Array<{ title: string; content: string }> = []
  const protocolClients: string[] = []
  const ready = Promise.withResolvers<void>()
  let quitted = false
  let exitCode: number | null = null

  class FakeWindow {
    readonly options: Record<string, unknown>
    readonly webContents = new FakeContents()
    readonly events = new EventEmitter()
    loadedUrl: string | null = null
    focused = 0

    constructor(windowOptions: Record<string, unknown>) {
      this.options = windowOptions
      windows.push(this)
      appEvents.emit('web-contents-created', {}, this.webContents)
    }

    on(event: string, listener: Listener): this {
      this.events.on(event, listener)
      return this
    }

    once(event: string, listener: Listener): this {
      this.events.once(event, listener)
      return this
    }

    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url
    }

    isDestroyed(): boolean {
      return false
    }

    isMinimized(): boolean {
      return false
    }

    restore(): void {}
    show(): void {}

    focus(): void {
      this.focused++
    }
  }

  const app = {
    on(event: string, listener: Listener) {
      appEvents.on(event, listener)
      return app
    },
    whenReady: () => ready.promise,
    requestSingleInstanceLock: () => options.singleInstance ?? true,
    enableSandbox: () => void log.push('enableSandbox'),
    setPath: (name: string, value: string) => void (paths[name] = value),
    getPath: (name: string) => paths[name],
    getAppPath: () => options.appPath,
    getVersion: () => '0.1.0',
    isPackaged: options.packaged ?? false,
    setAsDefaultProtocolClient: (scheme: string) => protocolClients.push(scheme) > 0,
    quit() {
      log.push('quit')
      let prevented = false
      appEvents.emit('will-quit', { preventDefault: () => (prevented = true) })
      if (!prevented) quitted = true
    },
    exit(code: number) {
      exitCode = code
    }
  }

  const electron = {
    app,
    ipcMain,
    BrowserWindow: FakeWindow,
    safeStorage: options.safeStorage,
    dialog: { showErrorBox: (title: string, content: string) => void errorBoxes.push({ title, content }) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) => void (permissions.request = handler),
        setPermissionCheckHandler: (handler: Listener) => void (permissions.check = handler)
      }
    },
    protocol: {
      registerSchemesAsPrivileged(custom: unknown[]) {
        if (log.includes('ready')) throw new Error('registerSchemesAsPrivileged after ready')
        schemes.push(...custom)
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        void protocolHandlers.set(scheme, handler)
    }
  }

  return {
    electron,
    log,
    windows,
    ipcMain,
    schemes,
    protocolHandlers,
    permissions,
    errorBoxes,
    protocolClients,
    appEvents,
    fireReady() {
      log.push('ready')
      ready.resolve()
    },
    get quitted() {
      return quitted
    },
    get exitCode() {
      return exitCode
    }
  }
}

export type FakeElectron = ReturnType<typeof createFakeElectron>
