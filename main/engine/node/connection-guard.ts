import type { Connection, MultiaddrConnection } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { HostStrikes, type HostStrikeLimits } from './host-strikes.ts'
import type { PairwiseLibp2p } from './libp2p-node.ts'

// A device's share of connections for strangers, so that a flood cannot keep a
// real joiner from connecting (availability; P8).
//
// libp2p refuses every inbound connection once `maxIncomingPendingConnections`
// sockets sit in their handshake or `maxConnections` are open: 64 sockets that
// never finish Noise, or 300 idle connections, locked every joiner out. Here the
// device keeps its own, lower caps and makes room instead of refusing:
//   - handshakes (pending): per host and overall, the OLDEST pending handshake is
//     aborted when a new one arrives at the cap. A real handshake takes
//     milliseconds; one that has been pending longest is the least advanced.
//     libp2p's own total deadline (`inboundUpgradeTimeout`) bounds each one, so
//     a peer that drips handshake bytes cannot stretch it.
//   - open inbound connections from strangers (not paired, not dialled by us):
//     per host and overall, the oldest stranger not in a pairing exchange is
//     closed. libp2p's hard limits sit above these caps (see libp2p-node.ts), so
//     the slots above them stay reserved for our own dials and paired devices.
// Per-host caps keep one address from pushing everyone else out; the overall
// caps bound what many addresses together can hold.
//   - hosts whose pairing streams keep failing (host-strikes.ts) are refused
//     before Noise for a short, growing while, and their strangers' connections
//     are closed: a flood of hostile streams otherwise costs a handshake each.
//     Never a host a paired device or one of our nodes was seen at.

export interface ConnectionGuardLimits {
  maxPendingPerHost: number
  maxPending: number
  maxStrangersPerHost: number
  maxStrangers: number
}

export const DEFAULT_GUARD_LIMITS: ConnectionGuardLimits = {
  maxPendingPerHost: 8,
  maxPending: 128,
  maxStrangersPerHost: 32,
  maxStrangers: 192
}

/** libp2p's hard limits for a guarded node: the guard's caps plus room it never gives to strangers. */
export function libp2pLimitsFor(limits: ConnectionGuardLimits): {
  maxConnections: number
  maxIncomingPendingConnections: number
} {
  return { maxConnections: limits.maxStrangers + 128, maxIncomingPendingConnections: limits.maxPending * 2 }
}

/** Addresses of paired devices and nodes remembered as never to block: more than one person has devices at. */
const MAX_TRUSTED_HOSTS = 256

export interface GuardHooks {
  /** Paired devices and our nodes: never closed by the guard. */
  isProtected(peerId: string): boolean
  /** True while the peer is in a pairing exchange past its Hello: it is spared. */
  inExchange(peerId: string): boolean
}

export class ConnectionGuard {
  readonly limits: ConnectionGuardLimits
  /** Insertion-ordered: the first entry is the oldest. */
  readonly #pending = new Set<MultiaddrConnection>()
  readonly #strangers = new Set<Connection>()
  #hooks: GuardHooks = { isProtected: () => false, inExchange: () => false }
  /** Handshakes aborted and connections closed to make room, or refused from a blocked host, since start. */
  turnedAway = 0
  readonly #strikes: HostStrikes
  /** Hosts protected peers connected from (bounded, oldest dropped): never blocked. */
  readonly #trustedHosts = new Set<string>()

  /**
   * Hosts with no per-host cap. Only one-machine runs (tests, benchmarks: allowLoopback) pass
   * 127.0.0.1 here, where every device and DHT node shares that one address; the overall caps
   * still hold, and strangers on any other address (127.0.1.x included) are capped as usual.
   */
  readonly #uncappedHosts: Set<string>

  constructor(
    limits: Partial<ConnectionGuardLimits> = {},
    options: { uncappedHosts?: string[]; strikes?: Partial<HostStrikeLimits> } = {}
  ) {
    this.limits = { ...DEFAULT_GUARD_LIMITS, ...limits }
    this.#uncappedHosts = new Set(options.uncappedHosts ?? [])
    this.#strikes = new HostStrikes(options.strikes)
  }

  /** Starts watching a node's connections; the hooks come from parts built after the node. */
  attach(node: PairwiseLibp2p, hooks: GuardHooks): () => void {
    this.#hooks = hooks
    const onOpen = (event: CustomEvent<Connection>): void => this.#admit(event.detail)
    const onClose = (event: CustomEvent<Connection>): void => void this.#strangers.delete(event.detail)
    node.addEventListener('connection:open', onOpen)
    node.addEventListener('connection:close', onClose)
    return () => {
      node.removeEventListener('connection:open', onOpen)
      node.removeEventListener('connection:close', onClose)
      this.#strangers.clear()
      this.#pending.clear()
    }
  }

