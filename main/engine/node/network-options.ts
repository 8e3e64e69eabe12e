// How a device's libp2p node joins the network. The service, the CLI's
// `pairwise node` and the tests all describe a node with this one shape.

export interface NetworkOptions {
  /** Multiaddrs to listen on. Default: all interfaces, a random TCP port. */
  listen: string[]
  /** Multiaddrs (with /p2p/<id>) of DHT nodes to join. */
  bootstrap: string[]
  /** LAN discovery. Off in tests outside network namespaces. */
  mdns: boolean
  /**
   * Ask the home router for a port mapping (UPnP), so others may dial this
   * device directly. It multicasts (SSDP) on the LAN like mDNS, so it is off
   * whenever mDNS is (tests outside network namespaces never send either).
   */
  upnp: boolean
  /**
   * 'server' answers DHT queries; 'client' only asks. 'auto': a server on a
   * LAN-only DHT (no bootstrap nodes), otherwise a client until a public
   * address of this device is verified — a NATed laptop in server mode would be
   * handed to others with addresses nobody can dial (+5 s per lookup).
   */
  dhtMode: 'auto' | 'server' | 'client'
  /** Keep loopback addresses in the DHT (tests and benchmarks on 127.0.0.1). */
  allowLoopback: boolean
  /**
   * Bootstrap peers of the public libp2p network (the Amino DHT), a second
   * rendezvous needing no `pairwise node` (public-network.ts). Empty: off —
   * the engine's default; the front ends fill in the well-known list
   * (public-bootstrap.ts).
   */
  publicBootstrap?: string[]
  /**
   * A command that exits once its one job is done (`pairwise join`): no relay reservation, no
   * AutoNAT checks, and kad-dht's first self-lookup only after the direct lookup's head start
   * (SHORT_LIVED_SELF_QUERY_DELAY_MS). All three pay off only for a device that stays, and during a
   * join they compete with it: round trips to the very peers it talks to, and a walk of the DHT.
   */
  shortLived?: boolean
}

export const DEFAULT_NETWORK: NetworkOptions = {
  listen: ['/ip4/0.0.0.0/tcp/0'],
  bootstrap: [],
  mdns: true,
  upnp: true,
  dhtMode: 'auto',
  allowLoopback: false,
  publicBootstrap: [],
  shortLived: false
}
