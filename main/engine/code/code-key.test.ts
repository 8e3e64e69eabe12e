import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { codeKeyFromSeed, verifyCodeSignature } from './code-key.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))

// RFC 8032 §7.1, TEST 2 (one-byte message).
const RFC = {
  seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
  publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
  message: '72',
  signature:
    '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da' +
    '085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'
}

test('the code key follows RFC 8032: public key and signature of the test vector', () => {
  const key = codeKeyFromSeed(fromHex(RFC.seed))
  assert.equal(hex(key.publicKey), RFC.publicKey)
  assert.equal(hex(key.sign(fromHex(RFC.message))), RFC.signature)
  assert.ok(verifyCodeSignature(key.publicKey, fromHex(RFC.message), fromHex(RFC.signature)))
})

test('the code key is the one libp2p derives from the same seed, so DHT keys stay what they were', async () => {
  for (let i = 0; i < 5; i++) {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const ours = codeKeyFromSeed(seed)
    const theirs = await generateKeyPairFromSeed('Ed25519', seed)
    assert.equal(hex(ours.publicKey), hex(theirs.publicKey.raw))
    const data = crypto.getRandomValues(new Uint8Array(100))
    assert.ok(await publicKeyFromRaw(ours.publicKey).verify(data, ours.sign(data)))
    assert.ok(verifyCodeSignature(ours.publicKey, data, await theirs.sign(data)))
  }
})

test('verifyCodeSignature says false for a wrong signature, message or malformed key', () => {
  const key = codeKeyFromSeed(new Uint8Array(32).fill(7))
  const data = new TextEncoder().encode('record')
  const sig = key.sign(data)
  assert.ok(verifyCodeSignature(key.publicKey, data, sig))
  assert.ok(!verifyCodeSignature(key.publicKey, new TextEncoder().encode('other'), sig))
  assert.ok(
    !verifyCodeSignature(
      key.publicKey,
      data,
      sig.map((b, i) => (i === 0 ? b ^ 1 : b))
    )
  )
  assert.ok(!verifyCodeSignature(new Uint8Array(31), data, sig))
  assert.ok(!verifyCodeSignature(key.publicKey, data, sig.subarray(0, 63)))
  assert.throws(() => codeKeyFromSeed(new Uint8Array(16)), TypeError)
})
