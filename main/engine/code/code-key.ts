import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

// The "code key": an Ed25519 key pair whose seed is derived from the code (derive.ts, adSeed). It is
// no device's identity, so it needs none of libp2p's key objects, and OpenSSL makes it natively:
// @libp2p/crypto computes the public half from a seed in JavaScript (@noble/curves), which costs
// ~25 ms of table set-up on a process's first code, against ~1 ms here; @noble/ed25519 is no faster.
// The engine runs only in Node (plain or Electron's), so node:crypto is always there.

// DER prefixes that turn raw RFC 8032 bytes into the PKCS#8 / SPKI forms OpenSSL imports.
const PKCS8_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const KEY_BYTES = 32

export interface CodeKey {
  /** The raw 32-byte public key: it names the DHT record. */
  publicKey: Uint8Array
  sign(data: Uint8Array): Uint8Array
}

function withPrefix(prefix: Uint8Array, raw: Uint8Array): Buffer {
  return Buffer.concat([prefix, raw])
}

export function codeKeyFromSeed(seed: Uint8Array): CodeKey {
  if (!(seed instanceof Uint8Array) || seed.length !== KEY_BYTES) throw new TypeError('A code key seed is 32 bytes.')
  const der = withPrefix(PKCS8_SEED_PREFIX, seed)
  const privateKey: KeyObject = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  return {
    publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)),
    sign: (data) => new Uint8Array(sign(null, data, privateKey))
  }
}

/** Whether `signature` is the code key's over `data`; false (never a throw) for malformed keys. */
export function verifyCodeSignature(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: withPrefix(SPKI_PREFIX, publicKey), format: 'der', type: 'spki' })
    return verify(null, data, key, signature)
  } catch {
    return false
  }
}
