import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { EVENTS, METHODS, ResponseEnvelopeSchema } from '../../shared/api.ts'
import { ERROR_CODES, PairwiseError } from '../../shared/errors.ts'
import { startDevice, type TestDevice } from '../../test-support/engine/loopback-network.ts'
import { removeTempDir } from '../../test-support/temp-dirs.ts'
import { CALL_CHANNEL, EVENT_CHANNEL, EVENT_NAMES, METHOD_NAMES } from './channels.ts'
import { brokenResult, malformedRequest, unknownMethod } from '../../shared/rpc/call-errors.ts'
import { registerIpc, type CallResponse } from './ipc.ts'
import { FakeIpcMain, FakeWebContents, subFrame, topFrame } from '../../test-support/electron/fake-ipc.ts'
import { fakeService } from '../../test-support/electron/fake-service.ts'

// Main's IPC handler with a fake ipcMain and fake sender frames; the calls
// that should succeed go to a real PairingService on 127.0.0.1.

function setup(service = fakeService()) {
  const ipcMain = new FakeIpcMain()
  const window = new FakeWebContents()
  const dispose = registerIpc({ ipcMain, service: service.service, eventSink: () => window })
  return { ...service, ipcMain, window, dispose }
}

/** The envelope as the renderer receives it, checked against the shared wire schema (with a dummy id). */
function envelope(response: unknown): CallResponse {
  const parsed = ResponseEnvelopeSchema.safeParse({ id: 0, ...(response as object) })
  assert.ok(parsed.success, `not a valid response envelope: ${JSON.stringify(response)}`)
  return response as CallResponse
}

function assertRefused(response: unknown, code: string): void {
  const r = envelope(response)
  assert.equal(r.ok, false)
  if (!r.ok) assert.equal(r.error.code, code, r.error.message)
}

test('the channel lists are exactly the contract', () => {
  assert.deepEqual([...METHOD_NAMES].sort(), Object.keys(METHODS).sort())
  assert.deepEqual([...EVENT_NAMES].sort(), Object.keys(EVENTS).sort())
})

test('calls from another origin, a subframe or a gone frame are refused before the service', async () => {
  const { ipcMain, calls } = setup()
  const request = { method: 'getState', params: {} }
  for (const frame of [
    topFrame('https://evil.example/'),
    topFrame('file:///home/user/index.html'),
    topFrame('app://pairwise.evil/index.html'),
    topFrame('app://other/index.html'),
    topFrame('about:blank'),
    subFrame(),
    subFrame('https://evil.example/'),
    null
  ]) {
    assertRefused(await ipcMain.invoke(frame, request), 'protocol-error')
  }
  const disposed = {
    get url(): string {
      throw new Error('Render frame was disposed before WebFrameMain could be accessed')
    },
    parent: null
  }
  assertRefused(await ipcMain.invoke(disposed, request), 'protocol-error')
  assert.deepEqual(calls, [])
})

test('malformed requests and unknown methods get protocol-error and never reach the service', async () => {
  const { ipcMain, calls } = setup()
  const malformed: unknown[] = [
    undefined,
    'getState',
    [],
    { method: 'getState', params: {}, extra: true },
    { method: 42, params: {} },
    { method: 'x'.repeat(100), params: {} },
    { method: 'getState' }
  ]
  for (const request of malformed) {
    const r = envelope(await ipcMain.invoke(topFrame(), request))
    assert.deepEqual(r, { ok: false, error: malformedRequest().toPayload() }, JSON.stringify(request))
  }
  for (const method of ['stop', 'constructor', '__proto__', 'multiaddrs']) {
    const r = envelope(await ipcMain.invoke(topFrame(), { method, params: {} }))
    assert.deepEqual(r, { ok: false, error: unknownMethod(method).toPayload() }, method)
  }
  assert.deepEqual(calls, [])
})

test('invalid params get invalid-argument naming the method and each issue, and never reach the service', async () => {
  const { ipcMain, calls } = setup()
  const invalid: Array<[string, unknown, RegExp]> = [
    ['getState', { extra: 1 }, /^Invalid parameters for getState: params: /],
    ['getState', null, /^Invalid parameters for getState: params: /],
    ['startPairing', { ttlMinutes: 99 }, /^Invalid parameters for startPairing: ttlMinutes: /],
    ['startPairing', { ttlMinutes: '5' }, /^Invalid parameters for startPairing: ttlMinutes: /],
    ['join', {}, /^Invalid parameters for join: code: /],
    ['join', { code: 'x'.repeat(5000) }, /^Invalid parameters for join: code: /],
    ['revokeDevice', { peerId: 'not a peer id' }, /^Invalid parameters for revokeDevice: peerId: /],
    ['renameDevice', { name: '   ' }, /^Invalid parameters for renameDevice: name: /]
  ]
  for (const [method, params, message] of invalid) {
    const r = envelope(await ipcMain.invoke(topFrame(), { method, params }))
    assert.equal(r.ok, false)
    if (r.ok) continue
    assert.equal(r.error.code, 'invalid-argument', method)
    assert.match(r.error.message, message)
    assert.ok(Array.isArray(r.error.details?.issues) && r.error.details.issues.length > 0, 'issues listed as data')
  }
  assert.deepEqual(calls, [])
})

