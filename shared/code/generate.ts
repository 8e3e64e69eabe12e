import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39'
import { PairwiseError } from '../errors.ts'
import { BIP39_ENGLISH, wordIndex } from './wordlist.ts'

// BIP39 with 128 bits: 128 entropy bits + 4 checksum bits = 132 bits = 12 words of 11 bits.
// The encoding is @scure/bip39's (audited, and free of Node's Buffer, so it runs in the renderer
// too); this module adds the code's fixed length and the typed errors people see.
export const CODE_WORD_COUNT = 12
export const CODE_ENTROPY_BYTES = 16

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

export function entropyToWords(entropy: Uint8Array): string[] {
  // scure accepts 16–32 bytes; a code is exactly 16, and longer entropy would make longer codes.
  if (!(entropy instanceof Uint8Array) || entropy.length !== CODE_ENTROPY_BYTES) {
    throw new PairwiseError('invalid-argument', `A pairing code is made from ${CODE_ENTROPY_BYTES} bytes.`)
  }
  return entropyToMnemonic(entropy, BIP39_ENGLISH).split(' ')
}

/**
 * The entropy of exact list words whose checksum fits, or undefined when it does not fit.
 * Callers check the count and the words first, so that people get the precise error.
 */
export function checkedEntropy(words: readonly string[]): Uint8Array | undefined {
  try {
    return mnemonicToEntropy(words.join(' '), BIP39_ENGLISH)
  } catch {
    return undefined
  }
}

/** Exact list words in, entropy out; anything else is refused rather than guessed at (parseCode guesses). */
export function wordsToEntropy(words: readonly string[]): Uint8Array {
  if (words.length !== CODE_WORD_COUNT) {
    const message = `Found ${words.length} words, but a pairing code has ${CODE_WORD_COUNT}.`
    throw new PairwiseError('wrong-word-count', message)
  }
  words.forEach((word, i) => {
    if (wordIndex(word) >= 0) return
    throw new PairwiseError('invalid-word', `Word ${i + 1} “${word}” is not a pairing word.`)
  })
  const entropy = checkedEntropy(words)
  if (entropy === undefined) {
    throw new PairwiseError('checksum-mismatch', 'These words are all pairing words, but they do not fit together.')
  }
  return entropy
}
