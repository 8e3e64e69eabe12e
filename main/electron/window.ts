import { BrowserWindow } from 'electron'
import { APP_ENTRY_URL } from './app-origin.ts'

export interface WindowOptions {
  preload: string
  devTools: boolean
}

/**
 * The only window. The page runs sandboxed with context isolation and no Node;
 * its one way out is the preload's `window.pairwise`, whose every call main
 * re-checks (ipc.ts). Navigation and pop-ups are handled in hardening.ts.
 */
export function createMainWindow(options: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 960,
    height: 720,
    minWidth: 800,
    minHeight: 600,
    title: 'Pairwise',
    // Shown once painted, so a dark-themed system does not flash white.
    show: false,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.devTools
    }
  })
  window.once('ready-to-show', () => window.show())
  window
    .loadURL(APP_ENTRY_URL)
    .catch((err: unknown) => console.error('Pairwise: the window could not load its page', err))
  return window
}
