import { sha256 } from '@noble/hashes/sha2.js'
import { PairwiseError } from '../errors.ts'
import { WORDLIST, wordIndex } from './wordlist.ts'

// BIP39 with 128 bits: 128 entropy bits + 4 checksum bits = 132 bits = 12 words of 11 bits.
// Implemented here rather than through bip39's helpers because those need Node's Buffer and this
// module also runs in the renderer; the tests check every result against bip39 itself.
export const CODE_WORD_COUNT = 12
export const CODE_ENTROPY_BYTES = 16
const BITS_PER_WORD = 11
const CHECKSUM_BITS = 4

export interface GeneratedCode {
  words: string[]
  entropy: Uint8Array
}

/** A fresh code from the platform CSPRNG (Web Crypto exists in Node 22 and in browsers alike). */
export function generateCode(): GeneratedCode {
  const entropy = new Uint8Array(CODE_ENTROPY_BYTES)
  globalThis.crypto.getRandomValues(entropy)
  return { words: entropyToWords(entropy), entropy }
}

function checksumOf(entropy: Uint8Array): number {
  return sha256(entropy)[0]! >>> (8 - CHECKSUM_BITS)
}

export function entropyToWords(entropy: Uint8Array): string[] {
  if (!(entropy instanceof Uint8Array) || entropy.length !== CODE_ENTROPY_BYTES) {
    throw new PairwiseError('invalid-argument', `A pairing code is made from ${CODE_ENTROPY_BYTES} bytes.`)
  }
  const words: string[] = []
  let acc = 0
  let accBits = 0
  const take = (value: number, bits: number): void => {
    acc = (acc << bits) | value
    accBits += bits
    while (accBits >= BITS_PER_WORD) {
      accBits -= BITS_PER_WORD
      words.push(WORDLIST[(acc >>> accBits) & 0x7ff]!)
      acc &= (1 << accBits) - 1
    }
  }
  for (const byte of entropy) take(byte, 8)
  take(checksumOf(entropy), CHECKSUM_BITS)
  return words
}

/**
 * Splits 12 word indices back into entropy and the checksum they carry, and says whether the
 * checksum fits. Parsing calls this thousands of times when it searches for a mistyped word.
 */
export function indicesToEntropy(indices: readonly number[]): { entropy: Uint8Array; checksumOk: boolean } {
  if (indices.length !== CODE_WORD_COUNT) {
    throw new PairwiseError('invalid-argument', `A pairing code has ${CODE_WORD_COUNT} words.`)
  }
  const entropy = new Uint8Array(CODE_ENTROPY_BYTES)
  let acc = 0
  let accBits = 0
  let n = 0
  for (const index of indices) {
    acc = (acc << BITS_PER_WORD) | index
    accBits += BITS_PER_WORD
    while (accBits >= 8 && n < CODE_ENTROPY_BYTES) {
      accBits -= 8
      entropy[n++] = (acc >>> accBits) & 0xff
      acc &= (1 << accBits) - 1
    }
  }
  return { entropy, checksumOk: acc === checksumOf(entropy) }
}

/** Exact list words in, entropy out; anything else is refused rather than guessed at (parseCode guesses). */
export function wordsToEntropy(words: readonly string[]): Uint8Array {
  if (words.length !== CODE_WORD_COUNT) {
    throw new PairwiseError('wrong-word-count', `Found ${words.length} words, but a pairing code has ${CODE_WORD_COUNT}.`)
  }
  const indices = words.map((word, i) => {
    const index = wordIndex(word)
    if (index < 0) throw new PairwiseError('invalid-word', `Word ${i + 1} “${word}” is not a pairing word.`)
    return index
  })
  const { entropy, checksumOk } = indicesToEntropy(indices)
  if (!checksumOk) {
    throw new PairwiseError('checksum-mismatch', 'These words are all pairing words, but they do not fit together.')
  }
  return entropy
}
