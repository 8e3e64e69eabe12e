import { readOpenedLink, type OpenedLink } from '../../shared/opened-link.ts'

// pairwise:// links the OS hands to the desktop app: in the launch arguments
// (Windows, Linux: first launch and 'second-instance'), or as 'open-url'
// (macOS). Anyone can make such a link, so it is read once here with the
// shared parser, and all the window ever gets is the OpenedLink: at most 12
// words for the Enter code screen, or why the link was refused. The window
// takes it when it is ready, so a link that launched the app is not lost
// while the service starts.

/** The scheme the app registers with the OS; the links are made by shared/code/link.ts. */
export const LINK_SCHEME = 'pairwise'

const LINK_PREFIX = /^pairwise:/i

/** The first launch argument that is a pairwise: link; Chromium and the OS add switches around it. */
export function linkInArgv(argv: readonly unknown[] | undefined): string | null {
  if (!Array.isArray(argv)) return null
  const link = argv.find((arg): arg is string => typeof arg === 'string' && LINK_PREFIX.test(arg))
  return link ?? null
}

/** Holds the latest opened link until the window takes it; a newer link replaces an older one. */
export class OpenedLinks {
  #pending: OpenedLink | null = null

  /** Reads `raw` (untrusted) and keeps what the window may see of it. */
  offer(raw: unknown): OpenedLink {
    this.#pending = readOpenedLink(raw)
    return this.#pending
  }

  take(): OpenedLink | null {
    const link = this.#pending
    this.#pending = null
    return link
  }
}
