// A slip in the 12 words never costs a retry: the joiner probes the close
// variants by their public rendezvous and pairs with the one a device waits
// for, telling the person what was fixed — and never sends a proof for a guess.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { JoinProgress } from '../../../shared/api.ts'
import { generateCode, isWord, nearMisses } from '../../../shared/code/index.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { loopbackFleet, startAdvertised, type TestDevice } from '../../../test-support/engine/loopback-network.ts'

const FAST = { reconnectMs: 400, joinTimeoutMs: 30_000, lanWaitMs: 500, dhtPatienceMs: 3_000 }

/** B joins A's code as typed; resolves with what B told the person on the way. */
async function joinTyped(a: TestDevice, b: TestDevice, typed: string[]): Promise<string[]> {
  const said = progressOf(b)
  const device = await b.service.join({ code: typed.join(' ') })
  assert.equal(device.peerId, a.service.peerId)
  return said
}

function progressOf(device: TestDevice): string[] {
  const messages: string[] = []
  device.service.on('join-progress', (p: JoinProgress) => messages.push(p.message))
  return messages
}

describe('typo recovery before any proof is sent', { timeout: 120_000 }, () => {
  const fleet = loopbackFleet(3, { timing: FAST })

  it('two swapped words pair on the first try, and the person is told what was fixed', async () => {
    const a = await fleet.device('Initiator')
    const b = await fleet.device('Joiner')
    const words = (await startAdvertised(a)).words
    const typed = [...words]
    ;[typed[2], typed[3]] = [typed[3]!, typed[2]!]
    const said = await joinTyped(a, b, typed)
    assert.ok(
      said.some((m) => m.includes('words 3 and 4 were swapped')),
      said.join('\n')
    )
    assert.equal((await a.service.getState({})).session?.failedAttempts, 0, 'no wrong proof reached the initiator')
  })

  it('a misheard word (not on the list) is corrected the same way', async () => {
    const a = await fleet.device('Initiator 2')
    const b = await fleet.device('Joiner 2')
    const words = (await startAdvertised(a)).words
    // Drop a letter of some word, as a hurried typist would, where that is not itself a list word.
    let typed: string[] | undefined
    for (let p = 0; p < words.length && typed === undefined; p++) {
      const w = words[p]!
      const slip = w.slice(0, 2) + w.slice(3)
      const candidate = words.map((x, i) => (i === p ? slip : x))
      if (!isWord(slip) && nearMisses(candidate).some((m) => m.words.join(' ') === words.join(' '))) typed = candidate
    }
    assert.ok(typed !== undefined, 'a dropped letter is recoverable for some word of the code')
    const said = await joinTyped(a, b, typed)
    assert.ok(
      said.some((m) => m.startsWith('Corrected: word ')),
      said.join('\n')
    )
  })

  it('a wrong code probes and fails without sending a single proof', async () => {
    const a = await fleet.device('Initiator 3')
    const b = await fleet.device('Joiner 3')
    await startAdvertised(a)
    const stranger = generateCode().words
    await assert.rejects(
      b.service.join({ code: stranger.join(' ') }),
      (err: unknown) => err instanceof PairwiseError && err.code === 'no-device-waiting'
    )
    assert.equal((await a.service.getState({})).session?.failedAttempts, 0, 'the initiator saw no attempt')
    assert.equal((await b.service.listDevices({})).length, 0)
  })
})
