// The desktop app allows the camera only while the Enter code screen scans a
// QR code: the window opens the gate right before getUserMedia and closes it
// when it stops the tracks. A window that never closes it (a crash, a reload)
// loses the camera after MAX_SCAN_MS anyway; a scan that runs that long can
// simply be started again.

export const MAX_SCAN_MS = 5 * 60_000

export class CameraGate {
  #openUntil = 0
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  open(): void {
    this.#openUntil = this.#now() + MAX_SCAN_MS
  }

  close(): void {
    this.#openUntil = 0
  }

  isOpen(): boolean {
    return this.#now() < this.#openUntil
  }
}
