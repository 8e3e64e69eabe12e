// Issue 12 over in-memory pipes: the person at the initiator sees who proved
// the code and Allows or Denies it before anything is stored (P7 holds on
// every path); a later claimant of a used code raises the overheard alarm.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CODE_ALARM_GRACE_MS } from '../../../shared/limits.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { ephemeralIdentity } from '../identity/identity.ts'
import { ManualClock } from '../../../test-support/engine/manual-clock.ts'
import { connect, deviceNamed, join, makeInitiator } from '../../../test-support/engine/in-memory-pairing.ts'
import { runJoiner, type ApprovalNotice } from './joiner.ts'
import type { ApprovalRequest } from './initiator-contract.ts'
import type { InitiatorSession } from './initiator.ts'

const APPROVAL_MS = 60_000

function nextApproval(session: InitiatorSession): Promise<ApprovalRequest> {
  return new Promise((resolve) => {
    const off = session.events.on('approval', (request) => {
      off()
      resolve(request)
    })
  })
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof PairwiseError && err.code === code)
}

/** Joins, recording what the joiner's person is shown while it waits. */
function joinWatching(...args: Parameters<typeof join>): { done: ReturnType<typeof join>; waits: ApprovalNotice[] } {
  const waits: ApprovalNotice[] = []
  const [responder, peerId, entropy, options = {}] = args
  const done = join(responder, peerId, entropy, {
    ...options,
    onProgress: (step, wait) => {
      if (step === 'awaiting-approval' && wait !== undefined) waits.push(wait)
    }
  })
  return { done, waits }
}

describe('approval: the initiator asks its person before committing', () => {
  it('Allow pairs both, and both screens showed the same check string', async () => {
    const { session, responder, identity, entropy, log } = await makeInitiator({ approvalMs: APPROVAL_MS })
    const asked = nextApproval(session)
    const { done, waits } = joinWatching(responder, identity.peerId, entropy, { log })
    const request = await asked
    assert.equal(session.state, 'approving')
    assert.equal(request.device.name, 'Bob laptop')
    assert.match(request.check, /^\d{3} \d{3}$/)
    assert.equal(log.pending.length + log.committed.length, 0, 'nothing is stored while the person decides')
    assert.equal(session.answerApproval(request.peerId, true), true)
    const { outcome } = await done
    assert.equal(session.state, 'paired')
    assert.deepEqual(
      waits.map((w) => w.check),
      [request.check],
      'the joiner showed the same six digits'
    )
    assert.equal(waits[0]!.ms, APPROVAL_MS)
    assert.equal(log.committed.length, 1)
    assert.equal(log.confirmed.length, 1)
    assert.deepEqual(log.confirmed[0]!.transcriptHash, outcome.transcriptHash)
  })

  it('Deny stores nothing on either side, refuses that peer again, and lets another device pair', async () => {
    const { session, responder, identity, entropy, log } = await makeInitiator({ approvalMs: APPROVAL_MS })
    const stranger = await ephemeralIdentity()
    const asked = nextApproval(session)
    const attempt = join(responder, identity.peerId, entropy, { identity: stranger, log })
    session.answerApproval((await asked).peerId, false)
    await rejectsWith(attempt, 'denied')
    assert.equal(session.state, 'waiting', 'the code still works for the right device')
    assert.deepEqual([log.pending.length, log.committed.length], [0, 0])
    await rejectsWith(join(responder, identity.peerId, entropy, { identity: stranger, log }), 'denied')

    const second = nextApproval(session)
    const rightOne = join(responder, identity.peerId, entropy, { log })
    session.answerApproval((await second).peerId, true)
    await rightOne
    assert.equal(session.state, 'paired')
    assert.equal(log.committed.length, 1)
  })

  it('an unanswered question ends on both sides with a typed outcome and nothing stored', async () => {
    const clock = new ManualClock()
    const { session, responder, identity, entropy, log } = await makeInitiator({ approvalMs: APPROVAL_MS, clock })
    const ended: string[] = []
    session.events.on('approval-ended', (e) => ended.push(e.decision))
    const asked = nextApproval(session)
    const attempt = join(responder, identity.peerId, entropy, { clock, log })
    await asked
    clock.advance(APPROVAL_MS)
    await rejectsWith(attempt, 'approval-timed-out')
    assert.deepEqual(ended, ['timed-out'])
    assert.equal(session.state, 'waiting')
    assert.deepEqual([log.pending.length, log.committed.length], [0, 0])
  })

  it('a joiner that gives up during the wait ends the question, and nothing is stored', async () => {
    const { session, responder, identity, entropy, log } = await makeInitiator({ approvalMs: APPROVAL_MS })
    const ended = new Promise((resolve) => session.events.on('approval-ended', (e) => resolve(e.decision)))
    const giveUp = new AbortController()
    const asked = nextApproval(session)
    const attempt = join(responder, identity.peerId, entropy, { signal: giveUp.signal, log })
    const request = await asked
    giveUp.abort()
    await assert.rejects(attempt)
    assert.equal(await ended, 'withdrawn')
    assert.equal(session.state, 'waiting')
    assert.equal(session.answerApproval(request.peerId, true), false, 'a late Allow changes nothing')
    assert.deepEqual([log.pending.length, log.committed.length], [0, 0])
  })

  it('the code expiring during the wait tells the joiner so, and nothing is stored', async () => {
    const clock = new ManualClock()
    const { session, responder, identity, entropy, log } = await makeInitiator({
      approvalMs: APPROVAL_MS,
      ttlMs: 60_000,
      clock
    })
    clock.advance(30_000)
    const asked = nextApproval(session)
    const attempt = join(responder, identity.peerId, entropy, { clock, log })
    await asked
    clock.advance(30_000)
    await rejectsWith(attempt, 'code-expired')
    assert.equal(session.state, 'expired')
    assert.deepEqual([log.pending.length, log.committed.length], [0, 0])
  })

  it('a second device that proves the code during the wait is told busy, not paired', async () => {
    const { session, responder, identity, entropy, log } = await makeInitiator({ approvalMs: APPROVAL_MS })
    const asked = nextApproval(session)
    const first = join(responder, identity.peerId, entropy, { log })
    const request = await asked
    await rejectsWith(join(responder, identity.peerId, entropy, { log }), 'busy')
    session.answerApproval(request.peerId, true)
    await first
    assert.equal(log.committed.length, 1)
  })
})

