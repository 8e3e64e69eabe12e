// Time is injected so that expiry (P5) and every read timeout can be tested
// without waiting: production uses the real clock, tests a manual one.

export interface TimerHandle { cancel(): void }

export interface Clock {
  now(): number
  /** `background` timers do not keep the process alive (e.g. a code's expiry). */
  setTimer(ms: number, fn: () => void, options?: { background?: boolean }): TimerHandle
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn, options) {
    const t = setTimeout(fn, ms)
    if (options?.background === true) t.unref()
    return { cancel: () => clearTimeout(t) }
  }
}

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

/** An AbortSignal that fires after `ms` on the given clock, also when `parent` aborts. */
export function timeoutSignal(clock: Clock, ms: number, parent?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const timer = clock.setTimer(ms, () => controller.abort(new TimeoutError(ms)))
  const onParent = (): void => controller.abort(parent?.reason)
  if (parent?.aborted) controller.abort(parent.reason)
  else parent?.addEventListener('abort', onParent, { once: true })
  return {
    signal: controller.signal,
    dispose() {
      timer.cancel()
      parent?.removeEventListener('abort', onParent)
    }
  }
}

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`)
    this.name = 'TimeoutError'
  }
}
