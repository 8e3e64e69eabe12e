// A timeout signal whose end can be pushed back: a join that learns the other
// device is asking its person (issue 12) must outlive its usual deadline.
// Aborts with a TimeoutError, as AbortSignal.timeout does, so callers tell a
// deadline from a cancel the same way.

export class Deadline {
  readonly #controller = new AbortController()
  #at: number
  #timer: NodeJS.Timeout

  constructor(ms: number) {
    this.#at = Date.now() + ms
    this.#timer = this.#arm(ms)
  }

  get signal(): AbortSignal {
    return this.#controller.signal
  }

  /** Ends no earlier than `ms` from now (never sooner than already set). */
  extend(ms: number): void {
    if (this.#controller.signal.aborted || Date.now() + ms <= this.#at) return
    clearTimeout(this.#timer)
    this.#at = Date.now() + ms
    this.#timer = this.#arm(ms)
  }

  dispose(): void {
    clearTimeout(this.#timer)
  }

  #arm(ms: number): NodeJS.Timeout {
    const timer = setTimeout(
      () => this.#controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
      ms
    )
    timer.unref()
    return timer
  }
}
