// Time is injected so that expiry (P5) and every read timeout can be tested
// without waiting: production uses the real clock, tests a manual one
// (test-support/engine/manual-clock.ts).

export interface TimerHandle {
  cancel(): void
}

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

/** An AbortSignal that fires after `ms` on the given clock, also when `parent` aborts. */
export function timeoutSignal(
  clock: Clock,
  ms: number,
  parent?: AbortSignal
): { signal: AbortSignal; dispose(): void } {
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
