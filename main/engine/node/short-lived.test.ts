import { generateKeyPair } from '@libp2p/crypto/keys'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LOOPBACK, startDhtNodes } from '../../../test-support/engine/loopback-network.ts'
import { createNode, type PairwiseLibp2p } from './libp2p-node.ts'

// A short-lived command (`pairwise join`) takes no relay reservation and runs no AutoNAT: both
// cost round trips to the peers a join is talking to, and pay off only for a device that stays.

async function device(bootstrap: string[], shortLived: boolean): Promise<PairwiseLibp2p> {
  return createNode({
    privateKey: await generateKeyPair('Ed25519'),
    network: { ...LOOPBACK, bootstrap, dhtMode: 'client', shortLived },
    policy: { isRefused: () => false }
  })
}

const offersAutoNat = (node: PairwiseLibp2p): boolean => node.getProtocols().some((p) => p.includes('/autonat/'))

test('a short-lived device reserves no relay slot and offers no AutoNAT; a resident one does both', async () => {
  const dht = await startDhtNodes(1)
  const relay = dht.nodes[0]!
  const resident = await device(dht.bootstrap, false)
  const brief = await device(dht.bootstrap, true)
  try {
    await brief.dial(relay.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(5_000) })
    assert.equal(await resident.services.reservations?.whenHeld(10_000), true, 'the resident device holds a slot')
    assert.equal(relay.services.relay?.reservations.has(resident.peerId), true)
    assert.equal(offersAutoNat(resident), true)

    assert.equal(brief.services.reservations, undefined)
    assert.equal(relay.services.relay?.reservations.has(brief.peerId), false, 'the relay holds nothing for it')
    assert.equal(offersAutoNat(brief), false)
    assert.equal(brief.getConnections(relay.peerId).length > 0, true, 'it still talks to the node')
  } finally {
    await Promise.all([resident.stop(), brief.stop()])
    await dht.stop()
  }
})