  /** The connection gater's `denyInboundConnection`: never denies, makes room instead. */
  denyInboundConnection = (maConn: MultiaddrConnection): boolean => {
    const host = hostOf(maConn.remoteAddr)
    if (this.#strikes.blocked(host) && this.#blockable(host)) {
      this.turnedAway++
      return true
    }
    for (const c of this.#pending) if (c.status !== 'open') this.#pending.delete(c)
    const abort = (c: MultiaddrConnection): void => c.abort(new Error('too many pending handshakes'))
    const all = (): boolean => true
    if (!this.#uncappedHosts.has(host)) {
      this.#makeRoom(this.#pending, (c) => hostOf(c.remoteAddr) === host, all, this.limits.maxPendingPerHost, abort)
    }
    this.#makeRoom(this.#pending, all, all, this.limits.maxPending, abort)
    this.#pending.add(maConn)
    return false
  }

  /**
   * The gater's `denyInboundEncryptedConnection` point: Noise is done, the peer is known, and the
   * connection is no longer a pending handshake. (libp2p sets no "upgraded" mark on the raw connection,
   * which stays open underneath; without this it would look pending forever.)
   */
  handshakeDone(maConn: MultiaddrConnection): void {
    this.#pending.delete(maConn)
  }

  /**
   * A stranger's pairing stream failed (garbage, an unknown rendezvous id, a wrong proof, ...). Enough
   * of them block its host: the host's strangers not in a pairing exchange are closed, and its new
   * connections are refused before Noise until the block ends.
   */
  strike(connection: Connection): void {
    // A relayed connection's address is the relay's, which other devices use too: never struck.
    const relayed = connection.remoteAddr.getComponents().some((c) => c.name === 'p2p-circuit')
    const host = hostOf(connection.remoteAddr)
    if (connection.direction !== 'inbound' || relayed || !this.#blockable(host)) return
    if (this.#hooks.isProtected(connection.remotePeer.toString())) return
    if (!this.#strikes.strike(host)) return
    for (const c of [...this.#strangers]) {
      if (hostOf(c.remoteAddr) !== host || this.#hooks.inExchange(c.remotePeer.toString())) continue
      this.#strangers.delete(c)
      c.abort(new Error('too many failed pairing attempts from this address'))
      this.turnedAway++
    }
  }

  #blockable(host: string): boolean {
    return !this.#uncappedHosts.has(host) && !this.#trustedHosts.has(host)
  }

  get strangers(): number {
    return this.#strangers.size
  }

  #admit(connection: Connection): void {
    const host = hostOf(connection.remoteAddr)
    if (this.#hooks.isProtected(connection.remotePeer.toString())) {
      this.#trustHost(host)
      return
    }
    if (connection.direction !== 'inbound') return
    const close = (c: Connection): void => {
      this.#strangers.delete(c)
      c.abort(new Error('too many connections from strangers'))
    }
    const evictable = (c: Connection): boolean => c !== connection && !this.#hooks.inExchange(c.remotePeer.toString())
    const sameHost = (c: Connection): boolean => hostOf(c.remoteAddr) === host
    if (!this.#uncappedHosts.has(host)) {
      this.#makeRoom(this.#strangers, sameHost, evictable, this.limits.maxStrangersPerHost, close)
    }
    this.#makeRoom(this.#strangers, () => true, evictable, this.limits.maxStrangers, close)
    this.#strangers.add(connection)
  }

  /**
   * Hosts known good before anything connected in this process: where paired devices and our nodes
   * were last seen (their stored addresses). A host is otherwise trusted only once one of them
   * connects from it, and until then an attacker behind the same address could get it refused.
   */
  trustAddresses(addresses: Iterable<string>): void {
    for (const address of addresses) {
      if (address.includes('/p2p-circuit')) continue // the relay's address, shared by every device using it
      try {
        this.#trustHost(hostOf(multiaddr(address)))
      } catch {
        // A stored address we cannot read names no host.
      }
    }
  }

  #trustHost(host: string): void {
    this.#trustedHosts.delete(host)
    this.#trustedHosts.add(host)
    if (this.#trustedHosts.size > MAX_TRUSTED_HOSTS)
      this.#trustedHosts.delete(this.#trustedHosts.values().next().value!)
  }

  /**
   * Evicts the oldest evictable members of a scope until the scope has room for one more
   * (fewer than `cap`). Bounded by the set's size.
   */
  #makeRoom<T>(
    set: Set<T>,
    inScope: (item: T) => boolean,
    evictable: (item: T) => boolean,
    cap: number,
    evict: (item: T) => void
  ): void {
    let over = 1 - cap
    for (const item of set) if (inScope(item)) over++
    if (over <= 0) return
    let turned = 0
    for (const item of [...set]) {
      if (over <= 0) break
      if (!inScope(item) || !evictable(item)) continue
      set.delete(item)
      evict(item)
      turned++
      over--
    }
    this.turnedAway += turned
  }
}

/** The IP address a connection comes from (for a relayed one, the relay's). */
export function hostOf(ma: Multiaddr): string {
  return ma.getComponents()[0]?.value ?? ma.toString()
}
