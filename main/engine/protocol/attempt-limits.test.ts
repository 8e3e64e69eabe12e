// P6 as the design states it: failed proofs are capped per remote peer and
// per session, and both caps hold however many peers were blocked before
// (issue 10, item 2: past 1,024 blocked peers a fresh peer used to be answered
// forever, and one session answered 3,512 wrong proofs). Over in-memory pipes:
// wrong proofs are refused before any peer-id cryptography, so peer ids here
// are plain strings, thousands of them in a second.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { forgedHello } from '../../../test-support/engine/forged-hello.ts'
import { answerTo, join, makeInitiator } from '../../../test-support/engine/in-memory-pairing.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { FailureSketch } from './failure-sketch.ts'
import type { PairingResponder } from './responder.ts'
import { toHex } from '../util/bytes.ts'

/** One wrong-proof Hello for the live session from `peerId`; resolves with the initiator's answer. */
const wrongProof = (responder: PairingResponder, rendezvous: string, peerId: string): Promise<string> =>
  answerTo(responder, peerId, forgedHello(rendezvous))

async function blockPeers(
  responder: PairingResponder,
  rendezvous: string,
  count: number,
  perPeer: number
): Promise<string[]> {
  const peers = Array.from({ length: count }, (_, i) => `attacker-${i}`)
  for (const peer of peers) {
    // The sketch never undercounts; a peer whose counters others share may be stopped an attempt early.
    const answers: string[] = []
    for (let i = 0; i < perPeer; i++) answers.push(await wrongProof(responder, rendezvous, peer))
    assert.equal(answers[0], 'wrong-code')
    assert.ok(
      answers.every((a, i) => a === 'wrong-code' || answers.slice(i).every((b) => b === 'attempts-exceeded')),
      `answered until blocked, then refused: ${answers.join(', ')}`
    )
  }
  return peers
}

describe('P6 attempt limits', { timeout: 120_000 }, () => {
  it('the per-peer cap holds past 1,024 blocked peers: a fresh peer is blocked after 3, memory stays fixed', async () => {
    const sketchBytes = new FailureSketch().bytes
    const { session, responder, entropy, identity } = await makeInitiator({ limits: { maxFailuresPerSession: 10_000 } })
    const rendezvous = toHex(deriveCodeKeys(entropy).rendezvous)
    const blocked = await blockPeers(responder, rendezvous, 1_100, 3)
    assert.equal(session.blockedPeers, 1_100)
    // Every one of them, the first blocked included, is still refused without its proof being read.
    for (const peer of [blocked[0]!, blocked[512]!, blocked.at(-1)!])
      assert.equal(await wrongProof(responder, rendezvous, peer), 'attempts-exceeded')

    const fresh = 'fresh-peer'
    const answers: string[] = []
    for (let i = 0; i < 200; i++) answers.push(await wrongProof(responder, rendezvous, fresh))
    const answered = answers.filter((a) => a === 'wrong-code').length
    assert.ok(answered >= 1 && answered <= 3, `at most 3 wrong proofs answered, got ${answered}`)
    assert.ok(
      answers.slice(answered).every((a) => a === 'attempts-exceeded'),
      'blocked after at most 3, for every attempt after'
    )
    assert.equal(session.blockedPeers, 1_101)
    assert.ok(session.failedAttempts <= 3_303, 'refused-before-reading attempts are not proofs checked')
    assert.equal(session.state, 'waiting', 'under the session cap the code still works')
    assert.equal(new FailureSketch().bytes, sketchBytes, 'the per-peer memory does not depend on the peers')

    // The real joiner, who knows the words, still pairs.
    const { outcome } = await join(responder, identity.peerId, entropy)
    assert.equal(outcome.role, 'joiner')
    assert.equal(await session.ended, 'paired')
  })

  it('the per-session cap holds past 1,024 blocked peers: the code is burnt and the session ends failed', async () => {
    const cap = 3_500
    const { session, responder, entropy, identity } = await makeInitiator({ limits: { maxFailuresPerSession: cap } })
    const rendezvous = toHex(deriveCodeKeys(entropy).rendezvous)
    const burnt: number[] = []
    session.events.on('burnt', ({ sessionFailures }) => burnt.push(sessionFailures))
    await blockPeers(responder, rendezvous, 1_150, 3)
    assert.equal(session.blockedPeers, 1_150)
    assert.equal(session.state, 'waiting')
    // About 3,450 so far (a peer whose sketch counters others share may have been stopped a proof
    // early); fresh peers, one wrong proof each, take it to the cap.
    const before = session.failedAttempts
    assert.ok(before > 3_000 && before <= 3_450, `failures so far: ${before}`)
    const answers: string[] = []
    for (let i = 0; i < cap - before + 10; i++) answers.push(await wrongProof(responder, rendezvous, `late-${i}`))
    const burntAt = answers.lastIndexOf('wrong-code') + 1
    assert.ok(
      answers.slice(burntAt).length >= 10 && answers.slice(burntAt).every((a) => a === 'attempts-exceeded'),
      'after the cap every Hello is refused'
    )
    assert.equal(session.failedAttempts, cap)
    assert.deepEqual(burnt, [cap])
    assert.equal(session.state, 'failed')
    assert.equal(session.burnt, true)
    // The words themselves no longer work: the person is told to make a new code.
    await assert.rejects(
      join(responder, identity.peerId, entropy),
      (e: unknown) => e instanceof PairwiseError && e.code === 'attempts-exceeded'
    )
  })

  it('with the default limits, 64 wrong proofs burn a code whatever the peer ids', async () => {
    const { session, responder, entropy } = await makeInitiator()
    const rendezvous = toHex(deriveCodeKeys(entropy).rendezvous)
    for (let i = 0; i < 64; i++) assert.equal(await wrongProof(responder, rendezvous, `peer-${i}`), 'wrong-code')
    assert.equal(session.state, 'failed')
    assert.equal(await wrongProof(responder, rendezvous, 'peer-64'), 'attempts-exceeded')
  })
})
