import { app, dialog, ipcMain, protocol, safeStorage, session, type BrowserWindow } from 'electron'
import path from 'node:path'
import { isPairwiseError, toErrorPayload } from '../../shared/errors.ts'
import { resolvePublicBootstrap } from '../engine/node/public-bootstrap.ts'
import { guardAgainstStreamRaces } from '../engine/util/stream-race-guard.ts'
import { createPairingService } from '../engine/service/service.ts'
import type { PairingService } from '../engine/service/types.ts'
import { APP_SCHEME, isAppUrl } from './app-origin.ts'
import { APP_SCHEME_PRIVILEGES, createAppRequestHandler } from './app-protocol.ts'
import { CameraGate } from './camera-gate.ts'
import { LINK_OPENED_CHANNEL } from './channels.ts'
import { registerDesktopIpc } from './desktop-ipc.ts'
import { restrictPermissions, hardenWebContents } from './hardening.ts'
import { registerIpc } from './ipc.ts'
import { LINK_SCHEME, OpenedLinks, linkInArgv } from './opened-links.ts'
import { SafeStorageSecretStore } from './safe-storage-store.ts'
import { createMainWindow } from './window.ts'

// The Electron main process, bundled to dist/electron/main.cjs. It hosts the
// engine (PairingService) and one window; everything the window may do goes
// through ipc.ts.

/** Quitting waits this long for the service to close connections and release the data folder. */
const STOP_TIMEOUT_MS = 5_000

// Both must happen before 'ready'.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }])
app.enableSandbox()

// A second data folder lets two instances run on one machine to try pairing;
// the single-instance lock is per userData folder, so it must be set first.
const dataDirOverride = process.env.PAIRWISE_DATA_DIR
if (dataDirOverride !== undefined && dataDirOverride !== '') app.setPath('userData', path.resolve(dataDirOverride))

let window: BrowserWindow | null = null
let service: PairingService | null = null
let disposeIpc: (() => void) | null = null
const openedLinks = new OpenedLinks()
const camera = new CameraGate()

if (!app.requestSingleInstanceLock()) {
  // The running instance gets 'second-instance' and comes to the front.
  app.quit()
} else {
  // A libp2p stream race (stream-race-guard.ts) must not quit the app; any other uncaught error still does.
  guardAgainstStreamRaces()
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
  // A pairwise:// link: in our own arguments when it launched the app (Windows, Linux), in a second
  // instance's (the OS started another copy for it, which quit at once), or as 'open-url' (macOS,
  // which may fire before 'ready').
  const launchLink = linkInArgv(process.argv)
  if (launchLink !== null) openedLinks.offer(launchLink)
  app.on('second-instance', (_event, argv) => {
    const link = linkInArgv(argv)
    if (link !== null) receiveLink(link)
    showWindow()
  })
  app.on('open-url', (event, url) => {
    event.preventDefault()
    receiveLink(url)
    showWindow()
  })
  // Only the installed app claims the scheme: a development checkout would point it at a bare Electron.
  if (app.isPackaged) app.setAsDefaultProtocolClient(LINK_SCHEME)
  app.on('activate', showWindow)
  app.on('window-all-closed', () => {
    // macOS apps stay running without windows; the service keeps answering paired devices.
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', stopServiceThenQuit)
  app.whenReady().then(start).catch(failToStart)
}

async function start(): Promise<void> {
  restrictPermissions(session.defaultSession, camera)
  protocol.handle(APP_SCHEME, createAppRequestHandler(path.join(app.getAppPath(), 'dist', 'renderer')))
  const dataDir = app.getPath('userData')
  // safeStorage only reports availability once the app is ready.
  const secretStore = await SafeStorageSecretStore.open(dataDir, safeStorage)
  service = await createPairingService({
    dataDir,
    secretStore,
    appVersion: app.getVersion(),
    // Devices on different networks meet through the public libp2p network, with nothing to configure.
    network: { publicBootstrap: resolvePublicBootstrap({ enabled: true }) }
  })
  const disposeCalls = registerIpc({
    ipcMain,
    service,
    eventSink: () => (window === null || window.isDestroyed() ? null : window.webContents)
  })
  const disposeDesktop = registerDesktopIpc({ ipcMain, links: openedLinks, camera })
  disposeIpc = () => {
    disposeCalls()
    disposeDesktop()
  }
  showWindow()
}

/** Keeps the link for the window and tells a loaded window to take it; a window still loading takes it on start. */
function receiveLink(url: string): void {
  openedLinks.offer(url)
  if (window !== null && !window.isDestroyed() && isAppUrl(window.webContents.mainFrame.url)) {
    window.webContents.send(LINK_OPENED_CHANNEL)
  }
}

function showWindow(): void {
  // Before the service runs, a window could only show errors.
  if (service === null) return
  if (window === null || window.isDestroyed()) {
    window = createMainWindow({
      preload: path.join(app.getAppPath(), 'dist', 'electron', 'preload.cjs'),
      devTools: !app.isPackaged
    })
    window.on('closed', () => {
      window = null
    })
    return
  }
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}

function stopServiceThenQuit(event: { preventDefault(): void }): void {
  if (service === null) return
  const running = service
  service = null
  event.preventDefault()
  disposeIpc?.()
  disposeIpc = null
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, STOP_TIMEOUT_MS)
  })
  Promise.race([running.stop(), timeout])
    .catch((err: unknown) => console.error('Pairwise: stopping the service failed', err))
    .finally(() => {
      clearTimeout(timer)
      app.quit()
    })
}

function failToStart(err: unknown): void {
  if (!isPairwiseError(err)) console.error('Pairwise could not start', err)
  const { message, hint } = toErrorPayload(err)
  dialog.showErrorBox('Pairwise could not start', hint === undefined ? message : `${message}\n\n${hint}`)
  app.exit(1)
}
