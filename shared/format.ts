import { MINUTE_MS } from './limits.ts'

// Words and numbers that the desktop UI and the CLI both show, so that they say the same thing.

/**
 * Time left as m:ss ("4:59"), rounded up so that 0:00 means expired. Minutes are not padded: a code
 * lives at most 10 minutes, and a leading zero would make the countdown read like a clock time.
 */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`
}

/** A code's lifetime in words: "1 minute", "5 minutes" (never "0 minutes"). */
export function formatMinutes(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / MINUTE_MS))
  return minutes === 1 ? '1 minute' : `${minutes} minutes`
}
