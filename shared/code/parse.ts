import { PairwiseError } from '../errors.ts'
import { CODE_WORD_COUNT, checkedEntropy } from './generate.ts'
import { looksLikeLink, parseLink } from './link.ts'
import { normalizeWord, suggestionsFor, wordIndex } from './wordlist.ts'

export type CodeErrorCode = 'invalid-word' | 'wrong-word-count' | 'checksum-mismatch' | 'invalid-link'

export interface InvalidWord {
  /** 1-based, as a person counts the words. */
  position: number
  word: string
  suggestions: string[]
}

export interface CodeError {
  code: CodeErrorCode
  message: string
  hint: string
  invalidWords: InvalidWord[]
}

export type ParsedCode = { ok: true; words: string[]; entropy: Uint8Array } | { ok: false; error: CodeError }

// A code with numbering is under 200 characters; far longer input is something else pasted by
// mistake, and suggesting words for thousands of tokens would only stall the UI.
export const MAX_CODE_INPUT_CHARS = 2000

const SEPARATORS = /[\s,;、。.\-–—_/|•·]+/u
const EDGE_PUNCTUATION = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu
// `1.` is split off by the separators; this takes `1)`, `1:` and a bare `1`, also when glued to a word.
const NUMBERING = /^\d+[):]?/u

/**
 * The words of a typed or pasted word list, normalised to the list's spelling. Numbering, quotes
 * and bullets are dropped; anything else stays, so that the person is told about it.
 */
export function splitCodeWords(input: string): string[] {
  const words: string[] = []
  for (const raw of normalizeWord(input).split(SEPARATORS)) {
    const word = raw.replace(EDGE_PUNCTUATION, '').replace(NUMBERING, '').replace(EDGE_PUNCTUATION, '')
    if (word !== '') words.push(word)
  }
  return words
}

/** The words of typed text or of a link's code, as parseCode reads them (a broken link has none). */
export function codeWords(input: string): string[] {
  if (!looksLikeLink(input)) return splitCodeWords(input)
  const link = parseLink(input)
  return link.ok ? link.words.flatMap((w) => splitCodeWords(w)) : []
}

function quoteList(items: readonly string[]): string {
  const q = items.map((w) => `“${w}”`)
  if (q.length <= 1) return q.join('')
  return `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`
}

function fail(code: CodeErrorCode, message: string, hint: string, extra: Partial<CodeError> = {}): ParsedCode {
  return { ok: false, error: { code, message, hint, invalidWords: [], ...extra } }
}

function invalidWordsError(invalid: InvalidWord[]): ParsedCode {
  const describe = (w: InvalidWord, capital: boolean): string =>
    `${capital ? 'Word' : 'word'} ${w.position} “${w.word}”`
  let message: string
  if (invalid.length === 1) {
    const w = invalid[0]!
    message = `${describe(w, true)} is not a pairing word.`
    if (w.suggestions.length > 0) message += ` Did you mean ${quoteList(w.suggestions)}?`
  } else {
    const shown = invalid.slice(0, 4).map((w) => {
      const guess = w.suggestions.length > 0 ? ` (did you mean ${quoteList(w.suggestions)}?)` : ''
      return describe(w, false) + guess
    })
    const more = invalid.length > shown.length ? `, and ${invalid.length - shown.length} more` : ''
    const list =
      more === '' ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown.join(', ') + more
    message = `${invalid.length} words are not pairing words: ${list}.`
  }
  const hint =
    invalid.length === 1
      ? 'Ask the person at the other computer to read that word again, then correct it.'
      : 'Ask the person at the other computer to read those words again, then correct them.'
  return fail('invalid-word', message, hint, { invalidWords: invalid })
}

function wrongCountError(found: number, fromLink: boolean): ParsedCode {
  if (found === 0) {
    return fail(
      'wrong-word-count',
      `No words were found. A pairing code has ${CODE_WORD_COUNT} words.`,
      'Type or paste the 12 words shown on the other computer.'
    )
  }
  const message = `Found ${found} word${found === 1 ? '' : 's'}, but a pairing code has ${CODE_WORD_COUNT}.`
  let hint: string
  if (fromLink) hint = 'The link may have been cut off or changed. Copy the whole link again, or type the 12 words.'
  else if (found < CODE_WORD_COUNT) hint = 'A word is probably missing. Compare with the other computer word by word.'
  else hint = 'Remove the extra words: only the 12 words shown on the other computer belong here.'
  return fail('wrong-word-count', message, hint)
}

/** Reads a pairing code from whatever a person typed or pasted: a word list or a pairwise:// link. */
export function parseCode(input: string): ParsedCode {
  if (input.length > MAX_CODE_INPUT_CHARS) {
    return fail(
      'wrong-word-count',
      'This text is far too long to be a pairing code.',
      'Type or paste only the 12 words shown on the other computer.'
    )
  }

  const fromLink = looksLikeLink(input)
  const link = fromLink ? parseLink(input) : undefined
  if (link !== undefined && !link.ok) return fail('invalid-link', link.message, link.hint)
  const words = codeWords(input)

  const invalid: InvalidWord[] = []
  words.forEach((word, i) => {
    if (wordIndex(word) < 0) invalid.push({ position: i + 1, word, suggestions: suggestionsFor(word) })
  })
  // Unknown words come first even when the count is off too: fixing them may well fix the count.
  if (invalid.length > 0) return invalidWordsError(invalid)
  if (words.length !== CODE_WORD_COUNT) return wrongCountError(words.length, fromLink)

  const entropy = checkedEntropy(words)
  if (entropy !== undefined) return { ok: true, words, entropy }
  return fail(
    'checksum-mismatch',
    'All 12 are pairing words, but they do not fit together: one was probably misheard or mistyped, or two were swapped.',
    'Read the words back to the person at the other computer one by one, and correct the one that differs.'
  )
}

/** parseCode for callers that handle failure as a PairwiseError; `details` carries the word-level findings. */
export function parseCodeOrThrow(input: string): { words: string[]; entropy: Uint8Array } {
  const parsed = parseCode(input)
  if (parsed.ok) return { words: parsed.words, entropy: parsed.entropy }
  const { code, message, hint, invalidWords } = parsed.error
  throw new PairwiseError(code, message, { hint, details: { invalidWords } })
}
