import { PairwiseError } from '../../../shared/errors.ts'
import { systemClock, timeoutSignal, type Clock } from './clock.ts'
import type { ByteDuplex } from './byte-duplex.ts'
import { FramedChannel } from './framing.ts'
import {
  decodeMessage,
  encodeMessage,
  HelloSchema,
  isRefusal,
  PROTOCOL_VERSION,
  type RefusalReason
} from './messages.ts'
import type { InitiatorSession } from './initiator.ts'

// The initiator's front door for `/pairwise/pair/1.0.0` streams. It reads one
// Hello and hands the stream to the session for that rendezvous id. Unknown
// ids, bad versions and garbage get a refusal and a closed stream and leave
// no trace (P8): nothing is allocated per stranger beyond the stream itself.

export interface ResponderLimits {
  /** Streams being read or verified at once, across all sessions. */
  maxConcurrentStreams: number
  /** Streams one remote peer may hold at once: a handful of peer ids must not occupy every slot. */
  maxStreamsPerPeer: number
  /** Longest wait for a stranger's Hello. Short: it is all a stranger may cost us. */
  helloTimeoutMs: number
}

export const DEFAULT_RESPONDER_LIMITS: ResponderLimits = {
  maxConcurrentStreams: 64,
  maxStreamsPerPeer: 2,
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
  #active = 0
  readonly #activeByPeer = new Map<string, number>()
  readonly stats: ResponderStats = { streams: 0, refused: {} }

  constructor(options: { limits?: Partial<ResponderLimits>; clock?: Clock } = {}) {
    this.#limits = { ...DEFAULT_RESPONDER_LIMITS, ...options.limits }
    this.#clock = options.clock ?? systemClock
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
    return this.#active
  }

  /** Serves one inbound stream from an authenticated peer. Never throws. */
  async handleStream(duplex: ByteDuplex, remotePeerId: string): Promise<void> {
    this.stats.streams++
    const channel = new FramedChannel(duplex)
    const mine = this.#activeByPeer.get(remotePeerId) ?? 0
    if (this.#active >= this.#limits.maxConcurrentStreams || mine >= this.#limits.maxStreamsPerPeer) {
      await this.#refuse(channel, 'busy')
      return
    }
    this.#active++
    this.#activeByPeer.set(remotePeerId, mine + 1)
    try {
      const timeout = timeoutSignal(this.#clock, this.#limits.helloTimeoutMs)
      let hello
      try {
        hello = decodeMessage(await channel.read(timeout.signal), HelloSchema)
      } finally {
        timeout.dispose()
      }
      if (isRefusal(hello)) {
        await channel.close()
        return
      }
      if (hello.v !== PROTOCOL_VERSION) {
        await this.#refuse(channel, 'version-mismatch')
        return
      }
      const session = this.#sessions.get(hello.rendezvous)
      if (session === undefined) {
        await this.#refuse(channel, 'no-device-waiting')
        return
      }
      await session.handleHello(channel, hello, remotePeerId)
    } catch (err) {
      this.#count(err instanceof PairwiseError && err.code === 'timed-out' ? 'timed-out' : 'protocol-error')
      channel.abort(err instanceof Error ? err.message : 'protocol error')
    } finally {
      this.#active--
      const left = (this.#activeByPeer.get(remotePeerId) ?? 1) - 1
      if (left <= 0) this.#activeByPeer.delete(remotePeerId)
      else this.#activeByPeer.set(remotePeerId, left)
    }
  }

  async #refuse(channel: FramedChannel, reason: RefusalReason): Promise<void> {
    this.#count(reason)
    try {
      await channel.write(encodeMessage({ t: 'refuse', reason, v: PROTOCOL_VERSION }))
    } catch {
      // Gone already.
    }
    await channel.close()
  }

  #count(reason: string): void {
    this.stats.refused[reason] = (this.stats.refused[reason] ?? 0) + 1
  }
}
