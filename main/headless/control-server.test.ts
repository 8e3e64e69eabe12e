// The daemon's control server in front of a REAL service on 127.0.0.1: who is
// let in, what malformed input gets back, and that events reach the page.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { WebSocket } from 'ws'
import { EVENTS, ServerMessageSchema, type PairingApi } from '../../shared/api.ts'
import type { PairwiseError } from '../../shared/errors.ts'
import { malformedRequest, unknownMethod } from '../../shared/rpc/call-errors.ts'
import { startDevice, type TestDevice } from '../../test-support/engine/loopback-network.ts'
import { makeTempDir, removeTempDir } from '../../test-support/temp-dirs.ts'
import { connectWebSocketApi } from '../../shared/rpc/ws-client.ts'
import {
  CONTENT_SECURITY_POLICY,
  MAX_MESSAGE_BYTES,
  PERMISSIONS_POLICY,
  startControlServer,
  type ControlServer
} from './control-server.ts'

const TOKEN = 'a'.repeat(64)

/** Opens a raw socket; resolves with it once open, or with the HTTP status that refused it. */
function openRaw(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: 5_000 })
    ws.once('open', () => resolve({ ws }))
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 })
      res.resume()
      ws.terminate()
    })
    ws.once('error', (err) => reject(err))
  })
}

async function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const result = await openRaw(url, headers)
  assert.ok('ws' in result, `expected the socket to open, got HTTP ${'status' in result ? result.status : '?'}`)
  return result.ws
}

/** Messages as they arrive, so a test can wait for the one it needs. */
function inbox(ws: WebSocket): {
  next(match: (m: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>
} {
  const seen: Record<string, unknown>[] = []
  const waiters = new Set<() => void>()
  ws.on('message', (data) => {
    const parsed = ServerMessageSchema.safeParse(JSON.parse(String(data)))
    assert.ok(parsed.success, `server sent a message outside the contract: ${String(data)}`)
    seen.push(parsed.data as Record<string, unknown>)
    for (const w of waiters) w()
  })
  return {
    next(match, ms = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const i = seen.findIndex(match)
          if (i < 0) return false
          waiters.delete(check)
          clearTimeout(timer)
          resolve(seen.splice(i, 1)[0]!)
          return true
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error('no matching message in time'))
        }, ms)
        waiters.add(check)
        check()
      })
    }
  }
}

function httpGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET'
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, timeout: 5_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.end()
  })
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve(1006)
    ws.once('close', (code) => resolve(code))
  })
}

