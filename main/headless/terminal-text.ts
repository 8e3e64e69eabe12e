// What this process prints on a terminal is text, never commands to the
// terminal. Names and messages can come from another device (a pairing, a
// DHT record, a daemon's UI token holder): an ESC or CR in one could clear
// the screen or overwrite a line with a fake "Paired with Your Bank", and a
// bidi override could show text in another order than it is. New names are
// refused at every entry (shared/device-name.ts); this is the last gate for
// everything else (old stored names, error messages that quote input).
// Newlines and tabs stay: our own multi-line output uses them.

const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu

function visible(ch: string): string {
  const code = ch.codePointAt(0)!
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** `text` with every control, bidi and lone-surrogate character shown as a visible \xNN / \uNNNN escape. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, visible)
}

// JSON.stringify escapes C0 controls and lone surrogates but not C1 or bidi controls.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

/** A JSON text whose remaining unsafe characters are written as \uXXXX: the same JSON value, inert on a terminal. */
export function escapeJsonForTerminal(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}
