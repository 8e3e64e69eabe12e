import type { ArrivalPath } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { systemClock, timeoutSignal, type Clock } from './clock.ts'
import type { ByteDuplex } from './byte-duplex.ts'
import { refuse } from './exchange-io.ts'
import { FramedChannel } from './framing.ts'
import { decodeMessage, HelloSchema, isRefusal, PROTOCOL_VERSION, type RefusalReason } from './messages.ts'
import type { InitiatorSession } from './initiator.ts'
import { DEFAULT_ADMISSION_LIMITS, StreamAdmission, type AdmissionLimits } from './stream-admission.ts'

// The initiator's front door for `/pairwise/pair/1.0.0` streams. It reads one
// Hello and hands the stream to the session for that rendezvous id. Unknown
// ids, bad versions and garbage get a refusal and a closed stream and leave
// no trace (P8): nothing is allocated per stranger beyond the stream itself.

export interface ResponderLimits extends AdmissionLimits {
  /**
   * Longest wait for a stranger's Hello, counted once from the stream's start: a peer that drips a byte
   * at a time cannot stretch it (a per-read timeout could be). Short: it is all a stranger may cost us.
   */
  helloTimeoutMs: number
}

export const DEFAULT_RESPONDER_LIMITS: ResponderLimits = {
  ...DEFAULT_ADMISSION_LIMITS,
  helloTimeoutMs: 2_000
}

export interface ResponderStats {
  streams: number
  refused: Record<string, number>
}

export class PairingResponder {
  readonly #sessions = new Map<string, InitiatorSession>()
  readonly #limits: ResponderLimits
  readonly #clock: Clock
  readonly #admission: StreamAdmission
  readonly stats: ResponderStats = { streams: 0, refused: {} }

  constructor(options: { limits?: Partial<ResponderLimits>; clock?: Clock } = {}) {
    this.#limits = { ...DEFAULT_RESPONDER_LIMITS, ...options.limits }
    this.#clock = options.clock ?? systemClock
    this.#admission = new StreamAdmission(this.#limits)
  }

  add(session: InitiatorSession): void {
    this.#sessions.set(session.rendezvousHex, session)
    // A finished session keeps answering "expired"/"used" only while it is
    // registered; the owner removes it when the person moves on.
  }

  remove(session: InitiatorSession): void {
    if (this.#sessions.get(session.rendezvousHex) === session) this.#sessions.delete(session.rendezvousHex)
  }

  get sessionCount(): number {
    return this.#sessions.size
  }

  get activeStreams(): number {
    return this.#admission.waiting + this.#admission.active
  }

  /** Streams evicted or answered `busy` since start: the "some were refused" the initiator is told. */
  get turnedAway(): number {
    return this.#admission.turnedAway
  }

  /** 2 in an exchange, 1 waiting for its Hello, 0 no pairing stream: connection eviction spares the advanced. */
  progressOf(peerId: string): number {
    return this.#admission.progressOf(peerId)
  }

  /**
   * Serves one inbound stream from an authenticated peer. Never throws. Resolves 'hostile' when the
   * stream could not have come from an honest joiner with the right code — garbage or an oversized frame,
   * an unknown rendezvous id, a wrong proof, no Hello in time — and 'ok' otherwise (a busy or evicted
   * stream is not the peer's fault). `remoteHost` is the
   * connection's IP address (per-host fairness); streams without one share the peer's own bucket.
   * `via`: how the connection came (the overheard-code alarm says so).
   */
  async handleStream(
    duplex: ByteDuplex,
    remotePeerId: string,
    remoteHost: string = remotePeerId,
    via?: ArrivalPath
  ): Promise<'hostile' | 'ok'> {
    this.stats.streams++
    const channel = new FramedChannel(duplex)
    const ticket = this.#admission.admit(remotePeerId, remoteHost)
    try {
      const timeout = timeoutSignal(this.#clock, this.#limits.helloTimeoutMs, ticket.evicted.signal)
      let hello
      try {
        hello = decodeMessage(await channel.read(timeout.signal), HelloSchema)
      } catch (err) {
        if (ticket.evicted.signal.aborted) {
          // Made room for a newer stream; the peer may come back.
          await this.#refuse(channel, 'busy', 'evicted')
          return 'ok'
        }
        throw err
      } finally {
        timeout.dispose()
      }
      if (isRefusal(hello)) {
        await channel.close()
        return 'ok'
      }
      if (hello.v !== PROTOCOL_VERSION) {
        await this.#refuse(channel, 'version-mismatch')
        // A strike like any failed stream: an honest device on another version asks once per join and
        // does not retry this answer, while a flood claiming another version would cost a handshake each.
        return 'hostile'
      }
      const session = this.#sessions.get(hello.rendezvous)
      if (session === undefined) {
        await this.#refuse(channel, 'no-device-waiting')
        return 'hostile'
      }
      if (!this.#admission.activate(ticket)) {
        await this.#refuse(channel, 'busy')
        return 'ok'
      }
      return (await session.handleHello(channel, hello, remotePeerId, via)) === 'failed' ? 'hostile' : 'ok'
    } catch (err) {
      this.#count(err instanceof PairwiseError && err.code === 'timed-out' ? 'timed-out' : 'protocol-error')
      channel.abort(err instanceof Error ? err.message : 'protocol error')
      return 'hostile'
    } finally {
      this.#admission.release(ticket)
    }
  }

  async #refuse(channel: FramedChannel, reason: RefusalReason, counted: string = reason): Promise<void> {
    this.#count(counted)
    await refuse(channel, reason)
  }

  #count(reason: string): void {
    this.stats.refused[reason] = (this.stats.refused[reason] ?? 0) + 1
  }
}
