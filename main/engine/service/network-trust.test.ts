// P6–P9 with real devices on 127.0.0.1 (the pairing properties P1–P3 are in network.test.ts).
// Two (or more) real devices on 127.0.0.1: real libp2p nodes, real sockets,
// real SQLite files in temp folders. No mDNS here (see e2e/netns for the LAN).
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { PairwiseError } from '../../../shared/errors.ts'
import { parseCodeOrThrow } from '../../../shared/code/index.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { FileSecretStore } from '../identity/file-secret-store.ts'
import { PAIR_PROTOCOL, raceJoin } from '../node/join-race.ts'
import { createNode } from '../node/libp2p-node.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import { PRESENCE_PROTOCOL, REVOKE_PROTOCOL } from '../trust/messages.ts'
import { streamDuplex } from '../node/stream-duplex.ts'
import { FramedChannel } from '../protocol/framing.ts'
import { decodeMessage, encodeMessage, HelloSchema, PROTOCOL_VERSION } from '../protocol/messages.ts'
import { toHex } from '../util/bytes.ts'
import { deviceNamed } from '../../../test-support/engine/in-memory-pairing.ts'
import { eventually } from '../../../test-support/eventually.ts'
import { Registry } from '../registry/registry.ts'
import { dataFiles } from './data-dir.ts'
import { loseAckAfterCommit } from '../../../test-support/engine/faults.ts'
import {
  LOOPBACK,
  bareNode,
  startAdvertised,
  loopbackFleet,
  statusOf,
  type TestDevice
} from '../../../test-support/engine/loopback-network.ts'

const FAST = { reconnectMs: 400, joinTimeoutMs: 20_000, lanWaitMs: 500, dhtPatienceMs: 10_000 }

