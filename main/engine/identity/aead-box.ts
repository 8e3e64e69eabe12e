import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes } from 'node:crypto'
import { PairwiseError } from '../../../shared/errors.ts'

// Sealed format: version byte, 24-byte random nonce, XChaCha20-Poly1305 ciphertext.
// The random 192-bit nonce makes nonce reuse under one key a non-issue.
const VERSION = 1
const NONCE_BYTES = 24

export function sealWithKey(key: Uint8Array, plaintext: Uint8Array, associatedData?: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES)
  const ciphertext = xchacha20poly1305(key, nonce, associatedData).encrypt(plaintext)
  const out = new Uint8Array(1 + NONCE_BYTES + ciphertext.length)
  out[0] = VERSION
  out.set(nonce, 1)
  out.set(ciphertext, 1 + NONCE_BYTES)
  return out
}

/** The box said no: the sealed bytes are damaged or were sealed with another key (callers name the file). */
export class SealedBoxError extends PairwiseError {}

export function openWithKey(key: Uint8Array, sealed: Uint8Array, associatedData?: Uint8Array): Uint8Array {
  if (sealed.length < 1 + NONCE_BYTES + 16 || sealed[0] !== VERSION) {
    throw new SealedBoxError('storage-error', 'A stored secret is damaged or from an unknown version.')
  }
  try {
    return xchacha20poly1305(key, sealed.subarray(1, 1 + NONCE_BYTES), associatedData).decrypt(
      sealed.subarray(1 + NONCE_BYTES)
    )
  } catch (err) {
    throw new SealedBoxError('storage-error', 'A stored secret could not be decrypted.', {
      hint: 'The data folder may have been copied from another device or damaged.',
      cause: err
    })
  }
}
