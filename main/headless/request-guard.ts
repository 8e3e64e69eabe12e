import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

// Who may talk to the local control server. Binding to 127.0.0.1 keeps other
// machines out; these checks keep out everything else on this one:
// - a web page in any browser tab (Origin must be our own page),
// - DNS rebinding (a hostile name resolving to 127.0.0.1 still sends its own Host),
// - other local users and programs (the API needs the token printed at start).

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])
}

export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host?.toLowerCase()
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`
}

/** An absent Origin is a non-browser client (the CLI); a present one must be our page. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  return allowedOrigins(port).has(origin.toLowerCase())
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

/** Constant-time: hashing first makes both sides the same length, so not even the length leaks. */
export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false
  return timingSafeEqual(digest(given), digest(token))
}

export function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1')
  } catch {
    return undefined
  }
}
