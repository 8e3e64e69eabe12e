import { contextBridge, ipcRenderer } from 'electron'
import { DESKTOP_BRIDGE_NAME } from '../../shared/desktop-bridge.ts'
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.ts'
import { createDesktopBridge } from './desktop-bridge.ts'
import { createBridgeApi } from './preload-api.ts'

// Bundled to dist/electron/preload.cjs (CommonJS: a sandboxed preload cannot
// load ES modules or anything but a few electron modules, so it is one file).
// The page gets named methods and a removable subscription; ipcRenderer and
// its events stay on this side of the bridge.

const api = createBridgeApi(
  (request) => ipcRenderer.invoke(CALL_CHANNEL, request),
  (onMessage) => {
    ipcRenderer.on(EVENT_CHANNEL, (_event, message: unknown) => onMessage(message))
  }
)

contextBridge.exposeInMainWorld('pairwise', api)

const desktop = createDesktopBridge(
  (channel, ...args) => ipcRenderer.invoke(channel, ...args),
  (channel, onMessage) => {
    ipcRenderer.on(channel, () => onMessage())
  }
)

contextBridge.exposeInMainWorld(DESKTOP_BRIDGE_NAME, desktop)
