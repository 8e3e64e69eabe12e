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
}

export const RELAY_SERVER_DEFAULTS: RelayServerLimits = {
  maxReservations: 4096,
  maxReservationsPerIp: 16,
  dataLimitBytes: 1 << 17,
  durationLimitMs: 120_000
}
