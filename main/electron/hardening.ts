import type { Session, WebContents } from 'electron'
import { isAppUrl } from './app-origin.ts'

// Applied to every webContents Electron creates (app 'web-contents-created'),
// not only to our window: whatever opens, it cannot navigate away from our
// origin, open windows, embed <webview>s or get device permissions.

/**
 * The one permission the UI needs: the Copy button writes the 12 words with
 * navigator.clipboard.writeText, which Chromium gates behind this permission.
 * Reading the clipboard is not needed (pasting uses the paste event's data).
 */
const ALLOWED_PERMISSION = 'clipboard-sanitized-write'

export function hardenWebContents(contents: WebContents): void {
  const stayOnAppOrigin = (details: { url: string; preventDefault(): void }): void => {
    if (!isAppUrl(details.url)) details.preventDefault()
  }
  contents.on('will-navigate', stayOnAppOrigin)
  contents.on('will-frame-navigate', stayOnAppOrigin)
  contents.on('will-redirect', stayOnAppOrigin)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permission === ALLOWED_PERMISSION && details.isMainFrame && isAppUrl(details.requestingUrl))
  })
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    return permission === ALLOWED_PERMISSION && details.isMainFrame && isAppUrl(requestingOrigin)
  })
}
