// The renderer is served from a privileged custom scheme, never file://: a
// file:// page shares its origin with every other local file, while
// app://pairwise is an origin that only our own protocol handler can fill.

export const APP_SCHEME = 'app'
export const APP_HOST = 'pairwise'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * True only for URLs on our exact origin. Compared field by field because the
 * WHATWG URL parser gives non-special schemes an opaque origin ("null"), so
 * `new URL(url).origin` cannot be used here.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === ''
  )
}
