import { linkFromFragment } from '../../shared/code/index.ts'
import { DESKTOP_BRIDGE_NAME, type DesktopBridge } from '../../shared/desktop-bridge.ts'
import { OpenedLinkSchema, readOpenedLink, type OpenedLink } from '../../shared/opened-link.ts'

// Where pairwise:// links reach the page: the headless UI's address
// (`…#pair=w1-…-w12`, read at start and whenever the fragment changes) and the desktop app's preload
// (window.pairwiseDesktop, whenever the OS opens a link). Either way the page
// gets an OpenedLink, which only fills the Enter code fields.

export interface OpenedLinkSource {
  /** Delivers every link from now on (and one read at start, once). Returns the undo. */
  subscribe(onLink: (link: OpenedLink) => void): () => void
}

const UNREADABLE: OpenedLink = {
  ok: false,
  message: 'Pairwise could not read the link it was given.',
  hint: 'Type the 12 words instead.'
}

/**
 * Reads `#pair=…` and removes the fragment from the address bar at once, so the words are not left
 * in the history, bookmarks or a screenshot. Run before anything else rewrites the URL.
 */
export function takeLinkFromAddress(): OpenedLink | null {
  const link = linkFromFragment(window.location.hash)
  if (link === null) return null
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search)
  return readOpenedLink(link)
}

export function desktopBridge(): DesktopBridge | undefined {
  return (window as Window & { [DESKTOP_BRIDGE_NAME]?: DesktopBridge })[DESKTOP_BRIDGE_NAME]
}

export function openedLinkSource(fromAddress: OpenedLink | null): OpenedLinkSource {
  let atStart = fromAddress
  return {
    subscribe(onLink) {
      if (atStart !== null) {
        onLink(atStart)
        atStart = null
      }
      // A link put into the address bar of the open tab changes only the fragment: no reload.
      const onHashChange = (): void => {
        const link = takeLinkFromAddress()
        if (link !== null) onLink(link)
      }
      window.addEventListener('hashchange', onHashChange)
      const desktop = desktopBridge()
      if (desktop === undefined) return () => window.removeEventListener('hashchange', onHashChange)
      let live = true
      const take = (): void => {
        desktop.takeOpenedLink().then(
          (raw) => {
            if (!live || raw === null) return
            // Checked again here: the page trusts nothing that crosses a process boundary unchecked.
            const parsed = OpenedLinkSchema.safeParse(raw)
            onLink(parsed.success ? parsed.data : UNREADABLE)
          },
          (err: unknown) => console.warn('Pairwise: could not take the opened link', err)
        )
      }
      take()
      const undo = desktop.onLinkOpened(take)
      return () => {
        live = false
        undo()
        window.removeEventListener('hashchange', onHashChange)
      }
    }
  }
}
