// Which remote hosts are refused before Noise, because their pairing streams keep failing (P8).
//
// Before encryption a connection is only a socket: its IP address is all there is to judge it by. A
// stranger whose streams send garbage, oversized frames, unknown rendezvous ids or wrong proofs costs
// us a TCP accept, a whole Noise handshake (three Diffie-Hellmans and a signature check) and yamux,
// and a flood of them saturated the initiator's core (bench/attack.ts: one fresh handshake per
// hostile stream). So each failure is a strike against its host; a host with `strikes` strikes
// within `windowMs` is blocked: its new connections are refused before Noise, which costs an accept
// and a close.
//
// A block is short and grows only while the host keeps failing: `blockMs`, then, if the host earns
// `strikes` strikes again within `forgetMs` of its last block, twice as long, up to `maxBlockMs`.
// Every block takes the full count of strikes (not one failure after the last block): a device
// behind the same address as the attackers (one NAT) must get real windows between blocks to pair
// in (a joiner retries its dial), at the price of a few more handshakes per attacker per block. A
// host that stopped misbehaving is forgotten. What is held is bounded: `maxHosts` entries, the least recently struck dropped first —
// forgetting a host only means it pays for handshakes again.

export interface HostStrikeLimits {
  /** Failures within `windowMs` that block a host. */
  strikes: number
  windowMs: number
  /** First block; doubled at each block within `forgetMs` of the last one. */
  blockMs: number
  maxBlockMs: number
  forgetMs: number
  /** Hosts tracked at once. */
  maxHosts: number
}

export const DEFAULT_HOST_STRIKE_LIMITS: HostStrikeLimits = {
  strikes: 3,
  windowMs: 10_000,
  blockMs: 2_000,
  maxBlockMs: 16_000,
  forgetMs: 60_000,
  maxHosts: 4_096
}

interface HostRecord {
  strikes: number
  windowStart: number
  blockedUntil: number
  /** Blocks in a row (each within `forgetMs` of the previous): the next lasts blockMs * 2^level. */
  level: number
}

export class HostStrikes {
  readonly limits: HostStrikeLimits
  readonly #now: () => number
  /** Insertion-ordered; re-inserted when struck, so the first entry is the least recently struck. */
  readonly #hosts = new Map<string, HostRecord>()

  constructor(limits: Partial<HostStrikeLimits> = {}, now: () => number = Date.now) {
    this.limits = { ...DEFAULT_HOST_STRIKE_LIMITS, ...limits }
    this.#now = now
  }

  /** One failure from `host`. True when it blocks the host (it was not blocked a moment ago). */
  strike(host: string): boolean {
    const now = this.#now()
    const { strikes, windowMs, blockMs, maxBlockMs, forgetMs, maxHosts } = this.limits
    let record = this.#hosts.get(host)
    if (record !== undefined) this.#hosts.delete(host)
    else record = { strikes: 0, windowStart: now, blockedUntil: 0, level: 0 }
    this.#hosts.set(host, record)
    if (this.#hosts.size > maxHosts) this.#hosts.delete(this.#hosts.keys().next().value!)
    if (now < record.blockedUntil) return false
    if (now - record.windowStart > windowMs) {
      record.strikes = 0
      record.windowStart = now
    }
    record.strikes++
    if (record.strikes < strikes) return false
    // A host blocked lately is blocked for twice as long as last time.
    const lastBlockEnded = record.blockedUntil
    const repeat = lastBlockEnded > 0 && now - lastBlockEnded <= forgetMs
    record.level = repeat ? record.level + 1 : 0
    record.blockedUntil = now + Math.min(maxBlockMs, blockMs * 2 ** record.level)
    record.strikes = 0
    record.windowStart = now
    return true
  }

  /** The host's new connections are refused now. */
  blocked(host: string): boolean {
    const record = this.#hosts.get(host)
    return record !== undefined && this.#now() < record.blockedUntil
  }

  /** Hosts tracked (for tests: the bound holds). */
  get size(): number {
    return this.#hosts.size
  }
}
