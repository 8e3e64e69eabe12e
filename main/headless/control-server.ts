import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { PairingApi } from '../../shared/api.ts'
import { forwardEvents } from '../rpc/events.ts'
import { attachApiConnection } from './api-connection.ts'
import { hostAllowed, originAllowed, requestUrl, tokenMatches } from './request-guard.ts'
import { staticFiles, type StaticFiles } from './static-files.ts'

// Not `import { createServer } from 'node:http'`: Node's ESM view of node:http evaluates its lazy
// getters, which loads undici — ~10 MB of RSS and ~12 ms of start-up that this server never uses.
const { createServer } = process.getBuiltinModule('node:http')

// The daemon's local front door: the PairingApi over WebSocket at
// /api?token=…, and (with --ui) the built React UI. Bound to 127.0.0.1 only.

/** The same policy as renderer/index.html's meta tag, plus what only a header can say (framing). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*"
const HEADER_ONLY_CSP = "frame-ancestors 'none'"
/**
 * CSP has no say over devices; this header does. The camera is for our own page (the Enter code
 * screen's QR scan, which stops every track when done), never for a frame or another origin; the
 * microphone and the rest are for nobody. Same value as main/electron/app-protocol.ts.
 */
export const PERMISSIONS_POLICY = 'camera=(self), microphone=(), geolocation=(), display-capture=()'

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; ${HEADER_ONLY_CSP}`,
  'Permissions-Policy': PERMISSIONS_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The page's own URL carries the token: never send it on as a Referer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store'
}

export const MAX_MESSAGE_BYTES = 64 * 1024

export interface ControlServerOptions {
  api: PairingApi
  /** 0 (default) picks a free port. */
  port?: number
  /** The built renderer to serve; without it only the API is served. */
  staticDir?: string
  /** For tests; a fresh random token otherwise. */
  token?: string
  maxClients?: number
  maxInFlightPerClient?: number
}

export interface ControlServer {
  readonly port: number
  readonly token: string
  /** The web UI's address, token included. */
  readonly url: string
  /** The API's WebSocket address, token included. */
  readonly apiUrl: string
  readonly clientCount: number
  close(): Promise<void>
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const token = options.token ?? randomBytes(32).toString('hex')
  const maxClients = options.maxClients ?? 8
  const maxInFlight = options.maxInFlightPerClient ?? 8
  const files: StaticFiles | undefined = options.staticDir === undefined ? undefined : staticFiles(options.staticDir)
  const clients = new Set<WebSocket>()
  let port = 0

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false
  })

  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    void handleHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = requestUrl(req)
    if (url === undefined || !hostAllowed(req, port) || !originAllowed(req, port)) return end(res, 403, 'Forbidden')
    if (url.pathname === '/api') {
      // A browser never learns why a WebSocket was refused, so the page asks here over plain HTTP
      // (shared/rpc/refusal.ts): 401 "this token is not accepted" (a page from an earlier start),
      // 503 full, 426 "the socket would have been let in". Still refusing, just saying which refusal.
      if (!tokenMatches(url.searchParams.get('token'), token)) return refuseToken(res)
      if (clients.size >= maxClients) return end(res, 503, 'Service Unavailable')
      return end(res, 426, 'Upgrade Required')
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return end(res, 405, 'Method Not Allowed')
    }
    // The UI's files are the public build output and carry no data, so they are
    // served without the token: the page drops the token from its address bar and
    // must still load on reload. Everything with data goes through /api.
    if (files !== undefined && (await files.serve(req, res, url.pathname))) return
    end(res, 404, 'Not Found')
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const url = requestUrl(req)
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      socket.destroy()
    }
    if (url === undefined || url.pathname !== '/api') return refuse(404, 'Not Found')
    if (!hostAllowed(req, port) || !originAllowed(req, port)) return refuse(403, 'Forbidden')
    if (!tokenMatches(url.searchParams.get('token'), token)) return refuse(401, 'Unauthorized')
    if (clients.size >= maxClients) return refuse(503, 'Service Unavailable')
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws)
      ws.on('close', () => clients.delete(ws))
      ws.on('error', () => ws.terminate())
      attachApiConnection(ws, options.api, maxInFlight)
    })
  })

  // One subscription per event for the server, fanned out to every client.
  const stopEvents = forwardEvents(options.api, (message) => {
    const text = JSON.stringify(message)
    for (const ws of clients) {
      if (ws.readyState !== ws.OPEN) continue
      if (ws.bufferedAmount > 1 << 20) ws.terminate()
      else ws.send(text)
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port ?? 0, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  port = typeof address === 'object' && address !== null ? address.port : 0

  let closing: Promise<void> | undefined
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    apiUrl: `ws://127.0.0.1:${port}/api?token=${token}`,
    get clientCount() {
      return clients.size
    },
    close() {
      closing ??= (async () => {
        stopEvents()
        for (const ws of clients) ws.close(1001, 'Pairwise is stopping')
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
          // Clients that do not finish the closing handshake are cut off.
          setTimeout(() => {
            for (const ws of clients) ws.terminate()
          }, 500).unref()
        })
        wss.close()
      })()
      return closing
    }
  }
}

/**
 * A missing or wrong token: 401, told apart from the 403 a foreign page or host gets. The token
 * changes at every start, so this is what an old tab or link meets; saying so costs nothing, as
 * anyone who can ask already knows a token is needed.
 */
function refuseToken(res: ServerResponse): void {
  res.setHeader('WWW-Authenticate', 'Bearer realm="Pairwise"')
  end(res, 401, 'Unauthorized: this access token is not accepted')
}

function end(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(`${text}\n`)
}
