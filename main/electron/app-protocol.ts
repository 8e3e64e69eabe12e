import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { isAppUrl } from './app-origin.ts'

// Serves the built renderer on app://pairwise. Plain Node (Request in,
// Response out), so it is tested without Electron; main.ts hands it to
// `protocol.handle`.

/**
 * standard: relative URLs and a real origin (storage, CSP 'self').
 * secure: a secure context, like https. supportFetchAPI: fetch() works.
 * Deliberately not corsEnabled or bypassCSP: nothing outside this origin may
 * read from it, and the CSP applies in full.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const

/**
 * renderer/index.html's policy with `connect-src 'self'`: the meta tag also
 * allows ws://127.0.0.1:* for the headless daemon, which the desktop app never
 * needs. Both policies apply, so the stricter one wins. The extra directives
 * close what default-src does not cover.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/**
 * The camera only for our own page (the QR scan), nothing else: the header is the browser's half;
 * Electron's permission handler (hardening.ts) also asks whether a scan is running.
 */
export const PERMISSIONS_POLICY = 'camera=(self), microphone=(), geolocation=(), display-capture=()'

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2'
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Permissions-Policy': PERMISSIONS_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache'
}

export function mimeTypeFor(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** The file under `rootDir` that `url` names, or null when it is not ours or would leave the folder. */
export function resolveAppFile(rootDir: string, url: string): string | null {
  if (!isAppUrl(url)) return null
  let decoded: string
  try {
    decoded = decodeURIComponent(new URL(url).pathname)
  } catch {
    return null
  }
  // A backslash is a separator on Windows; NUL truncates paths in some APIs.
  if (decoded.includes('\\') || decoded.includes('\0')) return null
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
  const root = path.resolve(rootDir)
  const file = path.resolve(root, relative)
  return file.startsWith(root + path.sep) ? file : null
}

function refusal(status: 404 | 405): Response {
  return new Response(status === 404 ? 'Not found' : 'Method not allowed', {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }
  })
}

export function createAppRequestHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405)
    const file = resolveAppFile(rootDir, request.url)
    if (file === null) return refusal(404)
    let body: Uint8Array<ArrayBuffer>
    try {
      body = new Uint8Array(await readFile(file))
    } catch {
      return refusal(404)
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': mimeTypeFor(file), 'Content-Length': String(body.byteLength) }
    })
  }
}
