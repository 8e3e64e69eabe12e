import { z } from 'zod'
import { CODE_WORD_COUNT, parseCode, splitCodeWords } from './code/index.ts'
import { looksLikeLink, parseLink } from './code/link.ts'

// A pairwise:// link that reached the app from outside: clicked in a chat (the OS hands it to the
// desktop app), put in the headless UI's address (#pair=…), or read from a QR code by the camera.
// Whoever made it is unknown, so all that is ever taken from it is up to 12 words for the Enter
// code fields; the person still checks them and clicks Pair. Nothing joins by itself.

/** The longest word worth showing in a field; BIP39 words have at most 8 letters. */
const MAX_WORD_CHARS = 32

export const OpenedLinkSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    words: z.array(z.string().min(1).max(MAX_WORD_CHARS)).min(1).max(CODE_WORD_COUNT)
  }),
  z.object({ ok: z.literal(false), message: z.string().max(500), hint: z.string().max(500) })
])
export type OpenedLink = z.infer<typeof OpenedLinkSchema>

const DAMAGED: OpenedLink = {
  ok: false,
  message: 'This link is damaged and cannot be read.',
  hint: 'Type the 12 words instead, or copy the whole link again.'
}

/**
 * The words a link carries, judged by parseCode like typed words. A wrong word or a checksum that
 * does not fit still fills the fields, where the Enter code screen points at the word and offers
 * fixes; a link that cannot be read or has the wrong number of words is refused with parseCode's
 * own message.
 */
export function readOpenedLink(raw: unknown): OpenedLink {
  if (typeof raw !== 'string' || !looksLikeLink(raw)) return DAMAGED
  const parsed = parseCode(raw)
  if (!parsed.ok && (parsed.error.code === 'invalid-link' || parsed.error.code === 'wrong-word-count')) {
    return { ok: false, message: parsed.error.message, hint: parsed.error.hint }
  }
  const link = parseLink(raw)
  if (!link.ok) return DAMAGED
  const words = link.words.flatMap((w) => splitCodeWords(w))
  const result = OpenedLinkSchema.safeParse({ ok: true, words })
  return result.success ? result.data : DAMAGED
}
