// Two (or more) real devices on 127.0.0.1: real libp2p nodes, real sockets,
// real SQLite files in temp folders. No mDNS here (see e2e/netns for the LAN).
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { PairwiseError } from '../../../shared/errors.ts'
import { parseCodeOrThrow } from '../../../shared/code/index.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { FileSecretStore } from '../identity/file-secret-store.ts'
import { advertisementKey, createAdvertisement } from '../node/advertisement.ts'
import { PAIR_PROTOCOL, raceJoin } from '../node/join-race.ts'
import { createNode } from '../node/libp2p-node.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import { PRESENCE_PROTOCOL, REVOKE_PROTOCOL } from '../trust/messages.ts'
import { streamDuplex } from '../node/stream-duplex.ts'
import { FramedChannel } from '../protocol/framing.ts'
import { runJoiner } from '../protocol/joiner.ts'
import { decodeMessage, HelloSchema, PROTOCOL_VERSION } from '../protocol/messages.ts'
import { toHex } from '../protocol/transcript.ts'
import { deviceNamed } from '../../../test-support/engine/in-memory-pairing.ts'
import { forgedHello, guessedKeyHello } from '../../../test-support/engine/forged-hello.ts'
import { eventually } from '../../../test-support/eventually.ts'
import { Registry } from '../registry/registry.ts'
import { dataFiles } from './data-dir.ts'
import { loseAckAfterCommit } from '../../../test-support/engine/faults.ts'
import {
  joinAdvertised,
  LOOPBACK,
  startAdvertised,
  startDevice,
  startDhtNodes,
  type TestDevice
} from '../../../test-support/engine/loopback-network.ts'
import { removeTempDir } from '../../../test-support/temp-dirs.ts'

const FAST = { reconnectMs: 400, joinTimeoutMs: 20_000, lanWaitMs: 500, dhtPatienceMs: 10_000 }

async function statusOf(device: TestDevice, peerId: string): Promise<string | undefined> {
  return (await device.service.listDevices({ includeRevoked: true })).find((d) => d.peerId === peerId)?.status
}

/** B joins A's published code; resolves with the code once A too lists B as paired (the joiner lists it on return). */
async function pairAdvertised(a: TestDevice, b: TestDevice): Promise<{ words: string[] }> {
  const session = await joinAdvertised(a, b)
  await eventually('both paired', async () => (await statusOf(a, b.service.peerId)) === 'paired')
  return session
}

/** A bare libp2p node: an attacker or relay that speaks only what the test makes it speak. */
async function bareNode() {
  return createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 1000 }
  })
}

/** Reads the pair key both registries hold, after the services stopped. */
async function storedPairKey(device: TestDevice, peerId: string): Promise<Uint8Array> {
  const registry = Registry.open(dataFiles(device.dataDir).registry)
  try {
    const record = registry.getDevice(peerId)
    assert.ok(record !== null, 'device recorded')
    return await FileSecretStore.open(device.dataDir).open(record.pairKeySealed)
  } finally {
    registry.close()
  }
}

