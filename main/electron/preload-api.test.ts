import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { EVENTS, METHODS, type PairingApi } from '../../shared/api.ts'
import { startDevice, type TestDevice } from '../../test-support/engine/loopback-network.ts'
import { removeTempDir } from '../../test-support/temp-dirs.ts'
import { registerIpc } from './ipc.ts'
import { createBridgeApi, type BridgeError } from './preload-api.ts'
import { FakeIpcMain, FakeWebContents, topFrame } from '../../test-support/electron/fake-ipc.ts'
import { fakeService } from '../../test-support/electron/fake-service.ts'

// window.pairwise as the page sees it, wired through the fake IPC to main's
// real handler: the preload half and the main half together.

function bridge(ipcMain: FakeIpcMain, window: FakeWebContents): PairingApi {
  return createBridgeApi((request) => ipcMain.invoke(topFrame(), request), window.subscribe)
}

test('window.pairwise has exactly the contract: one function per method, plus on', () => {
  const api = bridge(new FakeIpcMain(), new FakeWebContents())
  assert.deepEqual(Object.keys(api).sort(), [...Object.keys(METHODS), 'on'].sort())
  for (const value of Object.values(api)) assert.equal(typeof value, 'function')
})

test('failures reject with a plain object, not an Error', async () => {
  const ipcMain = new FakeIpcMain()
  const window = new FakeWebContents()
  registerIpc({ ipcMain, service: fakeService().service, eventSink: () => window })
  const api = bridge(ipcMain, window)
  await assert.rejects(api.startPairing({ ttlMinutes: 42 }), (err: BridgeError) => {
    assert.equal(Object.getPrototypeOf(err), Object.prototype, 'contextBridge would strip the fields of an Error')
    assert.equal(err.name, 'PairwiseError')
    assert.equal(err.code, 'invalid-argument')
    assert.match(err.message, /startPairing/)
    return true
  })
})

test('an unreadable answer or a main process that does not answer becomes a clear error', async () => {
  const garbage = createBridgeApi(
    async () => ({ ok: 'maybe' }),
    () => {}
  )
  await assert.rejects(garbage.getState({}), (err: BridgeError) => err.code === 'protocol-error')
  const silent = createBridgeApi(
    () => new FakeIpcMain().invoke(topFrame(), {}),
    () => {}
  )
  await assert.rejects(
    silent.getState({}),
    (err: BridgeError) => err.code === 'internal' && /not answering/.test(err.message)
  )
})

test('on() delivers only the payload, can be undone, and rejects unknown events', () => {
  const window = new FakeWebContents()
  const { service, events } = fakeService()
  registerIpc({ ipcMain: new FakeIpcMain(), service, eventSink: () => window })
  const api = bridge(new FakeIpcMain(), window)

  const seen: unknown[][] = []
  const off = api.on('attempt-failed', (...args: unknown[]) => seen.push(args))
  const offTwice = api.on('attempt-failed', () => {
    throw new Error('a broken listener in the page')
  })
  const quiet = console.error
  console.error = () => {}
  try {
    events.emit('attempt-failed', { failedAttempts: 1, blocked: false })
  } finally {
    console.error = quiet
  }
  assert.deepEqual(seen, [[{ failedAttempts: 1, blocked: false }]], 'one argument: the payload, no IpcRendererEvent')
  off()
  offTwice()
  events.emit('attempt-failed', { failedAttempts: 2, blocked: false })
  assert.equal(seen.length, 1)

  assert.throws(() => api.on('nope' as never, () => {}), TypeError)
  assert.throws(() => api.on('paired', 'not a function' as never), TypeError)
})

describe('against a real PairingService', () => {
  let device: TestDevice
  let dispose: () => void
  const ipcMain = new FakeIpcMain()
  const window = new FakeWebContents()
  const api = bridge(ipcMain, window)

  before(async () => {
    device = await startDevice('Laptop')
    dispose = registerIpc({ ipcMain, service: device.service, eventSink: () => window })
  })

  after(async () => {
    dispose()
    await device.stop()
    removeTempDir(device.dataDir)
  })

  test('calls resolve with schema-valid results', async () => {
    const state = await api.getState({})
    assert.ok(METHODS.getState.result.safeParse(state).success)
    assert.equal(state.thisDevice.name, 'Laptop')
    // The page may leave out empty params; the bridge sends {}.
    assert.deepEqual(await api.listDevices(undefined as never), [])
  })

  test('service errors keep their code, hint and details', async () => {
    await assert.rejects(
      api.join({ code: 'abandon ability able about above absent absorb abstract absurd abuse access acccident' }),
      (err: BridgeError) => {
        assert.equal(err.code, 'invalid-word')
        assert.match(err.message, /Word 12/)
        assert.equal(typeof err.hint, 'string')
        assert.deepEqual(
          (err.details as { invalidWords: Array<{ suggestions: string[] }> }).invalidWords[0]?.suggestions,
          ['accident']
        )
        return true
      }
    )
  })

  test('a pairing session’s events arrive through on()', async () => {
    const sessions: unknown[] = []
    const off = api.on('session', (payload) => sessions.push(payload))
    const view = await api.startPairing({})
    assert.equal(view.words.length, 12)
    await api.cancelPairing({})
    off()
    assert.ok(sessions.length >= 2)
    for (const payload of sessions) assert.ok(EVENTS.session.safeParse(payload).success)
    assert.equal((sessions.at(-1) as { state: string }).state, 'cancelled')
  })
})
