import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, type Identify } from '@libp2p/identify'
import type { ConnectionGater, PeerDiscovery, PeerId, PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePublicAddressesMapper, type KadDHT } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import type { Datastore } from 'interface-datastore'
import { createLibp2p, type Libp2p } from 'libp2p'
import { selectAdvertisement, validateAdvertisement } from './advertisement.ts'
import type { NetworkOptions } from './network-options.ts'

export { DEFAULT_NETWORK, type NetworkOptions } from './network-options.ts'

export const KAD_PROTOCOL = '/pairwise/kad/1.0.0'
export const MDNS_SERVICE_TAG = '_pairwise._udp.local'

/**
 * mDNS as a service rather than a peerDiscovery entry, so that a join can send
 * a query at once. Its multicast-dns socket is a public field of the service
 * class that the PeerDiscovery interface does not list; this names just it.
 */
export type MdnsService = PeerDiscovery & { mdns?: { query(query: { questions: Array<{ name: string; type: 'PTR' }> }): void } }

export type PairwiseServices = { dht: KadDHT; identify: Identify; ping: Ping; mdns?: MdnsService }
export type PairwiseLibp2p = Libp2p<PairwiseServices>

/** Answers "may this peer connect?" — revoked peers are refused (P9). */
export interface PeerPolicy {
  isRefused(peerId: string): boolean
}

export function gaterFor(policy: PeerPolicy): ConnectionGater {
  const refused = (peer: PeerId): boolean => policy.isRefused(peer.toString())
  return {
    denyDialPeer: refused,
    denyInboundEncryptedConnection: refused,
    denyOutboundEncryptedConnection: refused
  }
}

export interface CreateNodeOptions {
  privateKey: PrivateKey
  network: NetworkOptions
  policy: PeerPolicy
  datastore?: Datastore
  /** Inbound connections per host and pending inbound connections allowed at once. */
  inboundLimit?: number
  /**
   * False when the caller runs identify itself (the service does, to keep it
   * and the DHT and peer-store work it sets off off a pairing's critical path).
   */
  identifyOnOpen?: boolean
}

export async function createNode(options: CreateNodeOptions): Promise<PairwiseLibp2p> {
  const { network } = options
  const inboundLimit = options.inboundLimit ?? 64
  return createLibp2p<PairwiseServices>({
    privateKey: options.privateKey,
    ...(options.datastore === undefined ? {} : { datastore: options.datastore }),
    addresses: { listen: network.listen },
    transports: [tcp({ dialOpts: { noDelay: true }, listenOpts: { noDelay: true } })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: gaterFor(options.policy),
    connectionManager: {
      // libp2p's per-host inbound rate limit is tuned for the public internet.
      // A LAN device or a loopback test opens more than 5 connections a
      // second from one address; raise it only this far.
      inboundConnectionThreshold: inboundLimit,
      maxIncomingPendingConnections: inboundLimit
    },
    services: {
      identify: identify({ runOnConnectionOpen: options.identifyOnOpen ?? true }),
      ping: ping(),
      dht: kadDHT({
        protocol: KAD_PROTOCOL,
        clientMode: network.dhtMode === 'client',
        // The default mapper drops private addresses, which are all a home LAN has.
        peerInfoMapper: network.allowLoopback ? passthroughMapper : removePublicAddressesMapper,
        validators: { pairwise: (key, value) => validateAdvertisement(key, value) },
        selectors: { pairwise: selectAdvertisement },
        // The first lookup otherwise waits ~1 s for the initial self-query; a
        // joiner needs the DHT at once (measured: 1.2 s -> 0.25 s).
        initialQuerySelfInterval: 0
      }),
      ...(network.mdns ? { mdns: mdnsService() } : {})
    }
  })
}

/** The mDNS factory, typed with the socket field it really has (see MdnsService). */
function mdnsService(): (components: Parameters<ReturnType<typeof mdns>>[0]) => MdnsService {
  return mdns({ serviceTag: MDNS_SERVICE_TAG, interval: 10_000 })
}
