import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { deriveCodeKeys } from '../code/derive.ts'
import {
  advertisementKey,
  createAdvertisement,
  EXPIRED_AD_GRACE_MS,
  MAX_AD_LIFETIME_MS,
  openAdvertisement,
  selectAdvertisement,
  validateAdvertisement
} from './advertisement.ts'

const body = { addrs: ['/ip4/127.0.0.1/tcp/4001'], name: 'Alice', os: 'Linux' }
const encoder = new TextEncoder()
const decoder = new TextDecoder()

async function advertiser() {
  const privateKey = await generateKeyPair('Ed25519')
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString() }
}

const parse = (value: Uint8Array): Record<string, unknown> =>
  JSON.parse(decoder.decode(value)) as Record<string, unknown>
const encode = (record: unknown): Uint8Array => encoder.encode(JSON.stringify(record))

describe('pairing advertisement (DHT record)', () => {
  it('round trip: valid for every DHT node, readable only with the code', async () => {
    const me = await advertiser()
    const keys = deriveCodeKeys(randomBytes(16))
    const now = Date.now()
    const { key, value } = await createAdvertisement({ keys, ...me, expiresAt: now + 60_000, body })
    assert.deepEqual(key, advertisementKey(keys))
    assert.match(decoder.decode(key), /^\/pairwise\/[0-9a-f]{64}$/)
    await validateAdvertisement(key, value, now)
    assert.deepEqual(await openAdvertisement(value, keys, now), { peerId: me.peerId, expiresAt: now + 60_000, body })
    const otherCode = deriveCodeKeys(randomBytes(16))
    assert.equal(await openAdvertisement(value, otherCode, now), undefined, 'another code cannot read it')
    assert.ok(!decoder.decode(value).includes('Alice'), 'the device name is sealed')
    assert.ok(!decoder.decode(value).includes('127.0.0.1'), 'the addresses are sealed')
  })

  it('the validator refuses tampering, bad expiry windows, oversize values and foreign keys', async () => {
    const me = await advertiser()
    const keys = deriveCodeKeys(randomBytes(16))
    const now = Date.now()
    const { key, value } = await createAdvertisement({ keys, ...me, expiresAt: now + 60_000, body })
    const record = parse(value)
    await assert.rejects(validateAdvertisement(key, encode({ ...record, exp: now + 120_000 }), now), /signature/)
    const other = await advertiser()
    await assert.rejects(validateAdvertisement(key, encode({ ...record, peer: other.peerId }), now), /signature/)
    await assert.rejects(
      validateAdvertisement(advertisementKey(deriveCodeKeys(randomBytes(16))), value, now),
      /signature/
    )
    await assert.rejects(validateAdvertisement(encoder.encode('/pairwise/xyz'), value, now), /not a pairwise/)
    await assert.rejects(validateAdvertisement(key, new Uint8Array(4096), now), /too large/)
    await assert.rejects(validateAdvertisement(key, encode({ ...record, extra: 1 }), now))
    await assert.rejects(validateAdvertisement(key, value, now + 60_000 + EXPIRED_AD_GRACE_MS), /expired/)
    await validateAdvertisement(key, value, now + 60_001) // expired but within the grace window: still served
    const far = await createAdvertisement({ keys, ...me, expiresAt: now + MAX_AD_LIFETIME_MS + 1, body })
    await assert.rejects(validateAdvertisement(far.key, far.value, now), /too far/)
  })

  it('someone who read the key and the record cannot make a valid record of their own under it', async () => {
    const real = await advertiser()
    const attacker = await advertiser()
    const keys = deriveCodeKeys(randomBytes(16))
    const now = Date.now()
    const genuine = await createAdvertisement({ keys, ...real, expiresAt: now + 60_000, body })
    const record = parse(genuine.value)
    // Re-signed with the attacker's identity, keeping the real sealed body and code signature:
    const unsigned = { v: 1, peer: attacker.peerId, exp: now + 120_000, sealed: record.sealed }
    const bytes = encoder.encode(
      JSON.stringify([
        'pairwise/v1/advertisement',
        decoder.decode(genuine.key),
        1,
        attacker.peerId,
        unsigned.exp,
        unsigned.sealed
      ])
    )
    const sig = Buffer.from(await attacker.privateKey.sign(bytes)).toString('hex')
    await assert.rejects(
      validateAdvertisement(genuine.key, encode({ ...unsigned, sig, csig: record.csig }), now),
      /code signature/
    )
    // …or with a code key of its own choosing: the DHT key names the real code key.
    const forged = await createAdvertisement({
      keys: { ...keys, adSeed: randomBytes(32) },
      ...attacker,
      expiresAt: now + 120_000,
      body
    })
    await assert.rejects(validateAdvertisement(genuine.key, forged.value, now), /code signature/)
  })

  it('the selector is deterministic: latest expiry wins, garbage never wins', async () => {
    const me = await advertiser()
    const keys = deriveCodeKeys(randomBytes(16))
    const now = Date.now()
    const early = await createAdvertisement({ keys, ...me, expiresAt: now + 60_000, body })
    const late = await createAdvertisement({ keys, ...me, expiresAt: now + 120_000, body })
    assert.equal(selectAdvertisement(early.key, [early.value, late.value]), 1)
    assert.equal(selectAdvertisement(early.key, [late.value, early.value]), 0)
    assert.equal(selectAdvertisement(early.key, [new Uint8Array([1, 2, 3]), early.value]), 1)
    assert.equal(
      selectAdvertisement(early.key, [early.value, early.value]),
      selectAdvertisement(early.key, [early.value, early.value])
    )
  })
})
