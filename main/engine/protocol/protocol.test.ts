import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { PairwiseError } from '../../../shared/errors.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { ephemeralIdentity } from '../identity/identity.ts'
import { ManualClock } from '../../../test-support/engine/manual-clock.ts'
import { memoryPipe } from '../../../test-support/engine/memory-pipe.ts'
import { FramedChannel, MAX_FRAME_BYTES } from './framing.ts'
import { InitiatorSession } from './initiator.ts'
import { runJoiner, type JoinOptions } from './joiner.ts'
import type { ByteDuplex } from './byte-duplex.ts'
import type { LocalIdentity, PairingOutcome } from './types.ts'
import { ChallengeSchema, decodeMessage, encodeMessage, HelloSchema } from './messages.ts'
import { PairingResponder } from './responder.ts'
import {
  answerTo,
  connect,
  deviceNamed,
  join,
  makeInitiator,
  relay,
  type HookLog
} from '../../../test-support/engine/in-memory-pairing.ts'
import { joinerProof } from './transcript.ts'
import { toHex } from '../util/bytes.ts'
import { forgedHello, guessedKeyHello } from '../../../test-support/engine/forged-hello.ts'

const FAST = { readMs: 300, ackMs: 300 }
const never = new AbortController().signal

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof PairwiseError, `expected PairwiseError, got ${String(err)}`)
    assert.equal(err.code, code)
    return true
  })
}

/** Bob's joiner on a raw pipe end, facing whatever the test put at the other end. */
function joinAsBob(
  end: ByteDuplex,
  entropy: Uint8Array,
  joiner: LocalIdentity,
  remotePeerId: string,
  options: Partial<JoinOptions> = {}
): Promise<PairingOutcome> {
  return runJoiner({
    channel: new FramedChannel(end),
    entropy,
    identity: joiner,
    device: deviceNamed('Bob'),
    remotePeerId,
    commit: async () => undefined,
    ...options
  })
}

async function readRefusal(channel: FramedChannel): Promise<string> {
  const msg = decodeMessage(await channel.read(AbortSignal.timeout(2000)), ChallengeSchema)
  assert.equal(msg.t, 'refuse')
  return msg.t === 'refuse' ? msg.reason : ''
}

