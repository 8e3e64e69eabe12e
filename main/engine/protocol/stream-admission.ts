import { StateMachine, type TransitionTable } from './state-machine.ts'

// Who gets a pairing-stream slot while strangers flood the initiator (P8, and
// availability: a real joiner must get through).
//
// A stream starts 'waiting' (for its Hello) and becomes 'active' once its Hello
// names a live session. The two pools are separate: waiting strangers can
// never take an active slot, so the slots a verified exchange needs are
// reserved. The waiting pool never refuses a newcomer: when a cap is reached
// (per peer, per host, overall) the OLDEST waiting stream in that scope is
// evicted. A real joiner sends its whole Hello at once and leaves the waiting
// pool within a round trip; a peer that drips bytes or holds idle streams is,
// at any moment, the oldest and goes first. Refusing newcomers instead (as
// before) let 64 idle streams lock everybody out until their deadlines, over
// and over. Per-host caps keep one address from churning everyone else out.

export type TicketState = 'waiting' | 'active' | 'evicted' | 'released'
const TICKET_TRANSITIONS: TransitionTable<TicketState> = {
  waiting: ['active', 'evicted', 'released'],
  active: ['released'],
  evicted: ['released'],
  released: []
}

export interface AdmissionLimits {
  /** Streams waiting for a Hello, overall. */
  maxWaiting: number
  /** ...from one remote host (IP address). */
  maxWaitingPerHost: number
  /** ...from one peer id. */
  maxWaitingPerPeer: number
  /** Streams past their Hello: being checked or verified. Reserved: waiting streams never use them. */
  maxActive: number
}

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = {
  maxWaiting: 48,
  maxWaitingPerHost: 8,
  maxWaitingPerPeer: 2,
  maxActive: 16
}

export class Ticket {
  readonly machine = new StateMachine(TICKET_TRANSITIONS, 'waiting')
  /** Fires when the stream is evicted to make room; the reader stops waiting for its Hello. */
  readonly evicted = new AbortController()
  readonly peer: string
  readonly host: string
  constructor(peer: string, host: string) {
    this.peer = peer
    this.host = host
  }
}

export class StreamAdmission {
  readonly #limits: AdmissionLimits
  /** Insertion-ordered: the first entry is the oldest waiting stream. */
  readonly #waiting = new Set<Ticket>()
  readonly #active = new Set<Ticket>()
  /** Streams evicted or refused an active slot since start. */
  turnedAway = 0

  constructor(limits: Partial<AdmissionLimits> = {}) {
    this.#limits = { ...DEFAULT_ADMISSION_LIMITS, ...limits }
  }

  /** Always admits, evicting the oldest waiting stream of any scope that is full. */
  admit(peer: string, host: string): Ticket {
    const { maxWaitingPerPeer, maxWaitingPerHost, maxWaiting } = this.#limits
    this.#evictOldest((t) => t.peer === peer, maxWaitingPerPeer)
    this.#evictOldest((t) => t.host === host, maxWaitingPerHost)
    this.#evictOldest(() => true, maxWaiting)
    const ticket = new Ticket(peer, host)
    this.#waiting.add(ticket)
    return ticket
  }

  /** Waiting -> active. False when every active slot is taken (the caller answers `busy`) or the ticket was evicted. */
  activate(ticket: Ticket): boolean {
    if (!ticket.machine.is('waiting') || this.#active.size >= this.#limits.maxActive) {
      if (ticket.machine.is('waiting')) this.turnedAway++
      return false
    }
    this.#waiting.delete(ticket)
    ticket.machine.to('active')
    this.#active.add(ticket)
    return true
  }

  release(ticket: Ticket): void {
    if (ticket.machine.is('released')) return
    this.#waiting.delete(ticket)
    this.#active.delete(ticket)
    ticket.machine.to('released')
  }

  /** How far this peer got: 2 in an exchange, 1 waiting for a Hello, 0 no stream. Connection eviction spares the advanced. */
  progressOf(peer: string): number {
    for (const t of this.#active) if (t.peer === peer) return 2
    for (const t of this.#waiting) if (t.peer === peer) return 1
    return 0
  }

  get waiting(): number {
    return this.#waiting.size
  }

  get active(): number {
    return this.#active.size
  }

  #evictOldest(inScope: (t: Ticket) => boolean, cap: number): void {
    let count = 0
    for (const t of this.#waiting) if (inScope(t)) count++
    // Bounded: at most `count - cap + 1` evictions, each removing one ticket.
    for (const t of [...this.#waiting]) {
      if (count < cap) return
      if (!inScope(t)) continue
      this.#waiting.delete(t)
      t.machine.to('evicted')
      t.evicted.abort()
      this.turnedAway++
      count--
    }
  }
}
