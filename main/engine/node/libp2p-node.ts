import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { autoNATv2 } from '@libp2p/autonat-v2'
import { circuitRelayServer, circuitRelayTransport, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { identify, type Identify } from '@libp2p/identify'
import type { ConnectionGater, Metrics, PeerDiscovery, PeerId, PeerInfo, PrivateKey } from '@libp2p/interface'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import type { mdns } from '@libp2p/mdns'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import type { Datastore } from 'interface-datastore'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p, type ServiceFactoryMap } from 'libp2p'
import { classifyAddress } from './address-class.ts'
import { libp2pLimitsFor, type ConnectionGuard } from './connection-guard.ts'
import { selectAdvertisement, validateAdvertisement } from './advertisement.ts'
import {
  NODE_CONNECTION_HEADROOM,
  RELAY_SERVER_DEFAULTS,
  SHORT_LIVED_SELF_QUERY_DELAY_MS,
  type RelayServerLimits
} from './network-constants.ts'
import type { NetworkOptions } from './network-options.ts'
import { publicListenAddresses } from './public-address.ts'
import { AMINO_PROTOCOL } from './public-network.ts'
import { relayReservations, type RelayReservations } from './relay-reservations.ts'
import { switchable, type Switchable } from './switchable-service.ts'

export { DEFAULT_NETWORK, type NetworkOptions } from './network-options.ts'

export const KAD_PROTOCOL = '/pairwise/kad/1.0.0'
/** A handshake over a slow relay takes a few round trips; anything slower is not a joiner worth waiting for. */
export const INBOUND_UPGRADE_TIMEOUT_MS = 5_000
export const MDNS_SERVICE_TAG = '_pairwise._udp.local'

/**
 * mDNS as a service rather than a peerDiscovery entry, so that a join can send
 * a query at once. Its multicast-dns socket is a public field of the service
 * class that the PeerDiscovery interface does not list; this names just it.
 */
export type MdnsService = PeerDiscovery & {
  mdns?: { query(query: { questions: Array<{ name: string; type: 'PTR' }> }): void }
}

export type PairwiseServices = {
  dht: KadDHT
  identify: Identify
  ping: Ping
  mdns?: MdnsService
  /** Only on a `pairwise node`. */
  relay?: CircuitRelayService
  /** Only on a device with nodes to use: its relay reservations. */
  reservations?: RelayReservations
  /**
   * Only on a device that may use the public libp2p network (public-network.ts): the Amino DHT, as a
   * client. It runs only while the person's switch is on: the service turns it on and off.
   */
  publicDht?: KadDHT & Switchable
}
/** Services started but never called by name: they work through libp2p's components. */
type AllServices = PairwiseServices & { autoNAT?: unknown; dcutr?: unknown; publicAddresses?: unknown; upnp?: unknown }
export type PairwiseLibp2p = Libp2p<PairwiseServices>

/** Answers "may this peer connect?" — revoked peers are refused (P9). */
export interface PeerPolicy {
  isRefused(peerId: string): boolean
  /** A node's per-IP bound on relay reservations. */
  denyRelayReservation?(peerId: PeerId): boolean
}

export function gaterFor(policy: PeerPolicy): ConnectionGater {
  const refused = (peer: PeerId): boolean => policy.isRefused(peer.toString())
  return {
    denyDialPeer: refused,
    denyInboundEncryptedConnection: refused,
    denyOutboundEncryptedConnection: refused,
    ...(policy.denyRelayReservation === undefined ? {} : { denyInboundRelayReservation: policy.denyRelayReservation })
  }
}

/** The gater with the guard's hooks: pending handshakes are tracked from accept until Noise is done. */
function guardGater(gater: ConnectionGater, guard: ConnectionGuard | undefined): ConnectionGater {
  if (guard === undefined) return gater
  return {
    ...gater,
    denyInboundConnection: guard.denyInboundConnection,
    denyInboundEncryptedConnection: (peer, maConn) => {
      guard.handshakeDone(maConn)
      return gater.denyInboundEncryptedConnection?.(peer, maConn) ?? false
    }
  }
}

