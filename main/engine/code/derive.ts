import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import { PairwiseError } from '../../../shared/errors.ts'

// Every label is versioned so a future protocol can change derivations without two versions ever
// agreeing on a key by accident. The salt is fixed and public: the entropy is the only secret.
const SALT = utf8ToBytes('pairwise/v1')
const LABELS = {
  rendezvous: utf8ToBytes('pairwise/v1/rendezvous'),
  seal: utf8ToBytes('pairwise/v1/seal'),
  auth: utf8ToBytes('pairwise/v1/auth'),
  adKey: utf8ToBytes('pairwise/v1/ad-key'),
  pairKey: utf8ToBytes('pairwise/v1/pair-key')
}
const ENTROPY_BYTES = 16
const TRANSCRIPT_HASH_BYTES = 32
const KEY_BYTES = 32

export interface CodeKeys {
  /** Public: where the two sides meet (DHT key, session lookup). */
  rendezvous: Uint8Array
  /** Secret: encrypts the advertisement body. */
  sealKey: Uint8Array
  /** Secret: keys the HMAC proofs of knowing the code. Never sent anywhere. */
  authKey: Uint8Array
  /**
   * Secret: the seed of an Ed25519 key pair that only holders of the code can
   * make. Its public half names the DHT record and signs it, so DHT nodes can
   * refuse any record not made with the code — without learning the code.
   */
  adSeed: Uint8Array
}

function requireBytes(value: Uint8Array, length: number, what: string): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new PairwiseError('invalid-argument', `${what} must be exactly ${length} bytes.`)
  }
}

export function deriveCodeKeys(entropy: Uint8Array): CodeKeys {
  requireBytes(entropy, ENTROPY_BYTES, 'The code entropy')
  return {
    rendezvous: hkdf(sha256, entropy, SALT, LABELS.rendezvous, KEY_BYTES),
    sealKey: hkdf(sha256, entropy, SALT, LABELS.seal, KEY_BYTES),
    authKey: hkdf(sha256, entropy, SALT, LABELS.auth, KEY_BYTES),
    adSeed: hkdf(sha256, entropy, SALT, LABELS.adKey, KEY_BYTES)
  }
}

/** The rendezvous id in hex, as the initiator's responder indexes sessions by it. */
export function rendezvousHex(keys: Pick<CodeKeys, 'rendezvous'>): string {
  return bytesToHex(keys.rendezvous)
}

/**
 * The long-lived key two paired devices share. Salting with the transcript hash ties it to this
 * one pairing (both peer ids, both nonces), so the same words used again never give the same key.
 */
export function derivePairKey(entropy: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  requireBytes(entropy, ENTROPY_BYTES, 'The code entropy')
  requireBytes(transcriptHash, TRANSCRIPT_HASH_BYTES, 'The transcript hash')
  return hkdf(sha256, entropy, transcriptHash, LABELS.pairKey, KEY_BYTES)
}