describe('pairing over libp2p on loopback', { timeout: 120_000 }, () => {
  let dht: Awaited<ReturnType<typeof startDhtNodes>>
  const devices: TestDevice[] = []
  const device = async (name: string, extra: Parameters<typeof startDevice>[1] = {}): Promise<TestDevice> => {
    const d = await startDevice(name, { network: { bootstrap: dht.bootstrap }, timing: FAST, ...extra })
    devices.push(d)
    return d
  }

  before(async () => {
    dht = await startDhtNodes(10)
  })

  after(async () => {
    for (const d of devices) {
      await d.stop().catch(() => undefined)
      removeTempDir(d.dataDir)
    }
    await dht.stop()
  })

  it('A pairs, B joins through a 10-node DHT; both registries agree and hold the same pair key', async () => {
    const a = await device('Alice desktop')
    const b = await device('Bob laptop')
    const session = await startAdvertised(a)
    const paths: string[] = []
    b.service.on('join-progress', (p) => {
      if (p.path !== undefined) paths.push(p.path)
    })
    const started = performance.now()
    const joined = await b.service.join({ code: session.words.join(' ') })
    // A figure for the record, never an assertion: tests do not time things.
    console.log(`loopback DHT pairing (10-node DHT): join -> paired in ${(performance.now() - started).toFixed(1)} ms`)
    assert.equal(joined.name, 'Alice desktop')
    assert.equal(joined.peerId, a.service.peerId)
    assert.ok(paths.includes('dht'), 'the DHT path found the initiator')
    await eventually('A confirmed', async () => (await statusOf(a, b.service.peerId)) === 'paired')
    assert.equal(await statusOf(b, a.service.peerId), 'paired')
    const aView = (await a.service.listDevices({})).find((d) => d.peerId === b.service.peerId)!
    assert.equal(aView.name, 'Bob laptop')
    assert.equal((await a.service.getState({})).session?.state, 'paired')

    await a.stop()
    await b.stop()
    const pairKey = await storedPairKey(a, b.service.peerId)
    assert.deepEqual(pairKey, await storedPairKey(b, a.service.peerId))
    // P10: the pair key is on disk only sealed.
    for (const d of [a, b]) {
      for (const file of [dataFiles(d.dataDir).registry, `${dataFiles(d.dataDir).registry}-wal`]) {
        if (existsSync(file))
          assert.ok(!readFileSync(file).includes(Buffer.from(pairKey)), `${file} holds no plaintext pair key`)
      }
    }
    await a.restart()
    await b.restart()
  })

  it('a wrong code ends with "no device is waiting", naming the paths tried, and stores nothing', async () => {
    const a = await device('Waiting')
    const b = await device('Wrong typist')
    await a.service.startPairing({})
    const wrong = 'legal winner thank year wave sausage worth useful legal winner thank yellow'
    await assert.rejects(
      b.service.join({ code: wrong }),
      (e: unknown) => e instanceof PairwiseError && e.code === 'no-device-waiting' && /DHT/.test(e.hint ?? '')
    )
    assert.equal((await b.service.listDevices({})).length, 0)
    assert.equal((await a.service.listDevices({})).length, 0)
  })

  it('P1: a peer that read the rendezvous id from the DHT cannot pair; the attempt is counted', async () => {
    const a = await device('Target')
    const session = await startAdvertised(a)
    const codeKeys = deriveCodeKeys(parseCodeOrThrow(session.words.join(' ')).entropy)
    const { rendezvous } = codeKeys
    // The attacker reads the public record: it learns the rendezvous id and A's peer id, nothing more.
    let record: Uint8Array | undefined
    for await (const e of dht.nodes[5]!.services.dht.get(advertisementKey(codeKeys), {
      signal: AbortSignal.timeout(5000)
    })) {
      if (e.name === 'VALUE') record = e.value
    }
    assert.ok(record !== undefined, 'the advertisement is readable by anyone')
    const attacker = await bareNode()
    try {
      const stream = await attacker.dialProtocol(loopbackAddr(a), PAIR_PROTOCOL)
      const channel = new FramedChannel(streamDuplex(stream))
      await channel.write(guessedKeyHello(rendezvous, a.service.peerId, attacker.peerId.toString()))
      const reply = decodeMessage(await channel.read(AbortSignal.timeout(5000)), HelloSchema)
      assert.deepEqual(reply, { t: 'refuse', reason: 'wrong-code', v: PROTOCOL_VERSION })
    } finally {
      await attacker.stop()
    }
    const state = await a.service.getState({})
    assert.equal(state.session?.failedAttempts, 1)
    assert.equal(state.session?.state, 'waiting')
    assert.equal(state.devices.length, 0)
  })

  it('P2: a fake advertiser cannot plant or overwrite the DHT record, and never makes the joiner commit', async () => {
    const a = await device('Real initiator')
    const b = await device('Joiner')
    const session = await startAdvertised(a)
    const keys = deriveCodeKeys(parseCodeOrThrow(session.words.join(' ')).entropy)
    // The fake read the DHT key (public) but holds neither the code's signing key nor its seal key. Its record, signed
    // with a code key of its own and a later expiry, is refused by every DHT node instead of replacing the real one.
    const fakeKey = await generateKeyPair('Ed25519')
    const fake = await createAdvertisement({
      keys: { ...keys, sealKey: randomBytes(32), adSeed: randomBytes(32) },
      peerId: peerIdFromPrivateKey(fakeKey).toString(),
      privateKey: fakeKey,
      expiresAt: Date.now() + 9 * 60_000,
      body: { addrs: ['/ip4/127.0.0.1/tcp/9'], name: 'Evil', os: 'Linux' }
    })
    let stored = 0
    let refused = 0
    for await (const e of dht.nodes[3]!.services.dht.put(advertisementKey(keys), fake.value, {
      signal: AbortSignal.timeout(5000)
    })) {
      if (e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE') stored++
      if (e.name === 'QUERY_ERROR') refused++
    }
    assert.equal(stored, 0, 'no DHT node accepted the planted record')
    assert.ok(refused > 0)
    const joined = await b.service.join({ code: session.words.join(' ') })
    assert.equal(joined.peerId, a.service.peerId)
    assert.deepEqual(
      (await b.service.listDevices({})).map((d) => d.peerId),
      [a.service.peerId]
    )
  })

  it('P3: a relay between two authenticated connections fails on both sides', async () => {
    const a = await device('Relayed initiator')
    const session = await startAdvertised(a)
    const entropy = parseCodeOrThrow(session.words.join(' ')).entropy
    const relay = await bareNode()
    const joinerKey = await generateKeyPair('Ed25519')
    const joinerNode = await createLibp2p({
      privateKey: joinerKey,
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()]
    })
    try {
      // The relay answers the joiner's pairing stream by opening its own to A and copying bytes both ways.
      await relay.handle(PAIR_PROTOCOL, async (inbound) => {
        const outbound = await relay.dialProtocol(loopbackAddr(a), PAIR_PROTOCOL)
        const pipe = async (from: typeof inbound, to: typeof inbound): Promise<void> => {
          try {
            for await (const chunk of from) to.send(chunk instanceof Uint8Array ? chunk : chunk.subarray())
            await to.close()
          } catch {
            to.abort(new Error('relay broke'))
          }
        }
        await Promise.all([pipe(inbound, outbound), pipe(outbound, inbound)])
      })
      const stream = await joinerNode.dialProtocol(relay.getMultiaddrs()[0]!, PAIR_PROTOCOL)
      let committed = 0
      await assert.rejects(
        runJoiner({
          channel: new FramedChannel(streamDuplex(stream)),
          entropy,
          identity: { privateKey: joinerKey, peerId: peerIdFromPrivateKey(joinerKey).toString() },
          device: deviceNamed('Victim'),
          remotePeerId: relay.peerId.toString(),
          commit: async () => void committed++,
          timeouts: { readMs: 3000, ackMs: 3000 }
        }),
        (e: unknown) => e instanceof PairwiseError && e.code === 'wrong-code'
      )
      assert.equal(committed, 0)
      const state = await a.service.getState({})
      assert.equal(state.session?.state, 'waiting')
      assert.equal(state.session?.failedAttempts, 1)
      assert.equal(state.devices.length, 0)
    } finally {
      await relay.stop()
      await joinerNode.stop()
    }
  })

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
          await channel.write(forgedHello(toHex(rendezvous)))
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
    await joinAdvertised(a, b)
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
    await pairAdvertised(a, b)
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
    const session = await pairAdvertised(a, b)
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