describe('control server', { timeout: 60_000 }, () => {
  let device: TestDevice
  let server: ControlServer
  let staticDir: string
  const sockets: WebSocket[] = []
  const track = (ws: WebSocket): WebSocket => (sockets.push(ws), ws)

  before(async () => {
    device = await startDevice('CtlA')
    staticDir = makeTempDir('static')
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>')
    writeFileSync(join(staticDir, 'main.js'), 'export {}')
    mkdirSync(join(staticDir, 'assets'))
    writeFileSync(join(staticDir, 'assets', 'a.css'), 'body{}')
    server = await startControlServer({ api: device.service, token: TOKEN, staticDir })
  })

  after(async () => {
    for (const ws of sockets) ws.terminate()
    await server?.close()
    await device?.stop()
    if (device !== undefined) removeTempDir(device.dataDir)
    if (staticDir !== undefined) removeTempDir(staticDir)
  })

  it('answers getState through the browser client when the token is right', async () => {
    const api = await connectWebSocketApi(server.apiUrl, { requestTimeoutMs: 5_000 })
    try {
      const state = await api.getState({})
      assert.equal(state.thisDevice.peerId, device.service.peerId)
      assert.equal(state.thisDevice.secretProtection, 'file-permissions')
    } finally {
      api.close()
    }
  })

  it('the client tells a refused token from a service that is not running', async () => {
    await assert.rejects(
      connectWebSocketApi(`ws://127.0.0.1:${server.port}/api?token=${'b'.repeat(64)}`),
      (err: PairwiseError) =>
        err.code === 'token-refused' && /does not accept this page's access token/.test(err.message)
    )
    const closed = await startControlServer({ api: device.service })
    const port = closed.port
    await closed.close()
    await assert.rejects(
      connectWebSocketApi(`ws://127.0.0.1:${port}/api?token=${TOKEN}`),
      (err: PairwiseError) => err.code === 'internal' && err.message === 'Cannot reach the Pairwise service.'
    )
  })

  it('accepts its own page as Origin, by 127.0.0.1 or localhost', async () => {
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const ws = track(await open(server.apiUrl, { Origin: origin }))
      ws.close()
    }
  })

  it('refuses a missing or wrong token with 401, a foreign Origin and a foreign Host with 403', async () => {
    const base = `ws://127.0.0.1:${server.port}/api`
    const tokenCases: Array<[string, string]> = [
      ['no token', base],
      ['empty token', `${base}?token=`],
      ['wrong token', `${base}?token=${'b'.repeat(64)}`],
      ['token prefix', `${base}?token=${TOKEN.slice(0, 63)}`]
    ]
    for (const [what, url] of tokenCases) {
      const result = await openRaw(url)
      assert.ok('status' in result, `${what}: the socket opened`)
      assert.equal(result.status, 401, what)
    }
    const cases: Array<[string, string, Record<string, string>]> = [
      ['foreign origin', server.apiUrl, { Origin: 'http://evil.example' }],
      ['other port origin', server.apiUrl, { Origin: `http://127.0.0.1:${server.port + 1}` }],
      ['null origin', server.apiUrl, { Origin: 'null' }],
      ['rebound host', server.apiUrl, { Host: `evil.example:${server.port}` }],
      ['host on another port', server.apiUrl, { Host: `127.0.0.1:${server.port + 1}` }]
    ]
    for (const [what, url, headers] of cases) {
      const result = await openRaw(url, headers)
      assert.ok('status' in result, `${what}: the socket opened`)
      assert.equal(result.status, 403, what)
    }
    assert.equal((await httpGet(server.port, '/api')).status, 401, 'plain GET /api without token')
    assert.equal(
      (await httpGet(server.port, `/api?token=${TOKEN}`, { Origin: 'http://evil.example' })).status,
      403,
      'plain GET /api with the token from a foreign page'
    )
    assert.equal((await httpGet(server.port, `/api?token=${TOKEN}`)).status, 426, 'plain GET /api with token')
    assert.equal((await httpGet(server.port, '/', { Host: 'evil.example' })).status, 403, 'static file, foreign Host')
    assert.equal(
      (await httpGet(server.port, '/', { Origin: 'http://evil.example' })).status,
      403,
      'static file, foreign Origin'
    )
  })

  it('answers malformed messages and unknown methods with typed errors and changes nothing', async () => {
    const ws = track(await open(server.apiUrl))
    const box = inbox(ws)
    const before = await device.service.getState({})

    ws.send('this is not json')
    // The same error, word for word, as the Electron IPC handler gives: both go through main/rpc/dispatch.ts.
    assert.deepEqual(await box.next((m) => m.id === -1), { id: -1, ok: false, error: malformedRequest().toPayload() })
    ws.send(JSON.stringify({ id: 7, method: 'getState' }))
    assert.deepEqual(pick(await box.next((m) => m.id === 7)), { id: 7, ok: false, code: 'protocol-error' })
    ws.send(JSON.stringify({ id: 8, method: 'getState', params: {}, extra: true }))
    assert.deepEqual(pick(await box.next((m) => m.id === 8)), { id: 8, ok: false, code: 'protocol-error' })
    ws.send(Buffer.from([1, 2, 3]), { binary: true })
    assert.deepEqual(pick(await box.next((m) => m.id === -1)), { id: -1, ok: false, code: 'protocol-error' })
    ws.send(JSON.stringify({ id: 9, method: 'deleteEverything', params: {} }))
    const unknown = unknownMethod('deleteEverything').toPayload()
    assert.deepEqual(await box.next((m) => m.id === 9), { id: 9, ok: false, error: unknown })
    ws.send(JSON.stringify({ id: 10, method: 'constructor', params: {} }))
    assert.deepEqual(pick(await box.next((m) => m.id === 10)), { id: 10, ok: false, code: 'protocol-error' })
    ws.send(JSON.stringify({ id: 11, method: 'startPairing', params: { ttlMinutes: 99 } }))
    const invalid = await box.next((m) => m.id === 11)
    assert.deepEqual(pick(invalid), { id: 11, ok: false, code: 'invalid-argument' })
    assert.match((invalid.error as { message: string }).message, /^Invalid parameters for startPairing: ttlMinutes: /)
    ws.send(JSON.stringify({ id: 14, method: 'getState', params: null }))
    assert.deepEqual(pick(await box.next((m) => m.id === 14)), { id: 14, ok: false, code: 'invalid-argument' })
    ws.send(JSON.stringify({ id: -3, method: 'getState', params: {} }))
    assert.deepEqual(pick(await box.next((m) => m.id === -1)), { id: -1, ok: false, code: 'protocol-error' })
    ws.send(JSON.stringify({ id: 12, method: 'revokeDevice', params: { peerId: '../../etc' } }))
    assert.deepEqual(pick(await box.next((m) => m.id === 12)), { id: 12, ok: false, code: 'invalid-argument' })

    const after = await device.service.getState({})
    assert.equal(after.session, null)
    assert.deepEqual(after.devices, before.devices)
    // The same socket still works.
    ws.send(JSON.stringify({ id: 13, method: 'getState', params: {} }))
    const ok = await box.next((m) => m.id === 13)
    assert.equal(ok.ok, true)
    ws.close()
  })

  it('closes a socket that sends more than 64 KiB, and keeps serving the others', async () => {
    const bystander = track(await open(server.apiUrl))
    const box = inbox(bystander)
    const big = track(await open(server.apiUrl))
    const code = closed(big)
    big.send(JSON.stringify({ id: 1, method: 'getState', params: { pad: 'x'.repeat(MAX_MESSAGE_BYTES) } }))
    assert.equal(await code, 1009)
    bystander.send(JSON.stringify({ id: 2, method: 'getState', params: {} }))
    assert.equal((await box.next((m) => m.id === 2)).ok, true)
    bystander.close()
  })

  it('forwards events: a session event follows startPairing', async () => {
    const ws = track(await open(server.apiUrl))
    const box = inbox(ws)
    ws.send(JSON.stringify({ id: 1, method: 'startPairing', params: { ttlMinutes: 1 } }))
    const started = await box.next((m) => m.id === 1)
    assert.equal(started.ok, true)
    const event = await box.next((m) => m.event === 'session')
    const session = EVENTS.session.parse(event.payload)
    assert.equal(session?.state, 'waiting')
    assert.equal(session?.words.length, 12)
    ws.send(JSON.stringify({ id: 2, method: 'cancelPairing', params: {} }))
    assert.deepEqual((await box.next((m) => m.id === 2)).result, { cancelled: true })
    const cancelled = await box.next(
      (m) => m.event === 'session' && (m.payload as { state?: string } | null)?.state === 'cancelled'
    )
    assert.ok(cancelled)
    ws.close()
  })

  it('serves the UI files with the security headers and nothing outside them', async () => {
    const index = await httpGet(server.port, '/')
    assert.equal(index.status, 200)
    assert.match(String(index.headers['content-type']), /^text\/html/)
    assert.equal(index.headers['x-content-type-options'], 'nosniff')
    assert.match(String(index.headers['content-security-policy']), new RegExp(`^${escape(CONTENT_SECURITY_POLICY)}`))
    assert.equal(index.headers['permissions-policy'], PERMISSIONS_POLICY)
    assert.match(PERMISSIONS_POLICY, /(^|, )camera=\(self\)(,|$)/)
    assert.match(PERMISSIONS_POLICY, /(^|, )microphone=\(\)(,|$)/)
    assert.equal((await httpGet(server.port, '/main.js')).headers['content-type'], 'text/javascript; charset=utf-8')
    assert.equal((await httpGet(server.port, '/assets/a.css')).status, 200)
    assert.equal((await httpGet(server.port, '/main.js', {}, 'HEAD')).status, 200)
    assert.equal((await httpGet(server.port, '/', {}, 'POST')).status, 405)
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets',
      '/index.html%00',
      '/..\\package.json',
      '//etc/passwd'
    ]) {
      const res = await httpGet(server.port, path)
      assert.ok(res.status === 404 || res.status === 403, `${path} answered ${res.status}`)
    }
  })

  it('sends the same CSP as renderer/index.html, plus framing rules', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    assert.equal(meta, CONTENT_SECURITY_POLICY)
  })
})