test('errors cross as payloads: a PairwiseError keeps its code and hint, anything else says nothing', async (t) => {
  const logged = t.mock.method(console, 'error', () => {})
  const { ipcMain } = setup(
    fakeService({
      cancelJoin: () => {
        throw new PairwiseError('busy', 'Busy right now.', { hint: 'Try later.' })
      },
      getMetrics: () => {
        throw new Error('/home/alice/.config/pairwise/secret.key: EACCES')
      }
    })
  )
  const busy = envelope(await ipcMain.invoke(topFrame(), { method: 'cancelJoin', params: {} }))
  assert.deepEqual(busy, { ok: false, error: { code: 'busy', message: 'Busy right now.', hint: 'Try later.' } })
  const internal = envelope(await ipcMain.invoke(topFrame(), { method: 'getMetrics', params: {} }))
  assert.equal(internal.ok, false)
  assert.doesNotMatch(JSON.stringify(internal), /alice|EACCES|secret|at /)
  assert.equal(logged.mock.callCount(), 1, 'main logs the unexpected error for whoever debugs it')
})

test('a result that breaks the contract is not passed on', async (t) => {
  t.mock.method(console, 'error', () => {})
  const { ipcMain } = setup(fakeService({ cancelPairing: () => ({ cancelled: 'yes', leaked: 'x' }) }))
  const r = envelope(await ipcMain.invoke(topFrame(), { method: 'cancelPairing', params: {} }))
  assert.deepEqual(r, { ok: false, error: brokenResult('cancelPairing').toPayload() })
})

test('results are stripped to the schema', async () => {
  const { ipcMain } = setup(
    fakeService({ cancelPairing: () => ({ cancelled: true, internalNote: 'not for the page' }) })
  )
  assert.deepEqual(await ipcMain.invoke(topFrame(), { method: 'cancelPairing', params: {} }), {
    ok: true,
    result: { cancelled: true }
  })
})

test('events: only valid payloads, only to a live window on our origin', (t) => {
  t.mock.method(console, 'error', () => {})
  const { window, events } = setup()
  events.emit('attempt-failed', { failedAttempts: 2, blocked: false })
  events.emit('attempt-failed', { failedAttempts: 'many' } as never)
  assert.deepEqual(window.sent, [
    { channel: EVENT_CHANNEL, message: { event: 'attempt-failed', payload: { failedAttempts: 2, blocked: false } } }
  ])

  window.mainFrame.url = 'https://evil.example/'
  events.emit('attempt-failed', { failedAttempts: 3, blocked: true })
  window.mainFrame.url = 'app://pairwise/index.html'
  window.destroyed = true
  events.emit('attempt-failed', { failedAttempts: 4, blocked: true })
  assert.equal(window.sent.length, 1)
})

test('every contract event is forwarded, and dispose undoes everything', () => {
  const { ipcMain, events, dispose } = setup()
  for (const name of Object.keys(EVENTS)) assert.equal(events.listenerCount(name as keyof typeof EVENTS), 1, name)
  assert.ok(ipcMain.handlers.has(CALL_CHANNEL))
  dispose()
  assert.equal(ipcMain.handlers.size, 0)
  for (const name of Object.keys(EVENTS)) assert.equal(events.listenerCount(name as keyof typeof EVENTS), 0, name)
})

describe('with a real PairingService', () => {
  let device: TestDevice
  let dispose: () => void
  const ctx = { ipcMain: new FakeIpcMain(), window: new FakeWebContents() }

  before(async () => {
    device = await startDevice('Desk')
    dispose = registerIpc({ ipcMain: ctx.ipcMain, service: device.service, eventSink: () => ctx.window })
  })

  after(async () => {
    dispose()
    await device.stop()
    removeTempDir(device.dataDir)
  })

  test('a valid call returns a schema-valid result', async () => {
    const state = envelope(await ctx.ipcMain.invoke(topFrame(), { method: 'getState', params: {} }))
    assert.equal(state.ok, true)
    if (!state.ok) return
    assert.ok(METHODS.getState.result.safeParse(state.result).success)
    assert.equal((state.result as { thisDevice: { peerId: string } }).thisDevice.peerId, device.service.peerId)

    const renamed = envelope(
      await ctx.ipcMain.invoke(topFrame(), { method: 'renameDevice', params: { name: '  Kitchen PC ' } })
    )
    assert.ok(renamed.ok && METHODS.renameDevice.result.safeParse(renamed.result).success)
    assert.equal(renamed.ok && (renamed.result as { name: string }).name, 'Kitchen PC')
  })

  test('the service’s own refusals arrive as their error codes', async () => {
    const r = envelope(await ctx.ipcMain.invoke(topFrame(), { method: 'join', params: { code: 'apple banana' } }))
    assert.equal(r.ok, false)
    if (r.ok) return
    assert.ok(ERROR_CODES.includes(r.error.code))
    assert.notEqual(r.error.code, 'internal')
  })

  test('its events reach the window, valid', async () => {
    const started = envelope(
      await ctx.ipcMain.invoke(topFrame(), { method: 'startPairing', params: { ttlMinutes: 1 } })
    )
    assert.ok(started.ok)
    const sessions = ctx.window.sent.filter((s) => (s.message as { event: string }).event === 'session')
    assert.ok(sessions.length >= 1)
    for (const { channel, message } of sessions) {
      assert.equal(channel, EVENT_CHANNEL)
      assert.ok(EVENTS.session.safeParse((message as { payload: unknown }).payload).success)
    }
    assert.deepEqual(await ctx.ipcMain.invoke(topFrame(), { method: 'cancelPairing', params: {} }), {
      ok: true,
      result: { cancelled: true }
    })
  })
})
