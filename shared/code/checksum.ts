import { sha256 } from '@noble/hashes/sha2.js'

const BITS_PER_WORD = 11
const ENTROPY_BYTES = 16

/**
 * Whether 12 word indices carry a fitting BIP39 checksum (the last 4 of their 132 bits are the top
 * 4 bits of SHA-256 of the first 128). @scure/bip39 answers the same question, but each call checks
 * the whole list and looks every word up linearly: the ~1,000 trials of one near-miss search
 * (near-misses.ts) would take ~150 ms through it. checksum.test.ts compares it with scure.
 */
export function checksumFits(indices: readonly number[]): boolean {
  const bits = new Uint8Array(ENTROPY_BYTES + 1)
  indices.forEach((index, i) => {
    for (let b = 0; b < BITS_PER_WORD; b++) {
      if ((index >>> (BITS_PER_WORD - 1 - b)) & 1) {
        const bit = i * BITS_PER_WORD + b
        bits[bit >>> 3]! |= 0x80 >>> (bit & 7)
      }
    }
  })
  return sha256(bits.subarray(0, ENTROPY_BYTES))[0]! >>> 4 === bits[ENTROPY_BYTES]! >>> 4
}
