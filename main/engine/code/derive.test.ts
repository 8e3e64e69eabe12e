import { test } from 'node:test'
import assert from 'node:assert/strict'
import { hkdfSync } from 'node:crypto'
import { PairwiseError } from '../../../shared/errors.ts'
import { deriveCodeKeys, derivePairKey, rendezvousHex } from './derive.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))

// Computed once with derive.ts and frozen: a change here means every deployed code would stop
// meeting its peer, so it must be deliberate (and come with a new version label).
const VECTORS = [
  {
    entropy: '00000000000000000000000000000000',
    rendezvous: '4df1bd7badb83cd78e456dd2d86b1548978b546bd6b008c96335f7fa97616ae5',
    seal: '23c6718bb42ae999e9d87b458bc304e10cde4c4d5bf36ac160b8cb97d9d4b69c',
    auth: '19fdacd59849e257b0d1b5dba1c0b4345fa3daedd2b7956c2eb88ad43a1f60b7'
  },
  {
    entropy: '000102030405060708090a0b0c0d0e0f',
    rendezvous: '8f1ab768359c153a145e8abf72884c9f605143775e6144e0e7d314f14dcbc9a6',
    seal: '33ed15ff23c0a2cfca0a16e565e21c0959bf99edc215afb85b542c413208cf60',
    auth: '5f464fde4471899e1d3d3751dea29d84814628dc44e0063b8d126bb2b385d6c8'
  }
]
const TRANSCRIPT_HASH = 'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf'
const PAIR_KEY = '46f952df62cf7e3b2dbebd7887c94ae1b9a9811c669cb5b5fc5be0f21c338736'

// An independent HKDF (OpenSSL via node:crypto), so the frozen vectors are not merely self-consistent.
function openssl(ikm: string, salt: Uint8Array, info: string): string {
  return Buffer.from(hkdfSync('sha256', fromHex(ikm), salt, Buffer.from(info, 'utf8'), 32)).toString('hex')
}
const SALT = Buffer.from('pairwise/v1', 'utf8')

test('code keys match the frozen vectors', () => {
  for (const v of VECTORS) {
    const keys = deriveCodeKeys(fromHex(v.entropy))
    assert.equal(hex(keys.rendezvous), v.rendezvous)
    assert.equal(hex(keys.sealKey), v.seal)
    assert.equal(hex(keys.authKey), v.auth)
    assert.equal(rendezvousHex(keys), v.rendezvous)
  }
})

test('the frozen vectors agree with node:crypto HKDF-SHA256 and the documented labels', () => {
  for (const v of VECTORS) {
    assert.equal(openssl(v.entropy, SALT, 'pairwise/v1/rendezvous'), v.rendezvous)
    assert.equal(openssl(v.entropy, SALT, 'pairwise/v1/seal'), v.seal)
    assert.equal(openssl(v.entropy, SALT, 'pairwise/v1/auth'), v.auth)
  }
  assert.equal(openssl(VECTORS[1]!.entropy, fromHex(TRANSCRIPT_HASH), 'pairwise/v1/pair-key'), PAIR_KEY)
})

test('pair key matches the frozen vector', () => {
  assert.equal(hex(derivePairKey(fromHex(VECTORS[1]!.entropy), fromHex(TRANSCRIPT_HASH))), PAIR_KEY)
})

test('every key is 32 bytes and each label gives a different key', () => {
  const entropy = fromHex(VECTORS[1]!.entropy)
  const keys = deriveCodeKeys(entropy)
  const pair = derivePairKey(entropy, fromHex(TRANSCRIPT_HASH))
  const all = [keys.rendezvous, keys.sealKey, keys.authKey, pair]
  for (const k of all) assert.equal(k.length, 32)
  assert.equal(new Set(all.map(hex)).size, all.length)
  // None of them may reveal the entropy itself.
  for (const k of all) assert.ok(!hex(k).includes(VECTORS[1]!.entropy))
  assert.match(rendezvousHex(keys), /^[0-9a-f]{64}$/)
})

test('different entropy gives different keys; the same entropy the same keys', () => {
  const a = deriveCodeKeys(fromHex(VECTORS[0]!.entropy))
  const b = deriveCodeKeys(fromHex(VECTORS[1]!.entropy))
  assert.notEqual(hex(a.rendezvous), hex(b.rendezvous))
  assert.notEqual(hex(a.authKey), hex(b.authKey))
  assert.deepEqual(deriveCodeKeys(fromHex(VECTORS[0]!.entropy)), a)
})

test('the pair key depends on the transcript', () => {
  const entropy = fromHex(VECTORS[1]!.entropy)
  const other = fromHex(TRANSCRIPT_HASH)
  other[31] = other[31]! ^ 1
  assert.notEqual(hex(derivePairKey(entropy, other)), PAIR_KEY)
})

test('entropy that is not exactly 16 bytes is refused', () => {
  for (const length of [0, 15, 17, 32]) {
    assert.throws(
      () => deriveCodeKeys(new Uint8Array(length)),
      (err: unknown) => err instanceof PairwiseError && err.code === 'invalid-argument'
    )
    assert.throws(
      () => derivePairKey(new Uint8Array(length), new Uint8Array(32)),
      (err: unknown) => err instanceof PairwiseError && err.code === 'invalid-argument'
    )
  }
  assert.throws(
    () => deriveCodeKeys('00'.repeat(16) as unknown as Uint8Array),
    (err: unknown) => err instanceof PairwiseError && err.code === 'invalid-argument'
  )
})

test('a transcript hash that is not exactly 32 bytes is refused', () => {
  const entropy = new Uint8Array(16)
  for (const length of [0, 16, 31, 33, 64]) {
    assert.throws(
      () => derivePairKey(entropy, new Uint8Array(length)),
      (err: unknown) => err instanceof PairwiseError && err.code === 'invalid-argument'
    )
  }
})

test('the advertisement key seed is HKDF(entropy, "pairwise/v1", "pairwise/v1/ad-key") and distinct from the other keys', () => {
  const entropy = new Uint8Array(16).fill(7)
  const keys = deriveCodeKeys(entropy)
  const expected = new Uint8Array(
    hkdfSync('sha256', entropy, Buffer.from('pairwise/v1'), Buffer.from('pairwise/v1/ad-key'), 32)
  )
  assert.deepEqual(keys.adSeed, expected)
  for (const other of [keys.rendezvous, keys.sealKey, keys.authKey]) assert.notDeepEqual(keys.adSeed, other)
})
