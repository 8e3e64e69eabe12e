// The DHT record store under floods of valid junk: anyone can mint /pairwise
// records, so the limits must hold with real, signed advertisements.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Libp2pRecord } from '@libp2p/record'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { deriveCodeKeys } from '../code/derive.ts'
import { advertisementKey, createAdvertisement, EXPIRED_AD_GRACE_MS } from './advertisement.ts'
import { DhtRecordStore, RecordStoreFullError } from './dht-record-store.ts'
import { createNode } from './libp2p-node.ts'
import { NodeDatastore } from './node-datastore.ts'
import { eventually } from '../../../test-support/eventually.ts'

const decoder = new TextDecoder()

async function advertiser() {
  const privateKey = await generateKeyPair('Ed25519')
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString() }
}

/** A real, signed advertisement as kad-dht stores it: key and serialized record. */
async function storedAd(
  who: { privateKey: Awaited<ReturnType<typeof generateKeyPair>>; peerId: string },
  expiresAt = Date.now() + 60_000
) {
  const keys = deriveCodeKeys(randomBytes(16))
  const { key, value } = await createAdvertisement({
    keys,
    peerId: who.peerId,
    privateKey: who.privateKey,
    expiresAt,
    body: { addrs: [], name: 'x', os: 'Linux' }
  })
  return { key: `/dht/record/${decoder.decode(key)}`, value: new Libp2pRecord(key, value, new Date()).serialize() }
}

describe('DHT record store limits (P8)', () => {
  it('refuses provider records; a fifth record from one advertiser replaces its own oldest, never another', async () => {
    const store = new DhtRecordStore(100)
    assert.throws(() => store.put('/dht/provider/abc/def', Uint8Array.of(1)), RecordStoreFullError)
    const other = await storedAd(await advertiser())
    store.put(other.key, other.value)
    const one = await advertiser()
    const ads = await Promise.all([1, 2, 3, 4, 5].map(() => storedAd(one)))
    for (const ad of ads) store.put(ad.key, ad.value)
    assert.equal(store.size, 5, "four of the advertiser's, one of the other's")
    assert.equal(store.has(ads[0]!.key), false, 'its oldest code made room')
    assert.ok(ads.slice(1).every((ad) => store.has(ad.key)))
    assert.ok(store.has(other.key), "another advertiser's record is untouched")
    assert.equal(store.refused, 1)
  })

  it('when full, junk never evicts a live record; expired records make room', async () => {
    let now = Date.now()
    const store = new DhtRecordStore(20, () => now)
    const live = await storedAd(await advertiser(), now + 5 * 60_000)
    store.put(live.key, live.value)
    const shortLived = await Promise.all(
      Array.from({ length: 10 }, async () => storedAd(await advertiser(), now + 60_000))
    )
    for (const ad of shortLived) store.put(ad.key, ad.value)
    const junk = await Promise.all(
      Array.from({ length: 20 }, async () => storedAd(await advertiser(), now + 10 * 60_000))
    )
    let refused = 0
    for (const ad of junk) {
      try {
        store.put(ad.key, ad.value)
      } catch (err) {
        assert.ok(err instanceof RecordStoreFullError)
        refused++
      }
    }
    assert.equal(store.size, 20)
    assert.equal(refused, 11)
    assert.ok(store.has(live.key), 'the live record is still served')
    // Once the short-lived codes (and their grace window) are over, their slots are free again.
    now += 60_000 + EXPIRED_AD_GRACE_MS
    for (const ad of junk.slice(9, 19)) store.put(ad.key, ad.value)
    assert.equal(store.size, 20)
    assert.ok(store.has(live.key))
  })

  it(
    'a node flooded with junk records and provider records keeps serving the live record, bounded',
    { timeout: 90_000 },
    async (t) => {
      const datastore = new NodeDatastore(64)
      const nodeKey = await generateKeyPair('Ed25519')
      const LOOP = {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: [],
        mdns: false,
        upnp: false,
        dhtMode: 'server' as const,
        allowLoopback: true
      }
      const node = await createNode({
        privateKey: nodeKey,
        network: LOOP,
        role: 'node',
        datastore,
        policy: { isRefused: () => false },
        inboundLimit: 1000
      })
      const bootstrap = node.getMultiaddrs().map(String)
      const client = async () => {
        const c = await createNode({
          privateKey: await generateKeyPair('Ed25519'),
          network: { ...LOOP, bootstrap, dhtMode: 'client' },
          policy: { isRefused: () => false }
        })
        await c.dial(node.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(5_000) })
        return c
      }
      const device = await client()
      const attacker = await client()
      try {
        const owner = await advertiser()
        const keys = deriveCodeKeys(randomBytes(16))
        const live = await createAdvertisement({
          keys,
          peerId: owner.peerId,
          privateKey: owner.privateKey,
          expiresAt: Date.now() + 5 * 60_000,
          body: { addrs: [], name: 'live', os: 'Linux' }
        })
        // Identify (which puts the node in the device's routing table) runs right after the dial.
        await eventually('the live record reached the node', async () => {
          let stored = 0
          for await (const e of device.services.dht.put(live.key, live.value, { signal: AbortSignal.timeout(5_000) }))
            if (e.name === 'PEER_RESPONSE') stored++
          return stored > 0
        })

        const heapBefore = process.memoryUsage().heapUsed
        for (let i = 0; i < 150; i++) {
          const junkKeys = deriveCodeKeys(randomBytes(16))
          const who = await advertiser()
          const junk = await createAdvertisement({
            keys: junkKeys,
            peerId: who.peerId,
            privateKey: who.privateKey,
            expiresAt: Date.now() + 9 * 60_000,
            body: { addrs: [], name: 'junk', os: 'Linux' }
          })
          try {
            for await (const _ of attacker.services.dht.put(junk.key, junk.value, {
              signal: AbortSignal.timeout(5_000)
            }))
              void _
          } catch {
            // Refused by a full node: the attacker's put ends with an error.
          }
        }
        for (let i = 0; i < 50; i++) {
          // libp2p carries its own copy of multiformats; the CID is the same bytes either way.
          const cid = CID.createV1(0x55, await sha256.digest(randomBytes(32))) as unknown as Parameters<
            typeof attacker.services.dht.provide
          >[0]
          try {
            for await (const _ of attacker.services.dht.provide(cid, { signal: AbortSignal.timeout(5_000) })) void _
          } catch {
            // The node refuses provider records; the attacker's provide may report that.
          }
        }
        assert.ok(datastore.records.size <= 64, `bounded: ${datastore.records.size} records`)
        assert.ok(datastore.records.refused >= 150 - 63, `junk refused: ${datastore.records.refused}`)
        let found = false
        for await (const e of device.services.dht.get(advertisementKey(keys), {
          signal: AbortSignal.timeout(10_000)
        })) {
          if (e.name === 'VALUE' || (e.name === 'PEER_RESPONSE' && e.record !== undefined)) found = true
        }
        assert.ok(found, 'the live record is still served')
        t.diagnostic(
          `after 150 junk records and 50 provider records: ${datastore.records.size} records held, ${datastore.records.refused} refused, heap +${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB (whole process)`
        )
      } finally {
        await Promise.all([device.stop(), attacker.stop(), node.stop()])
      }
    }
  )
})
