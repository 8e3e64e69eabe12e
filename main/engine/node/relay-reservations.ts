import type { Startable } from '@libp2p/interface'
import type { AddressManager, TransportManager } from '@libp2p/interface-internal'
import { multiaddr } from '@multiformats/multiaddr'
import { Circuit } from '@multiformats/multiaddr-matcher'
import { CIRCUIT_LISTEN } from './network-constants.ts'

// Keeps a relay reservation on each configured `pairwise node`, in the
// background. Relay addresses in `addresses.listen` would make start() wait
// for every relay (5.6 s on one that silently drops packets, before the 12
// words could show); the transport's own "/p2p-circuit" search walks the DHT
// for random relays without end, and spins when the DHT has no peers. We know
// our relays: they are the bootstrap nodes. A lost reservation (the relay
// restarted, the connection dropped) is taken again on the next check.

export interface RelayReservationsComponents {
  transportManager: TransportManager
  addressManager: AddressManager
}

export interface RelayReservationsInit {
  /** Multiaddrs of relays, each ending in /p2p/<relay id>. */
  relays: string[]
}

interface RelayEntry {
  address: string
  peerId: string
  retryMs: number
  inFlight: boolean
  nextAt: number
}

/** While every reservation is held, they are checked this often (a lost one is then retried each second). */
export const CHECK_HELD_MS = 10_000
const FIRST_RETRY_MS = 1_000
const MAX_RETRY_MS = 60_000

export class RelayReservations implements Startable {
  readonly #components: RelayReservationsComponents
  readonly #relays: RelayEntry[]
  readonly #held = Promise.withResolvers<void>()
  #timer: NodeJS.Timeout | undefined
  #stopped = false
  #started = false

  constructor(components: RelayReservationsComponents, init: RelayReservationsInit) {
    this.#components = components
    this.#relays = init.relays.flatMap((address) => entryFor(address) ?? [])
  }

  /** Keeps a reservation on one more relay (a node the person just added). */
  add(address: string): void {
    const entry = entryFor(address)
    if (entry === undefined || this.#relays.some((r) => r.address === address)) return
    this.#relays.push(entry)
    this.#check()
  }

  /** Stops renewing a reservation there (the relay lets it lapse). */
  remove(address: string): void {
    const i = this.#relays.findIndex((r) => r.address === address)
    if (i >= 0) this.#relays.splice(i, 1)
  }

  start(): void {}

  afterStart(): void {
    this.#started = true
    this.#check()
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
  }

  /** Relays (peer ids) we hold a reservation on now: others can reach us through them. */
  held(): string[] {
    const circuits = this.#components.addressManager
      .getAddresses()
      .filter((ma) => Circuit.matches(ma))
      .map(String)
    return this.#relays
      .filter((r) => circuits.some((c) => c.includes(`/p2p/${r.peerId}/p2p-circuit`)))
      .map((r) => r.peerId)
  }

  /** Resolves once a reservation is held, or after `timeoutMs` (never rejects). */
  async whenHeld(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.held().length > 0) return true
    if (this.#relays.length === 0) return false
    const timeout = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal === undefined ? [] : [signal])])
    const gaveUp = new Promise<void>((resolve) => timeout.addEventListener('abort', () => resolve(), { once: true }))
    await Promise.race([this.#held.promise, gaveUp])
    return this.held().length > 0
  }

  #check(): void {
    if (this.#stopped || !this.#started) return
    const held = new Set(this.held())
    if (held.size > 0) this.#held.resolve()
    const now = Date.now()
    for (const relay of this.#relays) {
      if (held.has(relay.peerId)) relay.retryMs = FIRST_RETRY_MS
      else if (!relay.inFlight && now >= relay.nextAt) void this.#reserve(relay)
    }
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#check(), held.size === this.#relays.length ? CHECK_HELD_MS : FIRST_RETRY_MS)
    this.#timer.unref()
  }

  async #reserve(relay: RelayEntry): Promise<void> {
    relay.inFlight = true
    try {
      await this.#components.transportManager.listen([multiaddr(`${relay.address}${CIRCUIT_LISTEN}`)])
      relay.retryMs = FIRST_RETRY_MS
    } catch {
      // Unreachable or refusing now: asked again later, backing off to once a minute.
      relay.nextAt = Date.now() + relay.retryMs
      relay.retryMs = Math.min(relay.retryMs * 2, MAX_RETRY_MS)
    } finally {
      relay.inFlight = false
      if (!this.#stopped) this.#check()
    }
  }
}

function entryFor(address: string): RelayEntry | undefined {
  const peerId = multiaddr(address)
    .getComponents()
    .findLast((c) => c.name === 'p2p')?.value
  return peerId === undefined ? undefined : { address, peerId, retryMs: FIRST_RETRY_MS, inFlight: false, nextAt: 0 }
}

export function relayReservations(
  init: RelayReservationsInit
): (components: RelayReservationsComponents) => RelayReservations {
  return (components) => new RelayReservations(components, init)
}
