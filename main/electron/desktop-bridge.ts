import type { DesktopBridge } from '../../shared/desktop-bridge.ts'
import { CAMERA_CHANNEL, LINK_OPENED_CHANNEL, TAKE_LINK_CHANNEL } from './channels.ts'

// The preload's `window.pairwiseDesktop` (shared/desktop-bridge.ts), kept apart
// from preload.ts like preload-api.ts so that tests drive it against the real
// main-side handlers (desktop-ipc.ts). The page parses what takeOpenedLink
// returns; this side passes it on as main sent it.

export type DesktopInvoke = (channel: string, ...args: unknown[]) => Promise<unknown>
/** Delivers main's nudges on `channel`, without the IpcRendererEvent. */
export type DesktopSubscribe = (channel: string, onMessage: () => void) => void

export function createDesktopBridge(invoke: DesktopInvoke, subscribe: DesktopSubscribe): DesktopBridge {
  const listeners = new Set<() => void>()
  subscribe(LINK_OPENED_CHANNEL, () => {
    for (const listener of [...listeners]) {
      try {
        listener()
      } catch (err) {
        console.error('Pairwise: a link-opened listener failed', err)
      }
    }
  })
  return {
    takeOpenedLink: () => invoke(TAKE_LINK_CHANNEL),
    onLinkOpened(listener) {
      if (typeof listener !== 'function') throw new TypeError('The listener must be a function.')
      // A wrapper per subscription, so one function subscribed twice has two independent undos.
      const entry = (): void => listener()
      listeners.add(entry)
      return () => {
        listeners.delete(entry)
      }
    },
    setCameraScanning: async (scanning) => (await invoke(CAMERA_CHANNEL, { scanning: scanning === true })) === true
  }
}
