import { nearMisses, type Correction } from './near-misses.ts'

// What a person is offered when 12 real words do not fit together: the few
// likeliest slips (nearMisses' ranking: swapped neighbours first, then one
// misheard or mistyped word), each said in words and one click or keystroke
// away. Never every single-word change that merely passes the checksum: with
// a 4-bit checksum that is ~1 in 16 of all changes, and nearly all are wrong.

/** A front end shows at most this many; the engine still probes up to MAX_NEAR_MISSES. */
export const MAX_SHOWN_SLIPS = 4

export interface Slip {
  /** The 12 words with this slip undone. */
  words: string[]
  correction: Correction
  /** "Swap words 3 and 4" / "Word 7: floor (not flor)" */
  label: string
}

export function slipLabel(correction: Correction): string {
  if (correction.kind === 'swap') return `Swap words ${correction.positions[0]} and ${correction.positions[1]}`
  return `Word ${correction.position}: ${correction.to} (not ${correction.from})`
}

/** The likeliest slips behind `typed`, best first; none when nothing plausible fits. */
export function likelySlips(typed: readonly string[], max = MAX_SHOWN_SLIPS): Slip[] {
  return nearMisses(typed)
    .slice(0, max)
    .map(({ words, entropy, correction }) => {
      // Only the words go on: the entropy is the would-be secret, not needed to show a suggestion.
      entropy.fill(0)
      return { words, correction, label: slipLabel(correction) }
    })
}

/**
 * The words with a correction the engine reported applied (it names
 * positions, never words of the code it found): what the fields should show
 * once it paired with the corrected code.
 */
export function applyCorrection(words: readonly string[], correction: Correction): string[] {
  const fixed = [...words]
  if (correction.kind === 'swap') {
    const [i, j] = [correction.positions[0] - 1, correction.positions[1] - 1]
    ;[fixed[i], fixed[j]] = [words[j]!, words[i]!]
  } else {
    fixed[correction.position - 1] = correction.to
  }
  return fixed
}
