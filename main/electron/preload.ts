import { contextBridge, ipcRenderer } from 'electron'
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels.ts'
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
