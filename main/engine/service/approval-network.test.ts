// Issue 12 with real libp2p nodes on 127.0.0.1: the person at the initiating
// device Allows or Denies who joins (P7 on every path: both registries change
// together or not at all), and a second claimant of a used code raises the
// overheard-code alarm on both paired devices.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CodeAlarmView, JoinProgress, PendingApproval } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { eventually } from '../../../test-support/eventually.ts'
import {
  joinAdvertised,
  loopbackFleet,
  startAdvertised,
  statusOf,
  type TestDevice
} from '../../../test-support/engine/loopback-network.ts'

const FAST = { reconnectMs: 400, joinTimeoutMs: 30_000, lanWaitMs: 500, dhtPatienceMs: 3_000 }

/** Resolves with the first question the initiator's session asks its person. */
function nextApproval(device: TestDevice): Promise<PendingApproval> {
  return new Promise((resolve) => {
    const off = device.service.on('session', (view) => {
      if (view?.approval == null) return
      off()
      resolve(view.approval)
    })
  })
}

function waitsOf(device: TestDevice): JoinProgress[] {
  const waits: JoinProgress[] = []
  device.service.on('join-progress', (p) => {
    if (p.step === 'awaiting-approval') waits.push(p)
  })
  return waits
}

async function neitherStored(a: TestDevice, b: TestDevice): Promise<void> {
  assert.equal(await statusOf(a, b.service.peerId), undefined, 'the initiator stored nothing')
  assert.equal(await statusOf(b, a.service.peerId), undefined, 'the joiner stored nothing')
}

const isCode = (code: string) => (err: unknown) => err instanceof PairwiseError && err.code === code

describe('approve who joins, over the network', { timeout: 120_000 }, () => {
  const fleet = loopbackFleet(3, { timing: FAST })

  it('Allow pairs both; both screens showed the same check string', async () => {
    const a = await fleet.device('Approver')
    const b = await fleet.device('Joiner laptop')
    const session = await startAdvertised(a, { approve: true })
    assert.equal(session.approve, true)
    const waits = waitsOf(b)
    const asked = nextApproval(a)
    const joined = b.service.join({ code: session.words.join(' ') })
    const approval = await asked
    assert.equal(approval.peerId, b.service.peerId)
    assert.equal(approval.name, 'Joiner laptop')
    assert.equal(approval.fingerprint, (await b.service.getState({})).thisDevice.fingerprint)
    await eventually('the joiner shows the check string', () => waits.length > 0)
    assert.equal(waits[0]!.check, approval.check)
    assert.equal(waits[0]!.message, 'Waiting for the other device to allow this pairing')
    await neitherStored(a, b)
    assert.deepEqual(await a.service.answerApproval({ peerId: approval.peerId, allow: true }), { answered: true })
    assert.equal((await joined).peerId, a.service.peerId)
    assert.equal(await statusOf(b, a.service.peerId), 'paired')
    await eventually('the initiator confirmed', async () => (await statusOf(a, b.service.peerId)) === 'paired')
  })

  it('Deny leaves both registries unchanged', async () => {
    const a = await fleet.device('Denier')
    const b = await fleet.device('Stranger')
    const session = await startAdvertised(a, { approve: true })
    const asked = nextApproval(a)
    const joined = b.service.join({ code: session.words.join(' ') })
    const approval = await asked
    await a.service.answerApproval({ peerId: approval.peerId, allow: false })
    await assert.rejects(joined, isCode('denied'))
    await neitherStored(a, b)
    const view = (await a.service.getState({})).session
    assert.equal(view?.state, 'waiting', 'the code still waits for the right device')
    assert.equal(view?.declined?.reason, 'denied')
    assert.equal(view?.declined?.peerId, b.service.peerId)
  })

  it('an unanswered question expires cleanly on both sides', async () => {
    const a = await fleet.device('Away', { timing: { ...FAST, approvalMs: 1_500 } })
    const b = await fleet.device('Waiting one')
    const session = await startAdvertised(a, { approve: true })
    await assert.rejects(b.service.join({ code: session.words.join(' ') }), isCode('approval-timed-out'))
    await neitherStored(a, b)
    const view = (await a.service.getState({})).session
    assert.equal(view?.declined?.reason, 'timed-out')
    assert.equal(view?.approval, null)
  })

  it('a joiner that cancels during the wait leaves nothing behind on either side', async () => {
    const a = await fleet.device('Slow decider')
    const b = await fleet.device('Impatient')
    const session = await startAdvertised(a, { approve: true })
    const asked = nextApproval(a)
    const joined = b.service.join({ code: session.words.join(' ') })
    await asked
    await b.service.cancelJoin({})
    await assert.rejects(joined, isCode('code-cancelled'))
    await eventually(
      'the initiator saw the joiner leave',
      async () => (await a.service.getState({})).session?.declined?.reason === 'withdrawn'
    )
    assert.equal(
      (await a.service.answerApproval({ peerId: b.service.peerId, allow: true })).answered,
      false,
      'a late Allow finds no question'
    )
    await neitherStored(a, b)
  })
})

describe('overheard-code alarm, over the network', { timeout: 120_000 }, () => {
  const fleet = loopbackFleet(3, { timing: FAST })

  it('a second claimant of a used code raises the alarm on both paired devices', async () => {
    const a = await fleet.device('Shown here')
    const b = await fleet.device('Typed here')
    const eve = await fleet.device('Overheard it')
    const alarms = { a: [] as CodeAlarmView[], b: [] as CodeAlarmView[] }
    a.service.on('code-alarm', (e) => alarms.a.push(e))
    b.service.on('code-alarm', (e) => alarms.b.push(e))
    const session = await joinAdvertised(a, b)
    await assert.rejects(eve.service.join({ code: session.words.join(' ') }), isCode('code-used'))

    await eventually('the initiator raised the alarm', () => alarms.a.length === 1)
    const seen = alarms.a[0]!
    assert.equal(seen.claimantPeerId, eve.service.peerId)
    assert.equal(seen.device.peerId, b.service.peerId)
    assert.equal(seen.seenBy, 'this-device')
    assert.equal(seen.path, 'lan', 'a loopback connection counts as the local network')
    assert.ok(seen.secondsAfterPairing >= 0)

    await eventually('the joiner heard it over presence', () => alarms.b.length === 1, { timeoutMs: 20_000 })
    const relayed = alarms.b[0]!
    assert.equal(relayed.claimantPeerId, eve.service.peerId)
    assert.equal(relayed.device.peerId, a.service.peerId)
    assert.equal(relayed.seenBy, 'paired-device')
    assert.equal(relayed.secondsAfterPairing, seen.secondsAfterPairing)
    assert.equal(relayed.path, 'lan')
    // The pairing itself stands; the eavesdropper got nothing.
    assert.equal(await statusOf(b, a.service.peerId), 'paired')
    assert.equal((await eve.service.listDevices({})).length, 0)
  })
})
