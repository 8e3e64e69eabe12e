import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { Libp2pRecord } from '@libp2p/record'
import { lpStream } from '@libp2p/utils'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import net from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { after, before, describe, it } from 'node:test'
import { writer } from 'protons-runtime'
import { LOOPBACK, startDhtNodes } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { createAdvertisement, openAdvertisement } from './advertisement.ts'
import { lookupFromBootstrap } from './direct-lookup.ts'
import {
  decodeKadAnswer,
  encodeGetValue,
  encodeKadAnswer,
  KAD_GET_VALUE,
  KadWireError,
  MAX_ADDRS_PER_PEER,
  MAX_KAD_MESSAGE_BYTES,
  type KadAnswer,
  type KadPeer
} from './kad-wire.ts'
import { createNode, KAD_PROTOCOL, type PairwiseLibp2p } from './libp2p-node.ts'

// A joiner asks our DHT's nodes for the code's record itself, before kad-dht
// has a routing table (direct-lookup.ts). Real libp2p nodes on 127.0.0.1: three
// DHT nodes holding a real record, a fresh joiner that has never connected to
// anyone, and nodes answering the kad protocol with forged records.

const body = { addrs: ['/ip4/127.0.0.1/tcp/4001'], name: 'Alice', os: 'Linux' }

async function plainNode(): Promise<PairwiseLibp2p> {
  return createNode({
    privateKey: await generateKeyPair('Ed25519'),
    network: { ...LOOPBACK, bootstrap: [] },
    policy: { isRefused: () => false }
  })
}

async function advertisement(keys: ReturnType<typeof deriveCodeKeys>) {
  const privateKey = await generateKeyPair('Ed25519')
  const { peerIdFromPrivateKey } = await import('@libp2p/peer-id')
  const peerId = peerIdFromPrivateKey(privateKey).toString()
  return { peerId, ...(await createAdvertisement({ keys, peerId, privateKey, expiresAt: Date.now() + 60_000, body })) }
}

/** A node that answers every GET_VALUE with `record` (filed under `recordKey`) and points to `closer`. */
async function forger(recordKey: Uint8Array, value: Uint8Array, closer: PairwiseLibp2p): Promise<PairwiseLibp2p> {
  const node = await plainNode()
  await node.unhandle(KAD_PROTOCOL)
  await node.handle(KAD_PROTOCOL, async (stream: Stream) => {
    const lp = lpStream(stream)
    const request = decodeKadAnswer((await lp.read()).subarray())
    await lp.write(
      encodeKadAnswer({
        type: request.type,
        ...(request.key === undefined ? {} : { key: request.key }),
        record: new Libp2pRecord(recordKey, value, new Date()).serialize(),
        closer: [{ id: closer.peerId.toMultihash().bytes, addrs: closer.getMultiaddrs().map((ma) => ma.bytes) }]
      })
    )
    await stream.close()
  })
  return node
}