export interface CreateNodeOptions {
  privateKey: PrivateKey
  network: NetworkOptions
  policy: PeerPolicy
  datastore?: Datastore
  /**
   * 'device' pairs (relay client, DHT client unless reachable); 'node' is a
   * `pairwise node`: bootstrap, DHT server, relay and AutoNAT server.
   */
  role?: 'device' | 'node'
  /** Node only: addresses the operator knows are public (`--announce`). */
  announce?: string[]
  /** Node only: relay reservation limits. */
  relayLimits?: Partial<RelayServerLimits>
  metrics?: (components: never) => Metrics
  /** Inbound connections per host per second (libp2p's rate limit) and, unguarded, pending inbound connections. */
  inboundLimit?: number
  /** A device's share of connections for strangers (connection-guard.ts). */
  guard?: ConnectionGuard
  /**
   * False when the caller runs identify itself (the service does, to keep it
   * and the DHT and peer-store work it sets off off a pairing's critical path).
   */
  identifyOnOpen?: boolean
}

export async function createNode(options: CreateNodeOptions): Promise<PairwiseLibp2p> {
  const { network } = options
  const role = options.role ?? 'device'
  const shortLived = network.shortLived === true
  const inboundLimit = options.inboundLimit ?? 64
  const relayLimits = { ...RELAY_SERVER_DEFAULTS, ...options.relayLimits }
  const keep = (peer: PeerInfo): PeerInfo => ({
    ...peer,
    // Public, relay and LAN addresses work for someone; another machine's loopback never does.
    multiaddrs: peer.multiaddrs.filter((ma) => network.allowLoopback || classifyAddress(ma) !== 'loopback')
  })
  // Imported only when used: UPnP's port mapper imports node:http, whose ESM facade loads undici (~12 ms
  // of a `pairwise join`'s start-up), and neither it nor mDNS serves a command run with --no-mdns.
  const upnp =
    role === 'device' && network.upnp && network.mdns ? (await import('@libp2p/upnp-nat')).uPnPNAT : undefined
  const mdnsFactory = network.mdns ? (await import('@libp2p/mdns')).mdns : undefined
  const services: ServiceFactoryMap<AllServices> = {
    identify: identify({ runOnConnectionOpen: options.identifyOnOpen ?? true }),
    ping: ping(),
    ...(shortLived ? {} : { autoNAT: autoNATv2() }),
    dht: kadDHT({
      protocol: KAD_PROTOCOL,
      // Explicit, so kad-dht's own switch (which counts lab ranges as private) stays off;
      // a device's mode follows its verified reachability (see reachability.ts).
      clientMode: role === 'device' && startsAsDhtClient(network),
      peerInfoMapper: (peer) =>
        role === 'node' ? withRelayAddresses(keep(peer), created, network.allowLoopback) : keep(peer),
      // Only the record kinds we use: no /pk records from strangers.
      validators: { pairwise: (key, value) => validateAdvertisement(key, value), pk: refuseRecord },
      selectors: { pairwise: selectAdvertisement },
      // The first lookup otherwise waits ~1 s for the initial self-query; a
      // joiner needs the DHT at once (measured: 1.2 s -> 0.25 s). A short-lived
      // joiner asks its nodes directly first, and the self-query would only compete.
      initialQuerySelfInterval: shortLived ? SHORT_LIVED_SELF_QUERY_DELAY_MS : 0
    }),
    ...(role === 'node'
      ? {
          relay: circuitRelayServer({
            reservations: {
              maxReservations: relayLimits.maxReservations,
              reservationTtl: relayLimits.reservationTtlMs,
              applyDefaultLimit: true,
              defaultDataLimit: BigInt(relayLimits.dataLimitBytes),
              defaultDurationLimit: relayLimits.durationLimitMs
            }
          }),
          publicAddresses: publicListenAddresses()
        }
      : // A device holds a relay reservation on its nodes, taken in the background (see relay-reservations.ts),
        // and upgrades a relayed connection to a direct one when it can (DCUtR; a UPnP mapping helps).
        {
          dcutr: dcutr(),
          ...(shortLived ? {} : { reservations: relayReservations({ relays: network.bootstrap }) }),
          ...(upnp === undefined ? {} : { upnp: upnp() })
        }),
    ...(mdnsFactory === undefined ? {} : { mdns: mdnsService(mdnsFactory) }),
    ...(role === 'device' && (network.publicBootstrap ?? []).length > 0
      ? {
          // A client only: a laptop serving strangers' lookups would spend its battery on the
          // whole IPFS network. Its own datastore prefix keeps its tables apart from ours.
          publicDht: switchable(
            kadDHT({
              protocol: AMINO_PROTOCOL,
              clientMode: true,
              // Public servers hand out every address they hold; another home's 192.168.x.y is never ours to dial.
              peerInfoMapper: (peer) => ({
                ...peer,
                multiaddrs: peer.multiaddrs.filter((ma) => {
                  const kind = classifyAddress(ma)
                  return kind === 'public' || kind === 'circuit' || (network.allowLoopback && kind === 'loopback')
                })
              }),
              datastorePrefix: '/dht-amino',
              logPrefix: 'libp2p:dht-amino',
              metricsPrefix: 'libp2p_dht_amino',
              initialQuerySelfInterval: 0
            })
          )
        }
      : {})
  }
  // The mapper runs once the node exists; it needs the node's own addresses and reservations.
  const created: { node?: PairwiseLibp2p } = {}
  const node = await createLibp2p({
    privateKey: options.privateKey,
    ...(options.datastore === undefined ? {} : { datastore: options.datastore }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    addresses: {
      listen: network.listen,
      ...(options.announce === undefined || options.announce.length === 0 ? {} : { appendAnnounce: options.announce })
    },
    transports: [tcp({ dialOpts: { noDelay: true }, listenOpts: { noDelay: true } }), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    // No yamux keep-alive: libp2p's connection monitor already pings every connection every 10 s (keeping NAT
    // mappings open and dropping dead peers), and yamux's own one starts with a ping on every new connection —
    // four extra encrypted frames at the very moment a pairing's first messages go out.
    streamMuxers: [yamux({ enableKeepAlive: false })],
    connectionGater: guardGater(gaterFor(options.policy), options.guard),
    connectionManager: {
      // libp2p's per-host inbound rate limit is tuned for the public internet.
      // A LAN device or a loopback test opens more than 5 connections a
      // second from one address; raise it only this far.
      inboundConnectionThreshold: inboundLimit,
      maxIncomingPendingConnections: inboundLimit,
      ...(options.guard === undefined
        ? {}
        : {
            // Above the guard's own caps, which make room before these refuse anyone.
            ...libp2pLimitsFor(options.guard.limits),
            // One total deadline for TCP accept -> Noise -> yamux (libp2p's default is 10 s): a socket that
            // never finishes, or drips its handshake, holds a pending slot at most this long.
            inboundUpgradeTimeout: INBOUND_UPGRADE_TIMEOUT_MS
          }),
      // Every reservation holds a connection: libp2p's default of 300 would cap a node far below its reservations.
      ...(role === 'node' ? { maxConnections: relayLimits.maxReservations + NODE_CONNECTION_HEADROOM } : {})
    },
    services
  })
  created.node = node
  return node
}

/** A device's DHT mode at start; see NetworkOptions.dhtMode. */
export function startsAsDhtClient(network: NetworkOptions): boolean {
  return network.dhtMode === 'client' || (network.dhtMode === 'auto' && network.bootstrap.length > 0)
}

/**
 * A node answering "where is peer X?" (FIND_NODE) adds the relay address
 * through itself when X holds a reservation here: X is behind a NAT, and
 * libp2p does not keep the circuit addresses a peer reports through this very
 * relay. This is how paired devices find each other again after both moved.
 */
function withRelayAddresses(peer: PeerInfo, created: { node?: PairwiseLibp2p }, allowLoopback: boolean): PeerInfo {
  const node = created.node
  if (node?.services.relay?.reservations.has(peer.id) !== true) return peer
  const self = node.peerId.toString()
  const relayed = node
    .getMultiaddrs()
    .filter((ma) => allowLoopback || classifyAddress(ma) !== 'loopback')
    .map((ma) =>
      multiaddr(`${ma.toString().replace(`/p2p/${self}`, '')}/p2p/${self}/p2p-circuit/p2p/${peer.id.toString()}`)
    )
  const known = new Set(peer.multiaddrs.map(String))
  return { ...peer, multiaddrs: [...peer.multiaddrs, ...relayed.filter((ma) => !known.has(ma.toString()))] }
}

async function refuseRecord(): Promise<void> {
  throw new Error('this DHT keeps only /pairwise records')
}

/** The mDNS factory, typed with the socket field it really has (see MdnsService). */
function mdnsService(factory: typeof mdns): (components: Parameters<ReturnType<typeof mdns>>[0]) => MdnsService {
  return factory({ serviceTag: MDNS_SERVICE_TAG, interval: 10_000 })
}
