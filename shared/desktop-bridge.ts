// What the desktop app's preload exposes next to `window.pairwise` (the shared
// PairingApi): the two things only the desktop app has. The headless UI has no
// such object and reads links from its address instead (renderer/app/opened-links.ts).
// Type and name only: the preload bundle must stay free of zod.

export const DESKTOP_BRIDGE_NAME = 'pairwiseDesktop'

export interface DesktopBridge {
  /** The pairwise:// link the OS opened last, as main read it (an OpenedLink, to be parsed), or null. */
  takeOpenedLink(): Promise<unknown>
  /** Called when the OS opens a link while the window is up; take it with takeOpenedLink. Returns the undo. */
  onLinkOpened(listener: () => void): () => void
  /** Opens (true) or closes (false) the app's camera permission around a QR scan. False when main refused. */
  setCameraScanning(scanning: boolean): Promise<boolean>
}