describe('pairing protocol', () => {
  it('pairs: both sides derive the same pair key and transcript, initiator confirms on Ack', async () => {
    const { session, responder, identity, entropy, log } = await makeInitiator()
    const joinerLog: HookLog = { pending: [], confirmed: [], committed: [] }
    const progress: string[] = []
    const { outcome, identity: joiner } = await join(responder, identity.peerId, entropy, {
      log: joinerLog,
      onProgress: (s) => progress.push(s)
    })

    assert.equal(await session.ended, 'paired')
    assert.equal(log.pending.length, 1)
    assert.equal(log.confirmed.length, 1)
    assert.equal(joinerLog.committed.length, 1)
    const mine = log.confirmed[0]!
    assert.deepEqual(mine.pairKey, outcome.pairKey)
    assert.deepEqual(mine.transcriptHash, outcome.transcriptHash)
    assert.equal(mine.remotePeerId, joiner.peerId)
    assert.equal(outcome.remotePeerId, identity.peerId)
    assert.equal(mine.remoteDevice.name, 'Bob laptop')
    assert.equal(outcome.remoteDevice.name, 'Alice desktop')
    assert.deepEqual(progress, ['verifying', 'committing', 'paired'])
    assert.notDeepEqual(outcome.pairKey, entropy, 'the pair key is derived, not the code itself')
  })

  it('P1 knowledge: a peer that knows the rendezvous id but not the words is refused and counted', async () => {
    const { session, responder, identity, entropy, log } = await makeInitiator()
    const attacker = await ephemeralIdentity()
    const { rendezvous } = deriveCodeKeys(entropy)
    const failures: number[] = []
    session.events.on('attempt-failed', (e) => failures.push(e.sessionFailures))

    const { joinerEnd, served } = connect(responder, attacker.peerId)
    await joinerEnd.write(guessedKeyHello(rendezvous, identity.peerId, attacker.peerId))
    assert.equal(await readRefusal(joinerEnd), 'wrong-code')
    await served

    assert.deepEqual(failures, [1])
    assert.equal(log.pending.length, 0)
    assert.equal(session.state, 'waiting', 'a wrong guess does not end the session')

    // The same attacker with a joiner that uses a different code gets nowhere either.
    await rejectsWith(join(responder, identity.peerId, randomBytes(16), { identity: attacker }), 'no-device-waiting')
    assert.equal(log.pending.length, 0)
  })

  it('P2 mutual: a fake initiator that knows the rendezvous id never makes the joiner commit or reveal its device', async () => {
    const entropy = randomBytes(16)
    const fake = await ephemeralIdentity()
    const joiner = await ephemeralIdentity()
    const [fakeEnd, joinerEnd] = memoryPipe()
    const fakeChannel = new FramedChannel(fakeEnd)
    const seen: string[] = []
    const fakeSide = (async () => {
      const hello = decodeMessage(await fakeChannel.read(never), HelloSchema)
      seen.push(hello.t)
      await fakeChannel.write(
        encodeMessage({
          t: 'challenge',
          nonce: toHex(randomBytes(32)),
          device: deviceNamed('Evil'),
          proof: toHex(randomBytes(32))
        })
      )
      try {
        for (;;) seen.push(new TextDecoder().decode(await fakeChannel.read(AbortSignal.timeout(500))))
      } catch {
        // joiner hung up
      }
    })()
    let committed = 0
    await rejectsWith(
      joinAsBob(joinerEnd, entropy, joiner, fake.peerId, { commit: async () => void committed++, timeouts: FAST }),
      'wrong-code'
    )
    await fakeSide
    assert.equal(committed, 0)
    assert.deepEqual(seen, ['hello'], 'the joiner sent nothing after its Hello')
  })

  it('P3 channel binding: a relay between two authenticated connections fails on both sides', async () => {
    const { session, responder, identity: initiator, entropy, log } = await makeInitiator()
    const mitm = await ephemeralIdentity()
    const joiner = await ephemeralIdentity()
    // Connection 1: joiner <-> mitm (joiner sees mitm's peer id). Connection 2: mitm <-> initiator (initiator sees mitm's).
    const [joinerEnd, mitmFacingJoiner] = memoryPipe()
    const [mitmFacingInitiator, initiatorEnd] = memoryPipe()
    const served = responder.handleStream(initiatorEnd, mitm.peerId)
    const relayed = relay(mitmFacingJoiner, mitmFacingInitiator)
    let committed = 0
    const attempt = joinAsBob(joinerEnd, entropy, joiner, mitm.peerId, {
      commit: async () => void committed++,
      timeouts: FAST
    })
    await rejectsWith(attempt, 'wrong-code')
    await served
    await relayed
    assert.equal(committed, 0)
    assert.equal(log.pending.length, 0)
    assert.equal(session.failedAttempts, 1)
    assert.equal(session.state, 'waiting')
    void initiator
  })

  it('P4 freshness: a recorded joiner transcript replayed into a new session with the same code fails', async () => {
    const entropy = randomBytes(16)
    const initiatorIdentity = await ephemeralIdentity()
    const first = await makeInitiator({ entropy, identity: initiatorIdentity })
    const joiner = await ephemeralIdentity()
    // Record what the joiner sends.
    const recorded: Uint8Array[] = []
    const [jEnd, mEnd] = memoryPipe()
    const [m2, iEnd] = memoryPipe()
    const served = first.responder.handleStream(iEnd, joiner.peerId)
    const tap = relay(mEnd, m2, (direction, frame) => {
      if (direction === 'a->b') recorded.push(frame)
      return true
    })
    await joinAsBob(jEnd, entropy, joiner, initiatorIdentity.peerId)
    await served
    await tap
    assert.equal(recorded.length, 3, 'hello, response, ack')

    // Replay into a second session with the same code — even from the same (authenticated) peer id.
    const second = await makeInitiator({ entropy, identity: initiatorIdentity })
    const { joinerEnd, served: served2 } = connect(second.responder, joiner.peerId)
    await joinerEnd.write(recorded[0]!)
    const challenge = decodeMessage(await joinerEnd.read(AbortSignal.timeout(2000)), ChallengeSchema)
    assert.equal(challenge.t, 'challenge')
    await joinerEnd.write(recorded[1]!)
    await joinerEnd.write(recorded[2]!)
    await assert.rejects(joinerEnd.read(AbortSignal.timeout(2000)))
    await served2
    assert.equal(second.log.pending.length, 0, 'the old signature does not cover the new nonce')
    assert.equal(second.session.state, 'waiting')
  })

  it('P4 freshness: recorded initiator messages replayed to a new joiner fail', async () => {
    const entropy = randomBytes(16)
    const init = await makeInitiator({ entropy })
    const recorded: Uint8Array[] = []
    const joiner = await ephemeralIdentity()
    const [jEnd, mEnd] = memoryPipe()
    const [m2, iEnd] = memoryPipe()
    const served = init.responder.handleStream(iEnd, joiner.peerId)
    const tap = relay(mEnd, m2, (direction, frame) => {
      if (direction === 'b->a') recorded.push(frame)
      return true
    })
    await joinAsBob(jEnd, entropy, joiner, init.identity.peerId)
    await served
    await tap

    const [replayEnd, victimEnd] = memoryPipe()
    const replayer = new FramedChannel(replayEnd)
    const replaying = (async () => {
      await replayer.read(never)
      for (const frame of recorded) await replayer.write(frame).catch(() => undefined)
    })()
    let committed = 0
    await rejectsWith(
      joinAsBob(victimEnd, entropy, joiner, init.identity.peerId, {
        commit: async () => void committed++,
        timeouts: FAST
      }),
      'wrong-code'
    )
    await replaying
    assert.equal(committed, 0)
  })

  it('P5 single use: a second joiner with the same code is told the code is used', async () => {
    const { session, responder, identity, entropy, log } = await makeInitiator()
    await join(responder, identity.peerId, entropy)
    assert.equal(session.state, 'paired')
    await rejectsWith(join(responder, identity.peerId, entropy), 'code-used')
    assert.equal(log.pending.length, 1)
  })

  it('P5 expiry: after the TTL the code is dead and the joiner is told so', async () => {
    const clock = new ManualClock()
    const { session, responder, identity, entropy, log } = await makeInitiator({ clock, ttlMs: 60_000 })
    const states: string[] = []
    session.events.on('state', (e) => states.push(e.state))
    clock.advance(59_999)
    assert.equal(session.state, 'waiting')
    clock.advance(1)
    assert.equal(session.state, 'expired')
    assert.equal(await session.ended, 'expired')
    assert.deepEqual(states, ['expired'])
    await rejectsWith(join(responder, identity.peerId, entropy, { timeouts: FAST }), 'code-expired')
    assert.equal(log.pending.length, 0)
  })

  it('P5 cancel: a cancelled code refuses joiners; TTL outside 1–10 minutes is rejected', async () => {
    const { session, responder, identity, entropy } = await makeInitiator()
    assert.equal(session.cancel(), true)
    assert.equal(session.state, 'cancelled')
    await rejectsWith(join(responder, identity.peerId, entropy), 'code-cancelled')
    for (const ttlMs of [59_999, 600_001]) {
      await assert.rejects(
        makeInitiator({ ttlMs }),
        (e: unknown) => e instanceof PairwiseError && e.code === 'invalid-argument'
      )
    }
  })

  it('P6 attempt limits: a peer past the limit is no longer answered, others still pair', async () => {
    const { session, responder, identity, entropy } = await makeInitiator({ limits: { maxFailuresPerPeer: 3 } })
    const attacker = await ephemeralIdentity()
    const events: Array<{ peerFailures: number; blocked: boolean }> = []
    session.events.on('attempt-failed', (e) => events.push({ peerFailures: e.peerFailures, blocked: e.blocked }))
    const { rendezvous } = deriveCodeKeys(entropy)
    const wrongButSameRendezvous = (): Promise<string> =>
      answerTo(responder, attacker.peerId, forgedHello(toHex(rendezvous)))
    assert.equal(await wrongButSameRendezvous(), 'wrong-code')
    assert.equal(await wrongButSameRendezvous(), 'wrong-code')
    assert.equal(await wrongButSameRendezvous(), 'wrong-code')
    assert.equal(await wrongButSameRendezvous(), 'attempts-exceeded')
    assert.deepEqual(events, [
      { peerFailures: 1, blocked: false },
      { peerFailures: 2, blocked: false },
      { peerFailures: 3, blocked: true }
    ])
    // Even with the right words, the blocked peer stays blocked for this session.
    await rejectsWith(join(responder, identity.peerId, entropy, { identity: attacker }), 'attempts-exceeded')
    assert.equal(session.failedAttempts, 3)
    // Someone else with the words still pairs.
    await join(responder, identity.peerId, entropy)
    assert.equal(session.state, 'paired')
  })

  it('P7 lost Complete: the joiner never commits, the initiator is left pending only', async () => {
    const { session, responder, identity: initiator, entropy, log } = await makeInitiator({ timeouts: FAST })
    const joiner = await ephemeralIdentity()
    const [jEnd, mEnd] = memoryPipe()
    const [m2, iEnd] = memoryPipe()
    const served = responder.handleStream(iEnd, joiner.peerId)
    // b->a frames: 0 = challenge, 1 = complete. Drop the Complete.
    const relayed = relay(mEnd, m2, (direction, _frame, index) => !(direction === 'b->a' && index === 1))
    let committed = 0
    await rejectsWith(
      joinAsBob(jEnd, entropy, joiner, initiator.peerId, { commit: async () => void committed++, timeouts: FAST }),
      'timed-out'
    )
    await served
    await relayed.catch(() => undefined)
    assert.equal(committed, 0)
    assert.equal(log.pending.length, 1)
    assert.equal(log.confirmed.length, 0)
    assert.equal(await session.ended, 'unconfirmed')
  })

  it('P7 lost Ack: the joiner commits, the initiator stays pending until reconciled', async () => {
    const { session, responder, identity: initiator, entropy, log } = await makeInitiator({ timeouts: FAST })
    const joiner = await ephemeralIdentity()
    const [jEnd, mEnd] = memoryPipe()
    const [m2, iEnd] = memoryPipe()
    const served = responder.handleStream(iEnd, joiner.peerId)
    // a->b frames: 0 = hello, 1 = response, 2 = ack. Drop the Ack.
    const relayed = relay(mEnd, m2, (direction, _frame, index) => !(direction === 'a->b' && index === 2))
    const paired: boolean[] = []
    session.events.on('paired', (e) => paired.push(e.confirmed))
    let committed = 0
    await joinAsBob(jEnd, entropy, joiner, initiator.peerId, { commit: async () => void committed++ })
    await served
    await relayed.catch(() => undefined)
    assert.equal(committed, 1)
    assert.equal(log.pending.length, 1)
    assert.equal(log.confirmed.length, 0)
    assert.equal(await session.ended, 'unconfirmed')
    assert.deepEqual(paired, [false])
  })

  it('P7 a failed joiner commit sends no Ack', async () => {
    const { session, responder, identity, entropy, log } = await makeInitiator({ timeouts: FAST })
    await rejectsWith(
      join(responder, identity.peerId, entropy, {
        commit: async () => {
          throw new PairwiseError('storage-error', 'disk full')
        }
      }),
      'storage-error'
    )
    assert.equal(log.confirmed.length, 0)
    assert.equal(await session.ended, 'unconfirmed')
  })

  it('P8 garbage, oversized frames and unknown rendezvous ids create no state and never throw', async () => {
    const { session, responder, identity, entropy } = await makeInitiator()
    const stranger = await ephemeralIdentity()
    const cases: Array<Uint8Array> = [
      randomBytes(200), // random bytes: a frame header claiming some length, then junk
      Uint8Array.of(0xff, 0xff, 1, 2, 3), // header says 65535 bytes: over the cap
      Uint8Array.of(0, 0), // empty frame
      new Uint8Array([0, 5, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b]), // "{{{{{": not JSON
      (() => {
        const body = new TextEncoder().encode(
          JSON.stringify({ t: 'hello', v: 1, rendezvous: 'zz', nonce: 'x', proof: 'y', extra: 1 })
        )
        return Uint8Array.of(0, body.length, ...body)
      })()
    ]
    for (const bytes of cases) {
      const [a, b] = memoryPipe()
      const served = responder.handleStream(a, stranger.peerId)
      await b.write(bytes)
      await b.close()
      await served
    }
    // A well-formed Hello for a rendezvous nobody is waiting for.
    assert.equal(await answerTo(responder, stranger.peerId, forgedHello()), 'no-device-waiting')

    assert.equal(responder.activeStreams, 0)
    assert.equal(responder.sessionCount, 1)
    assert.equal(session.failedAttempts, 0, 'strangers without our rendezvous are not even counted')
    assert.equal(session.state, 'waiting')
    assert.ok((responder.stats.refused['protocol-error'] ?? 0) >= 4)
    // And the real pairing still works.
    await join(responder, identity.peerId, entropy)
    assert.equal(session.state, 'paired')
  })

  it('P8 an oversized frame is refused from its header alone, and frames over the cap cannot be sent', async () => {
    const [a, b] = memoryPipe()
    const channel = new FramedChannel(a)
    await b.write(Uint8Array.of(0x10, 0x01)) // 4097 bytes announced, none sent
    await assert.rejects(
      channel.read(AbortSignal.timeout(1000)),
      (e: unknown) => e instanceof PairwiseError && e.code === 'protocol-error'
    )
    await assert.rejects(
      new FramedChannel(b).write(new Uint8Array(MAX_FRAME_BYTES + 1)),
      (e: unknown) => e instanceof PairwiseError && e.code === 'protocol-error'
    )
  })

  it('P8 a silent stranger is dropped after the Hello timeout', async () => {
    const clock = new ManualClock()
    const responder = new PairingResponder({ clock, limits: { helloTimeoutMs: 5000 } })
    const stranger = await ephemeralIdentity()
    const [a] = memoryPipe()
    const served = responder.handleStream(a, stranger.peerId)
    await Promise.resolve()
    assert.equal(responder.activeStreams, 1)
    clock.advance(5000)
    await served
    assert.equal(responder.activeStreams, 0)
    assert.equal(responder.stats.refused['timed-out'], 1)
  })

  it('P8 streams beyond the waiting cap evict the oldest waiting stream (busy); the newcomer is served', async () => {
    const responder = new PairingResponder({ limits: { maxWaiting: 2, helloTimeoutMs: 2000 } })
    const stranger = await ephemeralIdentity()
    const held = [memoryPipe(), memoryPipe()]
    const serving = held.map(([a], i) => responder.handleStream(a, `${stranger.peerId}-${i}`, `host-${i}`))
    const { joinerEnd, served } = connect(responder, stranger.peerId)
    assert.equal(await readRefusal(new FramedChannel(held[0]![1])), 'busy', 'the oldest waiting stream made room')
    await joinerEnd.write(forgedHello())
    assert.equal(await readRefusal(joinerEnd), 'no-device-waiting', 'the newcomer was read')
    await served
    for (const [, b] of held) await b.close()
    await Promise.all(serving)
    assert.equal(responder.activeStreams, 0)
    assert.equal(responder.turnedAway, 1)
  })

  it('version mismatch is refused with a typed error', async () => {
    const { responder, identity, entropy } = await makeInitiator()
    const stranger = await ephemeralIdentity()
    const { rendezvous, authKey } = deriveCodeKeys(entropy)
    const nonce = randomBytes(32)
    const proof = joinerProof(authKey, {
      version: 2,
      rendezvous,
      initiatorPeerId: identity.peerId,
      joinerPeerId: stranger.peerId,
      joinerNonce: nonce
    })
    const { joinerEnd, served } = connect(responder, stranger.peerId)
    await joinerEnd.write(
      encodeMessage({ t: 'hello', v: 2, rendezvous: toHex(rendezvous), nonce: toHex(nonce), proof: toHex(proof) })
    )
    assert.equal(await readRefusal(joinerEnd), 'version-mismatch')
    await served
  })

  it('a joiner verifies the signature against the Noise-authenticated peer id, not a key it is sent', async () => {
    // The initiator signs correctly, but the joiner believes it is talking to another peer id:
    // the proofs already bind the peer ids, so this fails before any signature is checked.
    const { responder, entropy } = await makeInitiator()
    const other = await ephemeralIdentity()
    await rejectsWith(join(responder, other.peerId, entropy, { timeouts: FAST }), 'wrong-code')
  })

  it('cancel after a joiner was verified does not break the pairing (P7 over UI actions)', async () => {
    const session0 = await makeInitiator()
    let cancelled: boolean | undefined
    session0.session.events.on('verifying', () => {
      queueMicrotask(() => {
        cancelled = session0.session.cancel()
      })
    })
    await rejectsWith(join(session0.responder, session0.identity.peerId, session0.entropy), 'code-cancelled')
    assert.equal(cancelled, true, 'cancel while only verifying ends the session')
    assert.equal(session0.log.pending.length, 0)
    void InitiatorSession
  })

  it('P2: an initiator that knows the code but signs Complete with a key other than its peer id is refused; nothing is committed', async () => {
    // The session proves knowledge under its real peer id but signs with a different key.
    const real = await ephemeralIdentity()
    const other = await ephemeralIdentity()
    const { responder, entropy, log } = await makeInitiator({
      identity: { peerId: real.peerId, privateKey: other.privateKey },
      timeouts: FAST
    })
    let committed = 0
    await rejectsWith(
      join(responder, real.peerId, entropy, { commit: async () => void committed++, timeouts: FAST }),
      'protocol-error'
    )
    assert.equal(committed, 0)
    assert.equal(log.confirmed.length, 0)
  })

  it('P8: one peer may hold only a couple of waiting streams: its own oldest makes room; others are untouched', async () => {
    const responder = new PairingResponder({ limits: { maxWaitingPerPeer: 2, helloTimeoutMs: 2000 } })
    const greedy = await ephemeralIdentity()
    const held = [memoryPipe(), memoryPipe()]
    const serving = held.map(([a]) => responder.handleStream(a, greedy.peerId))
    const polite = await ephemeralIdentity()
    const other = connect(responder, polite.peerId)
    const third = connect(responder, greedy.peerId)
    assert.equal(await readRefusal(new FramedChannel(held[0]![1])), 'busy', "greedy's oldest stream was evicted")
    await other.joinerEnd.write(forgedHello())
    assert.equal(await readRefusal(other.joinerEnd), 'no-device-waiting', 'another peer is answered normally')
    await other.served
    await third.joinerEnd.close()
    await third.served
    for (const [, b] of held) await b.close()
    await Promise.all(serving)
  })

  it('P7: a Refuse in place of the final Ack never confirms the pairing', async () => {
    const { session, responder, identity, entropy, log } = await makeInitiator({ timeouts: FAST })
    const joiner = await ephemeralIdentity()
    const [jEnd, mEnd] = memoryPipe()
    const [m2, iEnd] = memoryPipe()
    const served = responder.handleStream(iEnd, joiner.peerId)
    const forward = new FramedChannel(m2)
    // Swap the joiner's Ack (a->b frame 2) for a refusal.
    const relayed = relay(mEnd, m2, (direction, _frame, index) => {
      if (direction === 'a->b' && index === 2) {
        void forward.write(encodeMessage({ t: 'refuse', reason: 'internal' }))
        return false
      }
      return true
    })
    await joinAsBob(jEnd, entropy, joiner, identity.peerId)
    await served
    await relayed.catch(() => undefined)
    assert.equal(log.pending.length, 1)
    assert.equal(log.confirmed.length, 0)
    assert.equal(await session.ended, 'unconfirmed')
  })
})