describe('the joiner asks our DHT nodes directly', () => {
  let dht: Awaited<ReturnType<typeof startDhtNodes>>
  const keys = deriveCodeKeys(randomBytes(16))
  let real: Awaited<ReturnType<typeof advertisement>>
  const started: PairwiseLibp2p[] = []

  before(async () => {
    dht = await startDhtNodes(3)
    real = await advertisement(keys)
    const publisher = dht.nodes[1]!
    await eventually('the publisher has DHT peers', async () => {
      const peers = []
      for await (const e of publisher.services.dht.getClosestPeers(real.key, { signal: AbortSignal.timeout(2_000) }))
        if (e.name === 'FINAL_PEER') peers.push(e)
      return peers.length >= 2
    })
    for await (const _ of publisher.services.dht.put(real.key, real.value, { signal: AbortSignal.timeout(5_000) })) {
      // drain: stored on the other nodes
    }
  })
  after(async () => {
    await Promise.all(started.map((n) => n.stop()))
    await dht.stop()
  })

  const fresh = async (): Promise<PairwiseLibp2p> => {
    const node = await plainNode()
    started.push(node)
    return node
  }

  it('finds the record through its bootstrap node without any connection beforehand', async () => {
    const joiner = await fresh()
    assert.equal(joiner.getConnections().length, 0)
    const opened: string[] = []
    const found = await lookupFromBootstrap({
      node: joiner,
      key: real.key,
      bootstrap: [dht.bootstrap[0]!],
      signal: AbortSignal.timeout(10_000),
      allowLoopback: true,
      onRecord: async (value) => {
        const ad = await openAdvertisement(value, keys)
        if (ad !== undefined) opened.push(ad.peerId)
        return ad !== undefined
      }
    })
    assert.equal(found, true)
    assert.deepEqual(opened, [real.peerId])
  })

  it('never hands over a forged record, and follows the forger’s closer peers to the real one', async () => {
    // One forger files a valid record of another code under our key; the other re-signs ours with a new identity.
    const other = await advertisement(deriveCodeKeys(randomBytes(16)))
    const wrongKey = await forger(real.key, other.value, dht.nodes[0]!)
    const ours = JSON.parse(new TextDecoder().decode(real.value)) as Record<string, unknown>
    const mallory = await advertisement(keys)
    const resigned = new TextEncoder().encode(JSON.stringify({ ...ours, peer: mallory.peerId }))
    const badSignature = await forger(real.key, resigned, dht.nodes[2]!)
    started.push(wrongKey, badSignature)
    const handedOver: Uint8Array[] = []
    const joiner = await fresh()
    const found = await lookupFromBootstrap({
      node: joiner,
      key: real.key,
      bootstrap: [wrongKey, badSignature].map((n) => n.getMultiaddrs()[0]!.toString()),
      signal: AbortSignal.timeout(10_000),
      allowLoopback: true,
      onRecord: async (value) => {
        handedOver.push(value)
        return (await openAdvertisement(value, keys)) !== undefined
      }
    })
    assert.equal(found, true)
    assert.equal(handedOver.length, 1)
    assert.equal((await openAdvertisement(handedOver[0]!, keys))?.peerId, real.peerId)
  })

  it('does not wait on a stalled dial to its bootstrap node: a later try opens a connection of its own', async () => {
    // A listener that accepts and never answers: a dial to it stalls in the handshake (libp2p gives it 6 s).
    const blackHole = net.createServer(() => undefined)
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve))
    try {
      const joiner = await fresh()
      const bootstrapNode = dht.nodes[0]!
      const port = (blackHole.address() as net.AddressInfo).port
      await joiner.peerStore.merge(bootstrapNode.peerId, { multiaddrs: [multiaddr(`/ip4/127.0.0.1/tcp/${port}`)] })
      // The service's own dial to the node, stuck: libp2p merges any other dial to this peer into it.
      let stalledDialEnded = false
      const stalled = joiner
        .dial(bootstrapNode.peerId, { signal: AbortSignal.timeout(30_000) })
        .catch(() => undefined)
        .finally(() => (stalledDialEnded = true))
      const found = await lookupFromBootstrap({
        node: joiner,
        key: real.key,
        bootstrap: [dht.bootstrap[0]!],
        signal: AbortSignal.timeout(20_000),
        allowLoopback: true,
        onRecord: async (value) => (await openAdvertisement(value, keys)) !== undefined
      })
      assert.equal(found, true)
      assert.equal(stalledDialEnded, false, 'the record came over a connection of its own, not the stalled one')
      await stalled
    } finally {
      blackHole.close()
    }
  })

  it('ends without a record when no node has one', async () => {
    const joiner = await fresh()
    const nobody = await advertisement(deriveCodeKeys(randomBytes(16)))
    let calls = 0
    const found = await lookupFromBootstrap({
      node: joiner,
      key: nobody.key,
      bootstrap: dht.bootstrap,
      signal: AbortSignal.timeout(10_000),
      allowLoopback: true,
      onRecord: async () => (calls++, true)
    })
    assert.equal(found, false)
    assert.equal(calls, 0)
  })
})

