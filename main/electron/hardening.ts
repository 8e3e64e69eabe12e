import type { Session, WebContents } from 'electron'
import { isAppUrl } from './app-origin.ts'
import type { CameraGate } from './camera-gate.ts'

// Applied to every webContents Electron creates (app 'web-contents-created'),
// not only to our window: whatever opens, it cannot navigate away from our
// origin, open windows, embed <webview>s or get device permissions.

/**
 * Always allowed to our page: the Copy buttons write the words or the link with
 * navigator.clipboard.writeText, which Chromium gates behind this permission.
 * Reading the clipboard is not needed (pasting uses the paste event's data).
 */
const CLIPBOARD_WRITE = 'clipboard-sanitized-write'
/** getUserMedia's permission; only its video half, and only while the camera gate is open. */
const MEDIA = 'media'

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

/** The camera (video only, never the microphone) for our top frame while a QR scan runs. */
function cameraAllowed(camera: CameraGate, mediaTypes: readonly string[] | undefined): boolean {
  return camera.isOpen() && mediaTypes !== undefined && mediaTypes.length > 0 && mediaTypes.every((t) => t === 'video')
}

/** Denies every permission but writing the clipboard and, while `camera` is open, the camera. */
export function restrictPermissions(session: Session, camera: CameraGate): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const ours = details.isMainFrame && isAppUrl(details.requestingUrl)
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined
    callback(ours && (permission === CLIPBOARD_WRITE || (permission === MEDIA && cameraAllowed(camera, mediaTypes))))
  })
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    const ours = details.isMainFrame && isAppUrl(requestingOrigin)
    const mediaTypes = details.mediaType === undefined ? undefined : [details.mediaType]
    return ours && (permission === CLIPBOARD_WRITE || (permission === MEDIA && cameraAllowed(camera, mediaTypes)))
  })
}
