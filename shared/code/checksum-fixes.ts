import { sha256 } from '@noble/hashes/sha2.js'
import { WORDLIST, editDistance } from './wordlist.ts'

export interface ChecksumFix {
  position: number
  word: string
}

export const MAX_CHECKSUM_FIXES = 10

const BITS_PER_WORD = 11
const ENTROPY_BYTES = 16

/**
 * Whether 12 word indices carry a fitting BIP39 checksum (the last 4 of their 132 bits are the top
 * 4 bits of SHA-256 of the first 128). @scure/bip39 answers the same question, but each call checks
 * the whole list and looks every word up linearly: the ~24,000 trials of one search take 3 s
 * through it and ~40 ms here. The tests compare this search with a brute force through scure.
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

/**
 * Every single-word change that would make the checksum fit. Roughly 1 in 16 of all changes fits
 * by chance, so the useful ones are those closest to what was typed: a misheard word usually
 * sounds or looks like the right one.
 */
export function checksumFixes(words: readonly string[], indices: readonly number[]): ChecksumFix[] {
  const trial = [...indices]
  const found: { position: number; word: string; distance: number }[] = []
  for (let p = 0; p < trial.length; p++) {
    const original = trial[p]!
    for (let candidate = 0; candidate < WORDLIST.length; candidate++) {
      if (candidate === original) continue
      trial[p] = candidate
      if (checksumFits(trial)) {
        const word = WORDLIST[candidate]!
        found.push({ position: p + 1, word, distance: editDistance(words[p]!, word) })
      }
    }
    trial[p] = original
  }
  const byWord = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  found.sort((a, b) => a.distance - b.distance || byWord(a.word, b.word) || a.position - b.position)
  return found.slice(0, MAX_CHECKSUM_FIXES).map(({ position, word }) => ({ position, word }))
}
