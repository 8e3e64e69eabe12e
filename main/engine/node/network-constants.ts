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
