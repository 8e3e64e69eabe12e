import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { adKey, createAdvertisement, EXPIRED_AD_GRACE_MS, MAX_AD_LIFETIME_MS, openAdvertisement, selectAdvertisement, validateAdvertisement } from './advertisement.ts'

const body = { addrs: ['/ip4/127.0.0.1/tcp/4001'], name: 'Alice', os: 'Linux' }

async function advertiser() {
  const privateKey = await generateKeyPair('Ed25519')
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString() }
}

describe('pairing advertisement (DHT record)', () => {
  it('round trip: valid for every DHT node, readable only with the seal key', async () => {
    const me = await advertiser()
    const rendezvous = randomBytes(32)
    const sealKey = randomBytes(32)
    const now = Date.now()
    const { key, value } = await createAdvertisement({ rendezvous, sealKey, ...me, expiresAt: now + 60_000, body })
    assert.deepEqual(key, adKey(rendezvous))
    await validateAdvertisement(key, value, now)
    const opened = await openAdvertisement(value, rendezvous, sealKey, now)
    assert.deepEqual(opened, { peerId: me.peerId, expiresAt: now + 60_000, body })
    assert.equal(await openAdvertisement(value, rendezvous, randomBytes(32), now), undefined, 'wrong code: unreadable')
    assert.ok(!new TextDecoder().decode(value).includes('Alice'), 'the device name is sealed')
    assert.ok(!new TextDecoder().decode(value).includes('127.0.0.1'), 'the addresses are sealed')
  })

  it('the validator refuses tampering, bad expiry windows, oversize values and foreign keys', async () => {
    const me = await advertiser()
    const rendezvous = randomBytes(32)
    const now = Date.now()
    const { key, value } = await createAdvertisement({ rendezvous, sealKey: randomBytes(32), ...me, expiresAt: now + 60_000, body })
    const record = JSON.parse(new TextDecoder().decode(value)) as Record<string, unknown>
    const encode = (r: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(r))
    await assert.rejects(validateAdvertisement(key, encode({ ...record, exp: now + 120_000 }), now), /signature/)
    const other = await advertiser()
    await assert.rejects(validateAdvertisement(key, encode({ ...record, peer: other.peerId }), now), /signature/)
    await assert.rejects(validateAdvertisement(adKey(randomBytes(32)), value, now), /signature/)
    await assert.rejects(validateAdvertisement(new TextEncoder().encode('/pairwise/xyz'), value, now))
    await assert.rejects(validateAdvertisement(key, new Uint8Array(4096), now), /too large/)
    await assert.rejects(validateAdvertisement(key, encode({ ...record, extra: 1 }), now))
    await assert.rejects(validateAdvertisement(key, value, now + 60_000 + EXPIRED_AD_GRACE_MS), /expired/)
    await validateAdvertisement(key, value, now + 60_001) // expired but within the grace window: still served
    const far = await createAdvertisement({ rendezvous, sealKey: randomBytes(32), ...me, expiresAt: now + MAX_AD_LIFETIME_MS + 1, body })
    await assert.rejects(validateAdvertisement(far.key, far.value, now), /too far/)
  })

  it('a body lifted into a record signed by another key cannot be opened', async () => {
    const real = await advertiser()
    const thief = await advertiser()
    const rendezvous = randomBytes(32)
    const sealKey = randomBytes(32)
    const now = Date.now()
    const genuine = await createAdvertisement({ rendezvous, sealKey, ...real, expiresAt: now + 60_000, body })
    const sealed = (JSON.parse(new TextDecoder().decode(genuine.value)) as { sealed: string }).sealed
    // The thief re-signs the real sealed body under its own peer id.
    const forged = await createAdvertisement({ rendezvous, sealKey: randomBytes(32), ...thief, expiresAt: now + 60_000, body })
    const forgedRecord = JSON.parse(new TextDecoder().decode(forged.value)) as Record<string, unknown>
    const unsigned = { v: 1, peer: thief.peerId, exp: forgedRecord.exp, sealed }
    const signed = await thief.privateKey.sign(new TextEncoder().encode(JSON.stringify(['pairwise/v1/advertisement', new TextDecoder().decode(forged.key), 1, thief.peerId, forgedRecord.exp, sealed])))
    const value = new TextEncoder().encode(JSON.stringify({ ...unsigned, sig: Buffer.from(signed).toString('hex') }))
    await validateAdvertisement(forged.key, value, now) // a valid record for the DHT…
    assert.equal(await openAdvertisement(value, rendezvous, sealKey, now), undefined) // …but useless to a joiner
  })

  it('the selector is deterministic: latest expiry wins, ties by signature, garbage never wins', async () => {
    const me = await advertiser()
    const rendezvous = randomBytes(32)
    const now = Date.now()
    const early = await createAdvertisement({ rendezvous, sealKey: randomBytes(32), ...me, expiresAt: now + 60_000, body })
    const late = await createAdvertisement({ rendezvous, sealKey: randomBytes(32), ...me, expiresAt: now + 120_000, body })
    const key = adKey(rendezvous)
    assert.equal(selectAdvertisement(key, [early.value, late.value]), 1)
    assert.equal(selectAdvertisement(key, [late.value, early.value]), 0)
    assert.equal(selectAdvertisement(key, [new Uint8Array([1, 2, 3]), early.value]), 1)
    const a = selectAdvertisement(key, [early.value, early.value])
    assert.equal(a, selectAdvertisement(key, [early.value, early.value]))
  })
})