describe('overheard-code alarm', () => {
  it('a later claimant who proves the used code is reported with how long after; a wrong code is not', async () => {
    const clock = new ManualClock()
    const { session, responder, identity, entropy } = await makeInitiator({ clock, ttlMs: 60_000 })
    const claims: Array<{ peerId: string; afterMs: number }> = []
    session.events.on('overheard', (c) => claims.push(c))
    await join(responder, identity.peerId, entropy, { clock })
    clock.advance(7_000)
    const eavesdropper = await ephemeralIdentity()
    await rejectsWith(join(responder, identity.peerId, entropy, { identity: eavesdropper, clock }), 'code-used')
    await rejectsWith(join(responder, identity.peerId, new Uint8Array(16).fill(7), { clock }), 'no-device-waiting')
    assert.deepEqual(claims, [{ peerId: eavesdropper.peerId, via: undefined, afterMs: 7_000 }])

    // After the TTL and the grace period the auth key is gone: no more alarms, still "used".
    assert.equal(session.watching, true)
    clock.advance(60_000 + CODE_ALARM_GRACE_MS)
    assert.equal(session.watching, false)
    await rejectsWith(join(responder, identity.peerId, entropy, { clock }), 'code-used')
    assert.equal(claims.length, 1)
  })

  it('a code that expired unused keeps no secret to check with', async () => {
    const clock = new ManualClock()
    const { session } = await makeInitiator({ clock, ttlMs: 60_000 })
    clock.advance(60_000)
    assert.equal(session.state, 'expired')
    assert.equal(session.watching, false)
  })

  it('the joiner refuses a Response that does not open its commitment (the check string cannot be steered)', async () => {
    const { responder, identity, entropy, log } = await makeInitiator({ approvalMs: APPROVAL_MS })
    const joiner = await ephemeralIdentity()
    const { joinerEnd, served } = connect(responder, joiner.peerId)
    // A joiner whose channel swaps the reveal for another value: the initiator must notice.
    const tampering = {
      write: (body: Uint8Array) => {
        const text = new TextDecoder().decode(body)
        const swapped = text.replace(/"reveal":"[0-9a-f]{64}"/, `"reveal":"${'ab'.repeat(32)}"`)
        return joinerEnd.write(new TextEncoder().encode(swapped))
      },
      read: (signal: AbortSignal) => joinerEnd.read(signal),
      close: () => joinerEnd.close(),
      abort: (reason: string) => joinerEnd.abort(reason)
    } as unknown as typeof joinerEnd
    await assert.rejects(
      runJoiner({
        channel: tampering,
        entropy,
        identity: joiner,
        device: deviceNamed('Mallory'),
        remotePeerId: identity.peerId,
        commit: async (o) => void log.committed.push(o)
      })
    )
    await served
    assert.deepEqual([log.pending.length, log.committed.length], [0, 0])
  })
})
