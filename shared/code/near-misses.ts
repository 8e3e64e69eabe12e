import { checksumFits } from './checksum.ts'
import { CODE_WORD_COUNT, wordsToEntropy } from './generate.ts'
import { editDistance, normalizeWord, WORDLIST, wordIndex } from './wordlist.ts'

// The codes a person most likely meant when the words they typed do not work:
// only slips that happen when 12 words are read aloud and typed — two words
// swapped (neighbours first), one word misheard (it sounds alike) or mistyped
// (one or two letters off). Every candidate must carry a valid BIP39
// checksum, as every real code does; that alone drops 15 of 16 random
// guesses. The list is ranked and short: the joiner then probes each by its
// public rendezvous (see main/engine/service/near-miss-probe.ts), never by
// sending a proof.

export type Correction =
  { kind: 'swap'; positions: [number, number] } | { kind: 'word'; position: number; from: string; to: string }

export interface NearMiss {
  words: string[]
  entropy: Uint8Array
  correction: Correction
}

export const MAX_NEAR_MISSES = 64

/** Sound-alike spellings collapse to one key: "flor"/"floor", "gaze"/"gauze", "phone"/"fone". */
export function phoneticKey(word: string): string {
  let w = normalizeWord(word).replace(/[^a-z]/g, '')
  w = w
    .replace(/^kn|^gn|^pn|^wr/, (m) => m[1]!)
    .replace(/ph/g, 'f')
    .replace(/ck|q/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/c/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/z/g, 's')
    .replace(/gh/g, '')
    .replace(/mb$/, 'm')
  const first = w.slice(0, 1)
  // Vowels (and y/w between them) carry the accent, not the word: keep only the first letter's.
  const rest = w.slice(1).replace(/[aeiouyhw]/g, '')
  return (first + rest).replace(/(.)\1+/g, '$1')
}

const byPhonetic = new Map<string, string[]>()
for (const word of WORDLIST) {
  const key = phoneticKey(word)
  byPhonetic.set(key, [...(byPhonetic.get(key) ?? []), word])
}

/** Words a person could have meant for `typed`, nearest first (not `typed` itself). */
export function soundsOrLooksLike(typed: string): Array<{ word: string; cost: number }> {
  const word = normalizeWord(typed.trim())
  const out = new Map<string, number>()
  for (const alike of byPhonetic.get(phoneticKey(word)) ?? []) out.set(alike, 1)
  for (const candidate of WORDLIST) {
    if (Math.abs(candidate.length - word.length) > 2) continue
    const distance = editDistance(word, candidate)
    if (distance === 0 || distance > 2) continue
    out.set(candidate, Math.min(out.get(candidate) ?? Infinity, distance === 1 ? 1 : 2))
  }
  out.delete(word)
  return [...out].map(([w, cost]) => ({ word: w, cost })).sort((a, b) => a.cost - b.cost || (a.word < b.word ? -1 : 1))
}

/**
 * Ranked candidates for 12 typed words, at most MAX_NEAR_MISSES, each with a
 * valid checksum. Works when the checksum fails, when it passes but nobody
 * answers, and when at most one word is not on the list at all.
 */
export function nearMisses(typed: readonly string[]): NearMiss[] {
  if (typed.length !== CODE_WORD_COUNT) return []
  const words = typed.map((w) => normalizeWord(w))
  const unknown = words.flatMap((w, i) => (wordIndex(w) < 0 ? [i] : []))
  if (unknown.length > 1) return []
  const ranked: Array<{ words: string[]; correction: Correction; cost: number }> = []
  const consider = (candidate: string[], correction: Correction, cost: number): void => {
    const indices = candidate.map((w) => wordIndex(w))
    if (indices.some((i) => i < 0) || !checksumFits(indices)) return
    ranked.push({ words: candidate, correction, cost })
  }
  if (unknown.length === 0) {
    for (let i = 0; i < words.length; i++) {
      for (let j = i + 1; j < words.length; j++) {
        if (words[i] === words[j]) continue
        const swapped = [...words]
        swapped[i] = words[j]!
        swapped[j] = words[i]!
        consider(swapped, { kind: 'swap', positions: [i + 1, j + 1] }, j === i + 1 ? 1 : 2)
      }
    }
  }
  const positions = unknown.length === 1 ? unknown : words.map((_, i) => i)
  for (const p of positions) {
    for (const { word, cost } of soundsOrLooksLike(words[p]!)) {
      const changed = [...words]
      changed[p] = word
      consider(changed, { kind: 'word', position: p + 1, from: words[p]!, to: word }, cost + 0.5)
    }
  }
  ranked.sort((a, b) => a.cost - b.cost)
  return ranked
    .slice(0, MAX_NEAR_MISSES)
    .map(({ words: w, correction }) => ({ words: w, entropy: wordsToEntropy(w), correction }))
}

/** "words 3 and 4 were swapped" / "word 7 is “floor”, not “flor”" */
export function describeCorrection(correction: Correction): string {
  if (correction.kind === 'swap') return `words ${correction.positions[0]} and ${correction.positions[1]} were swapped`
  return `word ${correction.position} is “${correction.to}”, not “${correction.from}”`
}
