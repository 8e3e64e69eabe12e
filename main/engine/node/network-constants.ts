// Network defaults in one place: relay limits a public node starts with, and
// the names libp2p needs.

/** In `addresses.listen`: take a relay reservation on any connected relay, in the background. */
export const CIRCUIT_LISTEN = '/p2p-circuit'

export interface RelayServerLimits {
  /** Reservations held at once. libp2p's default (15) suits a hobby relay, not a public rendezvous. */
  maxReservations: number
  /** Reservations from one IP address: one household's devices, not one attacker's thousand peer ids. */
  maxReservationsPerIp: number
  /**
   * Bytes per relayed connection, both directions together. Pairing needs a
   * few KiB (5 frames of at most 4 KiB), identify ~2 KiB, a presence check or
   * revocation ~1 KiB: relays carry rendezvous, not file transfers.
   */
  dataLimitBytes: number
  /** Lifetime of one relayed connection. */
  durationLimitMs: number
  /**
   * How long a reservation lasts unless renewed (devices renew 5 minutes
   * before it ends). libp2p's 2 hours keeps a slot taken long after a
   * one-shot `pairwise join` has gone: the server drops reservations only when they expire.
   */
  reservationTtlMs: number
}

export const RELAY_SERVER_DEFAULTS: RelayServerLimits = {
  maxReservations: 4096,
  maxReservationsPerIp: 16,
  dataLimitBytes: 1 << 17,
  durationLimitMs: 120_000,
  reservationTtlMs: 15 * 60_000
}

/** Connections a node holds beyond its reservations: devices looking up the DHT, dialling through the relay. */
export const NODE_CONNECTION_HEADROOM = 512

/**
 * When a short-lived node (`pairwise join`) starts kad-dht's first self-lookup: after the direct
 * lookup's head start (dht-search.ts), so a join that finds its record through its nodes (the
 * common case) is not slowed by a walk of the whole DHT it will never use. Measured at N = 50,
 * interleaved 12 + 12: the exchange after the record was found 201 -> 21 ms p50, the cold join
 * 403 -> 195 ms. kad-dht's own lookup, the fallback, waits for this self-lookup either way.
 */
export const SHORT_LIVED_SELF_QUERY_DELAY_MS = 1_000
