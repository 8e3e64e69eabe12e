// Device names come from people and from the network (a pairing, a DHT
// record) and end up on terminals and screens. A name could carry terminal
// escapes (clear the screen, print a fake "Paired with Your Bank") or bidi
// overrides that show text in another order than it is stored. So a name
// is checked wherever it enters: no control characters, no line or paragraph
// separators, no bidi controls, no lone surrogates, NFC, bounded length.
// Where it leaves for a terminal it is escaped as well (main/headless/
// terminal-text.ts) — names stored by older versions were never checked.

export const MAX_DEVICE_NAME = 64

/** C0, DEL, C1; U+2028/2029; the bidi embeddings, overrides, isolates and marks. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u

/** A name a person typed: NFC and trimmed (then checked with deviceNameProblem). */
export function normalizeDeviceName(name: string): string {
  return name.normalize('NFC').trim()
}

/** Why `name` is not acceptable as it is, or undefined when it is. (No zod here: the CLI's argv parser uses it.) */
export function deviceNameProblem(name: string): string | undefined {
  if (name.trim().length === 0) return 'A device name cannot be empty.'
  if (name.length > MAX_DEVICE_NAME) return `A device name can be at most ${MAX_DEVICE_NAME} characters.`
  if (!name.isWellFormed()) return 'A device name cannot contain broken characters.'
  if (FORBIDDEN.test(name)) return 'A device name cannot contain control or text-direction characters.'
  if (name !== name.normalize('NFC')) return 'A device name must be in Unicode normal form (NFC).'
  if (name !== name.trim()) return 'A device name cannot start or end with spaces.'
  return undefined
}

/**
 * A name from a source nobody checked (the host name, a row an older version
 * stored): made acceptable rather than refused — forbidden characters dropped,
 * NFC, trimmed, cut to length — or `fallback` when nothing is left.
 */
export function cleanDeviceName(raw: string, fallback = 'My device'): string {
  const cleaned = raw.toWellFormed().normalize('NFC').replace(new RegExp(FORBIDDEN.source, 'gu'), '').trim()
  let cut = ''
  for (const ch of cleaned) {
    if (cut.length + ch.length > MAX_DEVICE_NAME) break
    cut += ch
  }
  cut = cut.trim()
  return cut.length > 0 ? cut : fallback
}
