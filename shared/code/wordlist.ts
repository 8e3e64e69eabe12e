import { wordlist as english } from '@scure/bip39/wordlists/english.js'

/** The 2048 BIP39 English words, in list order (the order encodes the bits). */
// A frozen copy: the list order encodes the bits, so nothing may reorder it; scure's own array stays as it is.
export const WORDLIST: readonly string[] = Object.freeze([...english])

/** The same list as the mutable array that @scure/bip39's functions take. */
export const BIP39_ENGLISH: string[] = english

const indexOf = new Map<string, number>(WORDLIST.map((word, i) => [word, i]))

/** Every BIP39 English word is unique in its first 4 letters, so 4 letters identify a word. */
export const UNIQUE_PREFIX_LENGTH = 4

const byPrefix = new Map<string, string>(WORDLIST.map((word) => [word.slice(0, UNIQUE_PREFIX_LENGTH), word]))

/**
 * Folds what people type or paste onto the list's spelling: full-width letters, accents added by
 * keyboards or autocorrect, and capitals all map to the plain lower-case word.
 */
export function normalizeWord(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/** Position of an exact list word, or -1. Takes the list's spelling only; see normalizeWord. */
export function wordIndex(word: string): number {
  return indexOf.get(word) ?? -1
}

/** Whether the text, once normalised, is a pairing word. */
export function isWord(word: string): boolean {
  return indexOf.has(normalizeWord(word.trim()))
}

/** Words that start with what has been typed so far, in list (alphabetical) order, for autocomplete. */
export function completions(prefix: string, limit = 8): string[] {
  const p = normalizeWord(prefix.trim())
  if (p === '' || limit <= 0) return []
  const out: string[] = []
  for (const word of WORDLIST) {
    if (word.startsWith(p)) {
      out.push(word)
      if (out.length >= limit) break
    }
  }
  return out
}

/**
 * Optimal-string-alignment distance: Levenshtein plus swapping two neighbouring letters as one
 * edit, because transposed letters are the most common typing slip.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[] = new Array<number>(rows * cols).fill(0)
  for (let i = 0; i < rows; i++) d[i * cols] = i
  for (let j = 0; j < cols; j++) d[j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1)
      }
      d[i * cols + j] = best
    }
  }
  return d[rows * cols - 1]!
}

/**
 * Likely intended words for something that is not on the list. The word with the same first 4
 * letters comes first (that is how the list was designed to be recognised), then the nearest
 * words by edit distance, ties alphabetical so the same typo always gets the same advice.
 * Words too far from what was typed are left out: a wild guess is worse than none.
 */
export function suggestionsFor(word: string, limit = 3): string[] {
  const typed = normalizeWord(word.trim())
  if (typed === '' || limit <= 0) return []
  const out: string[] = []
  if (typed.length >= UNIQUE_PREFIX_LENGTH) {
    const sameStart = byPrefix.get(typed.slice(0, UNIQUE_PREFIX_LENGTH))
    if (sameStart !== undefined && sameStart !== typed) out.push(sameStart)
  }
  // One slip in a short word already makes it look like several others; two is the most that still reads as a typo.
  const maxDistance = typed.length <= UNIQUE_PREFIX_LENGTH ? 1 : 2
  const near: { word: string; distance: number }[] = []
  for (const candidate of WORDLIST) {
    if (candidate === typed || out.includes(candidate)) continue
    // Lengths alone bound the distance from below; skipping saves most of the work.
    if (Math.abs(candidate.length - typed.length) > maxDistance) continue
    const distance = editDistance(typed, candidate)
    if (distance <= maxDistance) near.push({ word: candidate, distance })
  }
  near.sort((x, y) => x.distance - y.distance || (x.word < y.word ? -1 : x.word > y.word ? 1 : 0))
  for (const { word: w } of near) {
    if (out.length >= limit) break
    out.push(w)
  }
  return out.slice(0, limit)
}
