import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EVENTS, ResponseEnvelopeSchema, type EventName, type PairingApi } from '../../shared/api.ts'
import { fakeService } from '../../test-support/electron/fake-service.ts'
import { PairwiseError } from '../../shared/errors.ts'
import { brokenResult, malformedRequest, unknownMethod } from '../../shared/rpc/call-errors.ts'
import { dispatch, type CallResponse, type ReportUnexpected } from './dispatch.ts'
import { forwardEvents } from './events.ts'
import { createInProcessApi } from './in-process.ts'

// The dispatch on its own, against a fake PairingApi that records what reaches
// it: what is refused before the call, what is refused after it, and that
// every answer fits the wire's response envelope.

const PEER_ID = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const DEVICE = {
  peerId: PEER_ID,
  name: 'Desk',
  os: 'linux',
  fingerprint: 'ab',
  secretProtection: 'memory',
  addresses: []
}

/** The shared fake service, seen as the PairingApi the dispatch takes; `emit` plays the engine's events. */
function fakeApi(answers: Parameters<typeof fakeService>[0] = {}) {
  const { service, calls, events } = fakeService(answers)
  const emit = (event: EventName, payload: unknown): void => events.emit(event, payload as never)
  const listening = (): number => (Object.keys(EVENTS) as EventName[]).reduce((n, e) => n + events.listenerCount(e), 0)
  return { api: service as PairingApi, calls, emit, listening }
}

/** Every answer must fit the response envelope the WebSocket sends (with its id added). */
function wire(response: CallResponse): CallResponse {
  assert.ok(ResponseEnvelopeSchema.safeParse({ id: 1, ...response }).success, JSON.stringify(response))
  return response
}

const quiet: ReportUnexpected = () => undefined

test('a valid call reaches the method with the parsed params, and the result is stripped to its schema', async () => {
  const { api, calls } = fakeApi({
    renameDevice: () => ({ ...DEVICE, extra: 1 })
  })
  const r = wire(await dispatch(api, { method: 'renameDevice', params: { name: '  Desk ' } }))
  // The schema trims the name: the service gets what the schema produced, not what was sent.
  assert.deepEqual(calls, [{ method: 'renameDevice', params: { name: 'Desk' } }])
  assert.deepEqual(r, { ok: true, result: DEVICE })
})

test('a malformed envelope or an unknown method is protocol-error, with one text each', async () => {
  const { api, calls } = fakeApi()
  const malformed = [undefined, null, 'getState', [], { method: 'getState' }, { method: 'getState', params: {}, id: 1 }]
  for (const request of malformed) {
    assert.deepEqual(wire(await dispatch(api, request)), { ok: false, error: malformedRequest().toPayload() })
  }
  for (const method of ['stop', 'on', 'toString', '__proto__', 'hasOwnProperty']) {
    const r = wire(await dispatch(api, { method, params: {} }))
    assert.deepEqual(r, { ok: false, error: unknownMethod(method).toPayload() })
  }
  assert.deepEqual(calls, [])
})

test('params that break the schema are invalid-argument, listing each issue in the text and as data', async () => {
  const { api, calls } = fakeApi()
  const r = wire(await dispatch(api, { method: 'join', params: { code: '', joinId: 'x'.repeat(65), extra: true } }))
  assert.equal(r.ok, false)
  if (r.ok) return
  assert.equal(r.error.code, 'invalid-argument')
  const issues = r.error.details?.issues as Array<{ path: string; message: string }>
  assert.deepEqual(issues.map((i) => i.path).sort(), ['code', 'joinId', 'params'])
  const listed = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  assert.equal(r.error.message, `Invalid parameters for join: ${listed}`)
  for (const params of [undefined, null, [], { ttlMinutes: 0 }, { ttlMinutes: 11 }, { ttlMinutes: 2.5 }]) {
    const bad = wire(await dispatch(api, { method: 'startPairing', params }))
    assert.equal(!bad.ok && bad.error.code, 'invalid-argument', JSON.stringify(params))
  }
  assert.deepEqual(calls, [])
})

test('a result that breaks its schema is internal and reported, and nothing of it is passed on', async () => {
  const { api } = fakeApi({
    cancelPairing: () => ({ cancelled: 'yes', secret: 'do not leak' }),
    getMetrics: () => undefined
  })
  const reported: string[] = []
  const report: ReportUnexpected = (method, what) => reported.push(`${method} ${what}`)
  for (const method of ['cancelPairing', 'getMetrics'] as const) {
    const r = wire(await dispatch(api, { method, params: {} }, { report }))
    assert.deepEqual(r, { ok: false, error: brokenResult(method).toPayload() })
  }
  assert.equal(reported.length, 2)
})

test('a thrown PairwiseError keeps its payload; anything else becomes a generic internal and is reported', async () => {
  const { api } = fakeApi({
    cancelJoin: () => {
      throw new PairwiseError('busy', 'Busy.', { hint: 'Later.', details: { n: 1 } })
    },
    getState: () => {
      throw new Error('/home/alice/secret.key: EACCES')
    }
  })
  const reported: unknown[] = []
  const report: ReportUnexpected = (_m, _w, detail) => reported.push(detail)
  const busy = wire(await dispatch(api, { method: 'cancelJoin', params: {} }, { report }))
  assert.deepEqual(busy, { ok: false, error: { code: 'busy', message: 'Busy.', hint: 'Later.', details: { n: 1 } } })
  const internal = wire(await dispatch(api, { method: 'getState', params: {} }, { report }))
  assert.equal(!internal.ok && internal.error.code, 'internal')
  assert.doesNotMatch(JSON.stringify(internal), /alice|EACCES/)
  assert.equal(reported.length, 1)
  assert.match(String(reported[0]), /EACCES/)
})

test('a missing method on the api (a partial fake, a broken host) is internal, not a throw', async () => {
  const api = { on: () => () => undefined } as unknown as PairingApi
  const r = wire(await dispatch(api, { method: 'getState', params: {} }, { report: quiet }))
  assert.equal(!r.ok && r.error.code, 'internal')
})

test('forwardEvents delivers valid payloads only, and its undo unsubscribes', () => {
  const { api, emit, listening } = fakeApi()
  const delivered: unknown[] = []
  const stop = forwardEvents(api, (m) => delivered.push(m), quiet)
  emit('attempt-failed', { failedAttempts: 1, blocked: false, extra: 'x' })
  emit('attempt-failed', { failedAttempts: 'many' })
  assert.deepEqual(delivered, [{ event: 'attempt-failed', payload: { failedAttempts: 1, blocked: false } }])
  stop()
  assert.equal(listening(), 0)
})

test('the in-process client throws the same errors and returns the same results as the dispatch', async () => {
  const boom = new Error('disk on fire')
  const { api, calls } = fakeApi({
    cancelPairing: () => ({ cancelled: true, extra: 1 }),
    getMetrics: () => {
      throw boom
    }
  })
  const client = createInProcessApi(api)
  assert.deepEqual(await client.cancelPairing({}), { cancelled: true })
  await assert.rejects(client.startPairing({ ttlMinutes: 99 }), (err: PairwiseError) => {
    assert.ok(err instanceof PairwiseError)
    assert.equal(err.code, 'invalid-argument')
    assert.match(err.message, /^Invalid parameters for startPairing: ttlMinutes: /)
    return true
  })
  await assert.rejects(client.getMetrics({}), (err: PairwiseError) => err.code === 'internal' && err.cause === boom)
  assert.deepEqual(
    calls.map((c) => c.method),
    ['cancelPairing', 'getMetrics']
  )
})
