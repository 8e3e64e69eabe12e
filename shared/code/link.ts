import { PairwiseError } from '../errors.ts'
import { CODE_WORD_COUNT } from './generate.ts'
import { wordIndex } from './wordlist.ts'

const SCHEME = 'pairwise:'
/** The headless UI's address carries the same code as `#pair=w1-w2-…-w12`. */
const FRAGMENT_KEY = 'pair'
const HOST = 'pair'
// Bumped only if the meaning of `code` changes; older apps then say "update" instead of misreading it.
const LINK_VERSION = '1'

/** `pairwise://pair?code=w1-w2-…-w12&v=1`. Hyphens keep the link one unbroken token in chats and terminals. */
export function toLink(words: readonly string[]): string {
  if (words.length !== CODE_WORD_COUNT || words.some((w) => wordIndex(w) < 0)) {
    throw new PairwiseError('invalid-argument', `A link needs the ${CODE_WORD_COUNT} pairing words, exactly as listed.`)
  }
  return `pairwise://${HOST}?code=${words.join('-')}&v=${LINK_VERSION}`
}

/** Whether the input is meant as a link (any scheme), so that it is judged as one rather than as words. */
export function looksLikeLink(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(input.normalize('NFKC').trim())
}

export type LinkParse = { ok: true; words: string[] } | { ok: false; message: string; hint: string }

const RETYPE = 'Type the 12 words instead, or copy the whole link again.'

/**
 * Reads the words out of a link without judging them: parseCode checks them like typed words,
 * so a bad word in a link gets the same precise message and suggestions.
 */
export function parseLink(input: string): LinkParse {
  const text = input.normalize('NFKC').trim()
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { ok: false, message: 'This link is damaged and cannot be read.', hint: RETYPE }
  }
  if (url.protocol.toLowerCase() !== SCHEME) {
    return {
      ok: false,
      message: 'This is not a Pairwise link.',
      hint: 'Paste a link that starts with pairwise://, or type the 12 words.'
    }
  }
  const path = url.pathname
  if (url.hostname.toLowerCase() !== HOST || (path !== '' && path !== '/')) {
    return { ok: false, message: 'This Pairwise link is not a pairing link.', hint: RETYPE }
  }
  const version = url.searchParams.get('v')
  if (version !== null && version !== LINK_VERSION) {
    return {
      ok: false,
      message: 'This link was made by a newer version of Pairwise.',
      hint: 'Update Pairwise on this computer, or type the 12 words instead.'
    }
  }
  const codes = url.searchParams.getAll('code')
  if (codes.length !== 1) {
    const message =
      codes.length === 0 ? 'This link has no pairing code in it.' : 'This link has more than one pairing code in it.'
    return { ok: false, message, hint: RETYPE }
  }
  // URLSearchParams has already turned `+` and `%20` into spaces.
  const words = codes[0]!.split(/[\s+-]+/u).filter((w) => w !== '')
  if (words.length === 0) return { ok: false, message: 'This link has no pairing words in it.', hint: RETYPE }
  return { ok: true, words }
}

/**
 * The pairwise:// link an address's fragment stands for (`#pair=w1-…-w12`), or null when the
 * fragment holds no `pair=`. The value is only re-wrapped, never judged: parseLink and parseCode
 * read it exactly as they read a link, so both ways in accept and refuse the same things.
 */
export function linkFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const codes = params.getAll(FRAGMENT_KEY)
  if (codes.length === 0) return null
  const link = new URL(`pairwise://${HOST}`)
  for (const code of codes) link.searchParams.append('code', code)
  return link.href
}
