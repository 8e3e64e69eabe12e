// Expiry (P5) and read timeouts tested without waiting: the protocol takes its
// time from a Clock, and this one moves only when the test says so.
import type { Clock, TimerHandle } from '../../main/engine/protocol/clock.ts'

/** A clock that only moves when told to; timers fire in due order during `advance`. */
export class ManualClock implements Clock {
  #now: number
  #timers = new Set<{ at: number; fn: () => void }>()

  constructor(start = 1_700_000_000_000) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.#now + Math.max(0, ms), fn }
    this.#timers.add(timer)
    return { cancel: () => this.#timers.delete(timer) }
  }

  advance(ms: number): void {
    const until = this.#now + ms
    for (;;) {
      let next: { at: number; fn: () => void } | undefined
      for (const t of this.#timers) if (t.at <= until && (next === undefined || t.at < next.at)) next = t
      if (next === undefined) break
      this.#timers.delete(next)
      this.#now = next.at
      next.fn()
    }
    this.#now = until
  }
}
