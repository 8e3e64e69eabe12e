import { PairwiseError } from '../../../shared/errors.ts'
import type { Clock, TimerHandle } from './clock.ts'
import type { FramedChannel } from './framing.ts'

// The initiator's wait for its person to Allow or Deny one joiner that proved
// the code (issue 12). Nothing is stored during the wait, so every way it ends
// other than Allow leaves both sides as they were (P7 holds trivially); Allow
// leads into the usual commit, Complete and Ack.
//
// The joiner sends nothing until Complete, so a read started now can only end
// early because the joiner left (closed, reset, or a refusal): that ends the
// wait at once rather than asking the person about a device that is gone.
// After Allow the same read, still pending, is the one that carries the Ack.

export type ApprovalDecision = 'allow' | 'deny' | 'timed-out' | 'withdrawn'

export class ApprovalWait {
  readonly #decision = Promise.withResolvers<ApprovalDecision>()
  readonly #stopRead = new AbortController()
  readonly #read: Promise<Uint8Array>
  readonly #timer: TimerHandle
  readonly #clock: Clock
  readonly #signal: AbortSignal
  readonly #onParent: () => void
  #settled = false
  #ackTimer: TimerHandle | undefined

  /** `signal` ends the wait when the session itself ends (expired, cancelled); the caller reads `signal.reason`. */
  constructor(channel: FramedChannel, clock: Clock, ms: number, signal: AbortSignal) {
    this.#clock = clock
    this.#signal = signal
    this.#onParent = () => this.#stopRead.abort(signal.reason)
    if (signal.aborted) this.#stopRead.abort(signal.reason)
    else signal.addEventListener('abort', this.#onParent, { once: true })
    this.#read = channel.read(this.#stopRead.signal)
    // Anything from the joiner before a decision means it left (or broke the protocol): the wait is over.
    this.#read.then(
      () => this.#settle('withdrawn'),
      () => this.#settle('withdrawn')
    )
    this.#timer = clock.setTimer(ms, () => this.#settle('timed-out'), { background: true })
  }

  /** Resolves once: the person's answer, the timeout, or the joiner leaving. */
  get decision(): Promise<ApprovalDecision> {
    return this.#decision.promise
  }

  /** The person's answer. False when the wait already ended another way. */
  answer(allow: boolean): boolean {
    return this.#settle(allow ? 'allow' : 'deny')
  }

  /** After Allow: the joiner's next frame (its Ack), or `timed-out` after `ms`. */
  async nextFrame(ms: number): Promise<Uint8Array> {
    this.#ackTimer = this.#clock.setTimer(ms, () =>
      this.#stopRead.abort(new PairwiseError('timed-out', 'The other device stopped answering.'))
    )
    try {
      return await this.#read
    } finally {
      this.dispose()
    }
  }

  /** Stops the read and the timers; the caller closes or aborts the channel. */
  dispose(): void {
    this.#timer.cancel()
    this.#ackTimer?.cancel()
    this.#signal.removeEventListener('abort', this.#onParent)
    this.#stopRead.abort(new PairwiseError('cancelled', 'The approval wait ended.'))
  }

  #settle(decision: ApprovalDecision): boolean {
    if (this.#settled) return false
    this.#settled = true
    this.#timer.cancel()
    this.#decision.resolve(decision)
    return true
  }
}
