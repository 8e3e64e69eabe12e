import type { Emitter } from '../../../shared/emitter.ts'
import type { SessionState } from '../../../shared/states.ts'
import { ApprovalWait, type ApprovalDecision } from './approval.ts'
import type { Clock } from './clock.ts'
import { refuse } from './exchange-io.ts'
import type { FramedChannel } from './framing.ts'
import type { ApprovalRequest, SessionEvents } from './initiator-contract.ts'
import { encodeMessage } from './messages.ts'
import type { StateMachine } from './state-machine.ts'

/** Devices denied per session: each needs a person's click, capped anyway. */
const MAX_DENIED_PEERS = 64

/** The moves the approval step makes on one joiner's exchange (initiator.ts owns its table). */
interface ApprovalExchange {
  to(next: 'awaiting-approval' | 'refused'): void
}

/**
 * The initiator session's approval step (issue 12), used when the session is made with `approvalMs`:
 * one question to the person at a time, and the devices they denied, which the session refuses
 * without asking again. It moves the session between waiting and approving and reports the
 * question on the session's events.
 */
export class ApprovalStep {
  readonly #ms: number
  readonly #clock: Clock
  readonly #machine: StateMachine<SessionState>
  readonly #events: Emitter<SessionEvents>
  /** The joiner the person is asked about now. */
  #approving: { peerId: string; wait: ApprovalWait } | undefined
  readonly #denied = new Set<string>()

  constructor(ms: number, clock: Clock, machine: StateMachine<SessionState>, events: Emitter<SessionEvents>) {
    this.#ms = ms
    this.#clock = clock
    this.#machine = machine
    this.#events = events
  }

  /** The person's answer about `peerId`. False when no such question is open (answered, timed out, left). */
  answer(peerId: string, allow: boolean): boolean {
    const approving = this.#approving
    if (approving === undefined || approving.peerId !== peerId) return false
    return approving.wait.answer(allow)
  }

  /** The person denied this device during this session. */
  isDenied(peerId: string): boolean {
    return this.#denied.has(peerId)
  }

  /**
   * Asks the person about a joiner that proved the code, with nothing stored yet. Returns the wait
   * (its pending read carries the Ack) on Allow; otherwise refuses the joiner, puts the session back
   * to waiting and returns undefined. Throws the session's end (expired, cancelled) if that comes first.
   */
  async ask(
    channel: FramedChannel,
    request: Omit<ApprovalRequest, 'deadline'>,
    exchange: ApprovalExchange,
    signal: AbortSignal
  ): Promise<ApprovalWait | undefined> {
    const ms = this.#ms
    this.#machine.to('approving')
    exchange.to('awaiting-approval')
    const wait = new ApprovalWait(channel, this.#clock, ms, signal)
    this.#approving = { peerId: request.peerId, wait }
    // Until told otherwise: the write of Pending failed because the joiner is gone.
    let decision: ApprovalDecision | 'session-ended' = 'withdrawn'
    try {
      await channel.write(encodeMessage({ t: 'pending', ms }))
      this.#events.emit('approval', { ...request, deadline: this.#clock.now() + ms })
      const answered = await wait.decision
      if (signal.aborted) {
        // The session ended while the person looked (expired, cancelled): the caller refuses with why.
        decision = 'session-ended'
        throw signal.reason
      }
      decision = answered
    } finally {
      this.#approving = undefined
      if (decision !== 'allow') {
        wait.dispose()
        if (this.#machine.is('approving')) this.#machine.to('waiting')
      }
      this.#events.emit('approval-ended', { peerId: request.peerId, decision })
    }
    if (decision === 'allow') return wait
    exchange.to('refused')
    if (decision === 'deny' && this.#denied.size < MAX_DENIED_PEERS) this.#denied.add(request.peerId)
    if (decision === 'withdrawn') channel.abort('the joining device left')
    else await refuse(channel, decision === 'deny' ? 'denied' : 'approval-timed-out')
    return undefined
  }
}
