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

// How long an initiator waits for its person to Allow or Deny a device that proved the code (issue 12).
// Long enough to read a name and six digits aloud; short enough that a joiner is never left hanging.
// The code's TTL still applies: a code that expires during the wait ends the wait.
export const APPROVAL_TIMEOUT_MS = 60_000
/** The longest wait a joiner accepts when an initiator says it is asking its person. */
export const APPROVAL_TIMEOUT_MAX_MS = 2 * MINUTE_MS

// After a code paired, the initiator keeps what it needs to check another claimant's proof (the
// code's auth key, nothing else) until the TTL ends plus this grace: a valid proof then means
// someone else has the words — the overheard-code alarm. Wiped afterwards.
export const CODE_ALARM_GRACE_MS = 2 * MINUTE_MS
