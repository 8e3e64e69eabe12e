import {
  CODE_WORD_COUNT,
  completions,
  isWord,
  likelySlips,
  looksLikeLink,
  normalizeWord,
  parseCode,
  parseLink,
  splitCodeWords
} from '../../shared/code/index.ts'
import type { ParsedCode, Slip } from '../../shared/code/index.ts'

// Pure helpers behind the Enter code screen; the React parts only wire them to events.

export const EMPTY_WORDS: readonly string[] = Array.from({ length: CODE_WORD_COUNT }, () => '')

/**
 * What a field holds once the person leaves it: the list's spelling, and a unique start of a word
 * (4 letters identify every BIP39 word) completed, as BIP39 intends.
 */
export function settleWord(raw: string): string {
  const word = normalizeWord(raw.trim())
  if (word.length < 4 || isWord(word)) return word
  const candidates = completions(word, 2)
  return candidates.length === 1 ? candidates[0]! : word
}

export type PastedWords =
  | { kind: 'none' }
  | { kind: 'words'; words: string[]; fromStart: boolean }
  | { kind: 'error'; message: string; hint: string }

/**
 * Text pasted into a field: a link or a whole code fills every field from the first; a few words
 * fill from the field they were pasted into; a single word is left to the browser.
 */
export function readPaste(text: string): PastedWords {
  if (looksLikeLink(text)) {
    const link = parseLink(text)
    if (!link.ok) return { kind: 'error', message: link.message, hint: link.hint }
    return { kind: 'words', words: link.words.flatMap((w) => splitCodeWords(w)), fromStart: true }
  }
  const words = splitCodeWords(text)
  if (words.length <= 1) return { kind: 'none' }
  return { kind: 'words', words, fromStart: words.length >= CODE_WORD_COUNT }
}

export function fillWords(current: readonly string[], from: number, pasted: readonly string[]): string[] {
  const next = from === 0 && pasted.length >= CODE_WORD_COUNT ? [...EMPTY_WORDS] : [...current]
  pasted.forEach((w, k) => {
    if (from + k < next.length) next[from + k] = w
  })
  return next
}

export type CodeCheck =
  | { kind: 'incomplete'; validCount: number }
  | { kind: 'ok'; code: string }
  /**
   * Words that cannot be right as typed but are one slip from codes that can: 12 real words that do
   * not fit together, or 11 and one left that is not on the list (`unknown`, 1-based). Pair still
   * works: the service checks the close variants with the waiting device.
   */
  | { kind: 'mismatch'; code: string; slips: Slip[]; unknown?: number }

/**
 * The checksum is judged only once every field holds a real word; before that, it would only nag.
 * On a mismatch, the likeliest slips (two words swapped, one misheard) are offered, a few at most;
 * so they are for one word not on the list, once the person has left its field (`touched`).
 */
export function checkCode(words: readonly string[], touched: readonly boolean[] = []): CodeCheck {
  const validCount = words.filter((w) => isWord(w)).length
  const typed = words.map((w) => normalizeWord(w.trim()))
  const code = typed.join(' ')
  if (validCount === words.length - 1) {
    const unknown = typed.findIndex((w) => !isWord(w))
    const slips = typed[unknown] !== '' && touched[unknown] === true ? likelySlips(typed) : []
    if (slips.length > 0) return { kind: 'mismatch', code, slips, unknown: unknown + 1 }
  }
  if (validCount < words.length) return { kind: 'incomplete', validCount }
  const parsed: ParsedCode = parseCode(code)
  if (parsed.ok) return { kind: 'ok', code: parsed.words.join(' ') }
  return { kind: 'mismatch', code, slips: parsed.error.code === 'checksum-mismatch' ? likelySlips(typed) : [] }
}
