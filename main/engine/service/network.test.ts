// Two (or more) real devices on 127.0.0.1: real libp2p nodes, real sockets,
// real SQLite files in temp folders. No mDNS here (see e2e/netns for the LAN).
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { PairwiseError } from '../../../shared/errors.ts'
import { parseCodeOrThrow } from '../../../shared/code/index.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { FileSecretStore } from '../identity/file-secret-store.ts'
import { advertisementKey, createAdvertisement } from '../node/advertisement.ts'
import { PAIR_PROTOCOL } from '../node/join-race.ts'
import { streamDuplex } from '../node/stream-duplex.ts'
import { FramedChannel } from '../protocol/framing.ts'
import { runJoiner } from '../protocol/joiner.ts'
import { decodeMessage, encodeMessage, HelloSchema, PROTOCOL_VERSION } from '../protocol/messages.ts'
import { joinerProof } from '../protocol/transcript.ts'
import { toHex } from '../util/bytes.ts'
import { deviceNamed } from '../../../test-support/engine/in-memory-pairing.ts'
import { eventually } from '../../../test-support/eventually.ts'
import { Registry } from '../registry/registry.ts'
import { dataFiles } from './data-dir.ts'
import {
  bareNode,
  startAdvertised,
  loopbackFleet,
  statusOf,
  type TestDevice
} from '../../../test-support/engine/loopback-network.ts'

const FAST = { reconnectMs: 400, joinTimeoutMs: 20_000, lanWaitMs: 500, dhtPatienceMs: 10_000 }

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
  const fleet = loopbackFleet(10, { timing: FAST })
  const device = (name: string, extra: Parameters<typeof fleet.device>[1] = {}): Promise<TestDevice> =>
    fleet.device(name, extra)

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
      (e: unknown) =>
        e instanceof PairwiseError &&
        e.code === 'no-device-waiting' &&
        /across the internet/.test(e.hint ?? '') &&
        (e.details?.paths as string[]).includes('dht')
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
    for await (const e of fleet.nodes()[5]!.services.dht.get(advertisementKey(codeKeys), {
      signal: AbortSignal.timeout(5000)
    })) {
      if (e.name === 'VALUE') record = e.value
    }
    assert.ok(record !== undefined, 'the advertisement is readable by anyone')
    const attacker = await bareNode()
    try {
      const stream = await attacker.dialProtocol(loopbackAddr(a), PAIR_PROTOCOL)
      const channel = new FramedChannel(streamDuplex(stream))
      const nonce = randomBytes(32)
      const proof = joinerProof(randomBytes(32), {
        version: PROTOCOL_VERSION,
        rendezvous,
        initiatorPeerId: a.service.peerId,
        joinerPeerId: attacker.peerId.toString(),
        joinerNonce: nonce
      })
      await channel.write(
        encodeMessage({
          t: 'hello',
          v: PROTOCOL_VERSION,
          rendezvous: toHex(rendezvous),
          nonce: toHex(nonce),
          proof: toHex(proof)
        })
      )
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
    for await (const e of fleet.nodes()[3]!.services.dht.put(advertisementKey(keys), fake.value, {
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
        // Not "did not accept this code": the words were right, the connection was relayed.
        (e: unknown) => e instanceof PairwiseError && e.code === 'wrong-code' && /relaying/.test(e.message)
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
})

function loopbackAddr(device: TestDevice): Multiaddr {
  return multiaddr(device.service.multiaddrs().find((m) => m.startsWith('/ip4/127.0.0.1/'))!)
}