describe('the kad message codec (kad-wire.ts)', () => {
  const key = Uint8Array.from([1, 2, 3])
  const peer = (i: number, addrs = 2): KadPeer => ({
    id: Uint8Array.from([0x12, 0x20, ...new Uint8Array(32).fill(i)]),
    addrs: Array.from({ length: addrs }, (_, j) => multiaddr(`/ip4/10.0.${i}.${j}/tcp/4001`).bytes)
  })
  const answer: KadAnswer = { type: KAD_GET_VALUE, record: Uint8Array.from([9, 8, 7]), closer: [peer(1), peer(2, 0)] }
  const isWireError = (err: unknown): boolean => err instanceof KadWireError

  it('decodes what it encodes, and a GET_VALUE request names its key', () => {
    assert.deepEqual(decodeKadAnswer(encodeGetValue(key)), { type: KAD_GET_VALUE, key, closer: [] })
    // The request's bytes as the Kademlia spec lays them out: type 1 (GET_VALUE), key 2.
    assert.deepEqual([...encodeGetValue(key)], [0x08, 0x01, 0x12, 0x03, 1, 2, 3])
    assert.deepEqual(decodeKadAnswer(encodeKadAnswer(answer)), answer)
  })

  it('skips the fields it does not use, in the message and in a peer entry', () => {
    const w = writer()
    w.uint32((10 << 3) | 0).int32(7) // clusterLevel
    w.uint32((9 << 3) | 2).bytes(Uint8Array.from([0x0a, 0x01, 0x05])) // a provider peer
    w.uint32((11 << 3) | 1).fixed64(5n)
    w.uint32((12 << 3) | 5).fixed32(5)
    const withPeer = writer()
    withPeer.uint32((1 << 3) | 2).bytes(answer.closer[0]!.id)
    withPeer.uint32((3 << 3) | 0).uint32(1) // connection type
    for (const addr of answer.closer[0]!.addrs) withPeer.uint32((2 << 3) | 2).bytes(addr)
    w.uint32((8 << 3) | 2).bytes(withPeer.finish())
    const bytes = Uint8Array.from([...encodeKadAnswer({ ...answer, closer: [] }), ...w.finish()])
    assert.deepEqual(decodeKadAnswer(bytes), { ...answer, closer: [answer.closer[0]] })
  })

  it('refuses a truncated message with a KadWireError', () => {
    const bytes = encodeKadAnswer(answer)
    // Cut inside the last peer entry, inside the record, inside a varint.
    assert.throws(() => decodeKadAnswer(bytes.subarray(0, bytes.length - 1)), isWireError)
    assert.throws(() => decodeKadAnswer(bytes.subarray(0, 4)), isWireError)
    assert.throws(() => decodeKadAnswer(Uint8Array.from([0x08, 0x80])), isWireError)
    assert.throws(() => decodeKadAnswer(Uint8Array.from([0x1a, 0x05, 1])), isWireError)
    // A peer entry whose last field runs past the entry to the message's end: its id says 3 bytes, the entry 2.
    assert.throws(() => decodeKadAnswer(Uint8Array.from([0x42, 0x02, 0x0a, 0x03, 1, 2, 3])), isWireError)
  })

  it('refuses a message over the size bound before decoding it', () => {
    const big = encodeKadAnswer({ type: KAD_GET_VALUE, record: new Uint8Array(MAX_KAD_MESSAGE_BYTES), closer: [] })
    assert.throws(
      () => decodeKadAnswer(big),
      (err: unknown) => isWireError(err) && /at most/.test(String(err))
    )
  })

  it('bounds the closer peers and the addresses of each', () => {
    const peers = (n: number, addrs = 1) => Array.from({ length: n }, (_, i) => peer(i, addrs))
    assert.equal(decodeKadAnswer(encodeKadAnswer({ type: KAD_GET_VALUE, closer: peers(64) })).closer.length, 64)
    assert.throws(() => decodeKadAnswer(encodeKadAnswer({ type: KAD_GET_VALUE, closer: peers(65) })), isWireError)
    assert.equal(
      decodeKadAnswer(encodeKadAnswer({ type: 1, closer: peers(1, MAX_ADDRS_PER_PEER) })).closer[0]!.addrs.length,
      MAX_ADDRS_PER_PEER
    )
    assert.throws(
      () => decodeKadAnswer(encodeKadAnswer({ type: KAD_GET_VALUE, closer: peers(1, MAX_ADDRS_PER_PEER + 1) })),
      isWireError
    )
  })

  it('answers any bytes with an answer or a KadWireError, never another throw', () => {
    // Deterministic garbage: random-looking bytes, a valid answer with bytes flipped, deeply nested groups
    // (field 5, wire type 3) and the wire types protobuf does not define (6, 7).
    const inputs: Uint8Array[] = [new Uint8Array(60_000).fill(0x2b), Uint8Array.from([0x2f]), Uint8Array.from([0x2e])]
    const valid = encodeKadAnswer(answer)
    for (let i = 0; i < 2_000; i++) {
      const noise = createHash('sha256').update(`garbage ${i}`).digest()
      inputs.push(noise.subarray(0, noise[0]! % 33))
      const flipped = Uint8Array.from(valid)
      flipped[noise[1]! % flipped.length] = noise[2]!
      flipped[noise[3]! % flipped.length] = noise[4]!
      inputs.push(flipped)
    }
    // Groups are refused outright, not left to protons' recursive skip (60 000 deep here).
    assert.throws(
      () => decodeKadAnswer(inputs[0]!),
      (err: unknown) => isWireError(err) && /group/.test(String(err))
    )
    let refused = 0
    for (const bytes of inputs) {
      try {
        decodeKadAnswer(bytes)
      } catch (err) {
        assert.ok(err instanceof KadWireError, `${String(err)} for ${Buffer.from(bytes).toString('hex')}`)
        refused++
      }
    }
    assert.ok(refused > 0)
  })
})
