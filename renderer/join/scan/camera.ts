import type { ShownError } from '../../common/shown-error.ts'
import { desktopBridge } from '../../app/opened-links.ts'

// The camera for one QR scan: opened on the person's click, closed (every track stopped, and the
// desktop app's permission gate shut) when the code is read, on Cancel, or when the screen goes.

/** The back camera where there is one; a modest size is plenty for a QR code and cheap to scan. */
const CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } }
}

export async function openCamera(): Promise<MediaStream> {
  const desktop = desktopBridge()
  if (desktop !== undefined && !(await desktop.setCameraScanning(true))) {
    throw cameraError('The Pairwise app did not allow the camera.', 'Restart Pairwise, or type the 12 words.')
  }
  try {
    if (navigator.mediaDevices === undefined) {
      throw cameraError('This page cannot use a camera.', 'Open the page on 127.0.0.1, or type the 12 words.')
    }
    return await navigator.mediaDevices.getUserMedia(CONSTRAINTS)
  } catch (err) {
    void desktop?.setCameraScanning(false)
    throw describeCameraFailure(err)
  }
}

export function closeCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop()
  void desktopBridge()
    ?.setCameraScanning(false)
    .catch(() => {})
}

function cameraError(message: string, hint: string): ShownError {
  return { code: 'camera', message, hint }
}

/** getUserMedia's DOMException names, in words a person can act on. */
function describeCameraFailure(err: unknown): ShownError {
  if (typeof err === 'object' && err !== null && (err as ShownError).code === 'camera') return err as ShownError
  const name = err instanceof DOMException ? err.name : ''
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return cameraError(
        'The camera was not allowed.',
        'Allow the camera for Pairwise (in the browser’s address bar or the system settings), or type the 12 words.'
      )
    case 'NotFoundError':
    case 'OverconstrainedError':
      return cameraError('No camera was found.', 'Connect a camera, or type the 12 words.')
    case 'NotReadableError':
    case 'AbortError':
      return cameraError('The camera is busy or could not start.', 'Close other apps that use it, then try again.')
    default:
      return cameraError('The camera could not be started.', 'Type the 12 words instead.')
  }
}
