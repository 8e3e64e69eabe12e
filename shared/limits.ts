// How long a pairing code works (P5): long enough to read 12 words aloud and type them, short
// enough that a code seen over a shoulder soon dies. The one source for the engine's check, the
// API schema, the CLI's --ttl, the help text and the DHT record's lifetime cap.
export const MINUTE_MS = 60_000

export const CODE_TTL_MIN_MINUTES = 1
export const CODE_TTL_MAX_MINUTES = 10
export const CODE_TTL_DEFAULT_MINUTES = 5

export const CODE_TTL_MIN_MS = CODE_TTL_MIN_MINUTES * MINUTE_MS
export const CODE_TTL_MAX_MS = CODE_TTL_MAX_MINUTES * MINUTE_MS
export const CODE_TTL_DEFAULT_MS = CODE_TTL_DEFAULT_MINUTES * MINUTE_MS
