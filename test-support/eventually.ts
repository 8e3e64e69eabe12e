// The one way tests and benchmarks wait for something that happens in the
// background (a peer confirming, a window opening, a routing table filling):
// poll a check until it yields a value, with a bound on both time and the number
// of checks, so no wait can hang a run and every timeout names what it waited for.

export interface PollLimits {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number
  /** Pause between checks (default 50 ms). */
  intervalMs?: number
  /**
   * Give up after this many checks. The default allows one check per interval over the whole
   * timeout, plus the first and one for timer jitter, so with real timers the time bound decides;
   * the count bound keeps a loop finite when sleeps do not advance the clock (mocked timers).
   */
  maxChecks?: number
}

/** A check's answer that means "not yet". */
type NotYet = false | null | undefined

export class PollTimeoutError extends Error {
  constructor(what: string, elapsedMs: number, checks: number) {
    super(`timed out after ${elapsedMs} ms (${checks} checks) waiting for: ${what}`)
    this.name = 'PollTimeoutError'
  }
}

/**
 * Calls `check` until it returns something other than false, null or undefined, and returns that.
 * Throws PollTimeoutError naming `what` (a function is read only then, so it can describe the
 * state at the timeout) once either limit is reached; an error thrown by `check` ends the wait.
 */
export async function eventually<T>(
  what: string | (() => string),
  check: () => T | Promise<T>,
  limits: PollLimits = {}
): Promise<Exclude<T, NotYet>> {
  const timeoutMs = limits.timeoutMs ?? 10_000
  const intervalMs = limits.intervalMs ?? 50
  const maxChecks = limits.maxChecks ?? Math.ceil(timeoutMs / Math.max(intervalMs, 1)) + 2
  const started = Date.now()
  let checks = 0
  for (;;) {
    const answer = await check()
    checks++
    if (answer !== false && answer !== null && answer !== undefined) return answer as Exclude<T, NotYet>
    const elapsedMs = Date.now() - started
    if (checks >= maxChecks || elapsedMs >= timeoutMs) {
      throw new PollTimeoutError(typeof what === 'string' ? what : what(), elapsedMs, checks)
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs - elapsedMs)))
  }
}
