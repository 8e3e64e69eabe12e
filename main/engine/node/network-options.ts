// How a device's libp2p node joins the network. The service, the CLI's
// `pairwise node` and the tests all describe a node with this one shape.

export interface NetworkOptions {
  /** Multiaddrs to listen on. Default: all interfaces, a random TCP port. */
  listen: string[]
  /** Multiaddrs (with /p2p/<id>) of DHT nodes to join. */
  bootstrap: string[]
  /** LAN discovery. Off in tests outside network namespaces. */
  mdns: boolean
  /** 'server' answers DHT queries (desktop on a home LAN); 'client' only asks. */
  dhtMode: 'server' | 'client'
  /** Keep loopback addresses in the DHT (tests and benchmarks on 127.0.0.1). */
  allowLoopback: boolean
}

export const DEFAULT_NETWORK: NetworkOptions = {
  listen: ['/ip4/0.0.0.0/tcp/0'],
  bootstrap: [],
  mdns: true,
  dhtMode: 'server',
  allowLoopback: false
}
