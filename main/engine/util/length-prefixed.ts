const encoder = new TextEncoder()

/**
 * The one encoding for everything that is MACed, signed or hashed: each
 * field as a 4-byte big-endian length and its bytes (strings as UTF-8,
 * numbers in decimal). Unambiguous, so no two field lists encode alike.
 */
export function lengthPrefixed(...fields: Array<Uint8Array | string | number>): Uint8Array {
  const parts = fields.map((f) => (f instanceof Uint8Array ? f : encoder.encode(String(f))))
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0))
  const view = new DataView(out.buffer)
  let offset = 0
  for (const p of parts) {
    view.setUint32(offset, p.length)
    out.set(p, offset + 4)
    offset += 4 + p.length
  }
  return out
}
