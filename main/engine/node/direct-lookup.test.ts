import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { Libp2pRecord } from '@libp2p/record'
import { lpStream } from '@libp2p/utils'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { after, before, describe, it } from 'node:test'
import { LOOPBACK, startDhtNodes } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { createAdvertisement, openAdvertisement } from './advertisement.ts'
import { lookupFromBootstrap } from './direct-lookup.ts'
import { decodeKadAnswer, encodeGetValue, encodeKadAnswer, KAD_GET_VALUE } from './kad-wire.ts'
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

  it('decodes what it encodes, and a GET_VALUE request names its key', () => {
    const key = Uint8Array.from([1, 2, 3])
    assert.deepEqual(decodeKadAnswer(encodeGetValue(key)), { type: KAD_GET_VALUE, key, closer: [] })
    const answer = { type: KAD_GET_VALUE, record: Uint8Array.from([9]), closer: [{ id: key, addrs: [key, key] }] }
    assert.deepEqual(decodeKadAnswer(encodeKadAnswer(answer)), answer)
    assert.throws(() => decodeKadAnswer(Uint8Array.from([0x1a, 0x05, 1])), /longer than the message/)
  })
})