describe('trust over libp2p on loopback: attempts, lost messages, revocation', { timeout: 120_000 }, () => {
  const fleet = loopbackFleet(10, { timing: FAST })
  const device = (name: string, extra: Parameters<typeof fleet.device>[1] = {}): Promise<TestDevice> =>
    fleet.device(name, extra)

  it('P6/P8: 50 peers with wrong proofs do not stop a real pairing', async () => {
    const a = await device('Under attack')
    const b = await device('Real joiner')
    const session = await startAdvertised(a)
    const { rendezvous } = deriveCodeKeys(parseCodeOrThrow(session.words.join(' ')).entropy)
    const target = loopbackAddr(a)
    const attackers = await Promise.all(Array.from({ length: 50 }, () => bareNode()))
    try {
      const attack = Promise.allSettled(
        attackers.map(async (attacker) => {
          const stream = await attacker.dialProtocol(target, PAIR_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
          const channel = new FramedChannel(streamDuplex(stream))
          await channel.write(
            encodeMessage({
              t: 'hello',
              v: PROTOCOL_VERSION,
              rendezvous: toHex(rendezvous),
              nonce: toHex(randomBytes(32)),
              proof: toHex(randomBytes(32))
            })
          )
          const reply = decodeMessage(await channel.read(AbortSignal.timeout(10_000)), HelloSchema)
          return reply.t === 'refuse' ? reply.reason : 'answered'
        })
      )
      const joined = await b.service.join({ code: session.words.join(' ') })
      assert.equal(joined.peerId, a.service.peerId)
      const outcomes = (await attack).map((r) => (r.status === 'fulfilled' ? r.value : 'stream-failed'))
      const state = await a.service.getState({})
      // Every attacker was turned away: with "wrong code" while the session waited, "code used" after.
      for (const outcome of outcomes)
        assert.ok(['wrong-code', 'code-used', 'busy'].includes(outcome), `attacker outcome ${outcome}`)
      assert.equal(state.session?.failedAttempts, outcomes.filter((o) => o === 'wrong-code').length)
      assert.deepEqual(
        state.devices.map((d) => d.peerId),
        [b.service.peerId]
      )
    } finally {
      await Promise.all(attackers.map((n) => n.stop()))
    }
  })

  it('P7: the final Ack is lost on the wire; the next presence check makes both sides agree', async () => {
    const a = await device('Ack never arrives')
    const b = await device('Ack sender')
    loseAckAfterCommit(b, a.service.peerId)
    const session = await startAdvertised(a)
    await b.service.join({ code: session.words.join(' ') })
    assert.equal(await statusOf(b, a.service.peerId), 'paired')
    await eventually(
      'A left the session unconfirmed',
      async () => (await a.service.getState({})).session?.state === 'unconfirmed'
    )
    await eventually(
      'presence confirmed the pairing on A',
      async () => (await statusOf(a, b.service.peerId)) === 'paired'
    )
  })

  it('P7: a pending pairing the other side does not know is dropped at the next presence check', async () => {
    const a = await device('Holds a stale pending')
    const b = await device('Never committed')
    // As if B never received Complete: A holds a pending record, B holds none.
    // Written through a second connection to A's registry file, as another process of A's would.
    const registry = Registry.open(dataFiles(a.dataDir).registry)
    registry.recordPairing({
      peerId: b.service.peerId,
      name: 'Never committed',
      os: 'Linux',
      appVersion: '0.1.0',
      addresses: b.service.multiaddrs(),
      pairKeySealed: await FileSecretStore.open(a.dataDir).seal(randomBytes(32)),
      status: 'pending-confirmation'
    })
    registry.close()
    await eventually('A dropped the one-sided pairing', async () => (await statusOf(a, b.service.peerId)) === undefined)
    assert.equal(await statusOf(b, a.service.peerId), undefined)
  })

  it('P9: revocation reaches an online peer at once and holds in both directions, also after restarts', async () => {
    const a = await device('Revoker')
    const b = await device('Revoked')
    const session = await startAdvertised(a)
    await b.service.join({ code: session.words.join(' ') })
    await eventually('both paired', async () => (await statusOf(a, b.service.peerId)) === 'paired')
    const removed = new Promise((resolve) => b.service.on('removed-by-peer', resolve))
    const revoked = await a.service.revokeDevice({ peerId: b.service.peerId })
    assert.equal(revoked.status, 'revoked')
    await removed
    assert.equal(await statusOf(b, a.service.peerId), 'removed-by-peer')
    await eventually('notice marked delivered', async () => (await a.service.getMetrics({})).revocationsPending === 0)

    for (const d of [a, b]) await d.restart()
    assert.equal(await statusOf(a, b.service.peerId), 'revoked')
    assert.equal(await statusOf(b, a.service.peerId), 'removed-by-peer')
    // Neither side lets the other in any more: no paired-only protocol can even start.
    await assert.rejects(
      nodeOf(b).dialProtocol(loopbackAddr(a), PRESENCE_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    )
    await assert.rejects(
      nodeOf(a).dialProtocol(loopbackAddr(b), PRESENCE_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    )
    await assert.rejects(
      nodeOf(b).dialProtocol(loopbackAddr(a), REVOKE_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    )
  })

  it('P9: a revoked device that was offline learns it at its next start; it can pair again only with a fresh code', async () => {
    const a = await device('Revokes while B sleeps')
    const b = await device('Sleeps')
    const session = await startAdvertised(a)
    await b.service.join({ code: session.words.join(' ') })
    await eventually('both paired', async () => (await statusOf(a, b.service.peerId)) === 'paired')
    await b.stop()
    await a.service.revokeDevice({ peerId: b.service.peerId })
    assert.equal((await a.service.getMetrics({})).revocationsPending, 1)
    await b.restart()
    const learned = async (): Promise<boolean> => (await statusOf(b, a.service.peerId)) === 'removed-by-peer'
    await eventually('B learned of the revocation', learned, { timeoutMs: 15_000 })
    await eventually(
      'A saw the notice delivered',
      async () => (await a.service.getMetrics({})).revocationsPending === 0
    )

    // The old code is dead; a fresh one pairs them again.
    await assert.rejects(b.service.join({ code: session.words.join(' ') }))
    const fresh = await startAdvertised(a)
    await b.service.join({ code: fresh.words.join(' ') })
    await eventually(
      'paired again',
      async () =>
        (await statusOf(a, b.service.peerId)) === 'paired' && (await statusOf(b, a.service.peerId)) === 'paired'
    )
  })

  it('P7: a commit that fails on the joiner ends the join with that error, promptly, and stores nothing', async () => {
    const a = await device('Initiator of a failed commit')
    const session = await startAdvertised(a)
    const key = await generateKeyPair('Ed25519')
    const joinerNode = await createNode({
      privateKey: key,
      network: { ...LOOPBACK, bootstrap: [] },
      policy: { isRefused: () => false }
    })
    try {
      const started = Date.now()
      await assert.rejects(
        raceJoin({
          node: joinerNode,
          entropy: parseCodeOrThrow(session.words.join(' ')).entropy,
          identity: { privateKey: key, peerId: peerIdFromPrivateKey(key).toString() },
          device: deviceNamed('Disk full'),
          commit: async () => {
            throw new PairwiseError('storage-error', 'disk full')
          },
          progress: () => undefined,
          timeoutMs: 15_000,
          useDht: false,
          stored: () => [{ peerId: a.service.peerId, addrs: [loopbackAddr(a).toString()], path: 'stored' }]
        }),
        (e: unknown) => e instanceof PairwiseError && e.code === 'storage-error'
      )
      assert.ok(Date.now() - started < 15_000, 'rejected before the join timeout')
      // The initiator holds only a pending record, which the next contact settles (P7); never a confirmed pairing.
      await eventually(
        'the initiator session ended unconfirmed',
        async () => (await a.service.getState({})).session?.state === 'unconfirmed'
      )
      assert.notEqual(await statusOf(a, peerIdFromPrivateKey(key).toString()), 'paired')
    } finally {
      await joinerNode.stop()
    }
  })
})

function nodeOf(device: TestDevice): PairwiseLibp2p {
  return device.service.node
}

function loopbackAddr(device: TestDevice): Multiaddr {
  return multiaddr(device.service.multiaddrs().find((m) => m.startsWith('/ip4/127.0.0.1/'))!)
}