describe('control server limits', { timeout: 30_000 }, () => {
  it('caps clients and requests in flight per client', async () => {
    const hanging = new Promise<never>(() => undefined)
    const api = {
      on: () => () => undefined,
      getState: () => hanging
    } as unknown as PairingApi
    const server = await startControlServer({ api, token: TOKEN, maxClients: 2, maxInFlightPerClient: 2 })
    const sockets: WebSocket[] = []
    try {
      sockets.push(await open(server.apiUrl), await open(server.apiUrl))
      const third = await openRaw(server.apiUrl)
      assert.ok('status' in third && third.status === 503, 'third client refused')
      assert.equal((await httpGet(server.port, `/api?token=${TOKEN}`)).status, 503, 'plain GET /api says full')
      const box = inbox(sockets[0]!)
      for (let id = 1; id <= 3; id++) sockets[0]!.send(JSON.stringify({ id, method: 'getState', params: {} }))
      assert.deepEqual(pick(await box.next((m) => m.id === 3)), { id: 3, ok: false, code: 'busy' })
    } finally {
      for (const ws of sockets) ws.terminate()
      await server.close()
    }
  })

  it('refuses to start a second server on a port in use', async () => {
    const api = { on: () => () => undefined } as unknown as PairingApi
    const first = await startControlServer({ api })
    try {
      await assert.rejects(
        startControlServer({ api, port: first.port }),
        (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE'
      )
    } finally {
      await first.close()
    }
  })
})

function pick(m: Record<string, unknown>): { id: unknown; ok: unknown; code: unknown } {
  return { id: m.id, ok: m.ok, code: (m.error as { code?: string } | undefined)?.code }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
