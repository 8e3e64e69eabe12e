import type { KadDHT } from '@libp2p/kad-dht'
import type { DeviceView } from '../../../shared/api.ts'
import { APP_VERSION } from '../../../shared/version.ts'
import type { LocalIdentity } from '../identity/local-identity.ts'
import { ConnectionGuard } from '../node/connection-guard.ts'
import { createNode, type PairwiseLibp2p, type PeerPolicy } from '../node/libp2p-node.ts'
import { DEFAULT_NETWORK, type NetworkOptions } from '../node/network-options.ts'
import type { SqliteDatastore } from '../node/sqlite-datastore.ts'
import type { Registry } from '../registry/registry.ts'
import type { TrustContext } from '../trust/trust-context.ts'
import type { TrustStore } from '../trust/trust-store.ts'
import { CodeAlarms } from './code-alarms.ts'
import { Contacts } from './contacts.ts'
import { IdentifyGate } from './identify-gate.ts'
import { Joining } from './joining.ts'
import { LanDiscovery } from './lan-discovery.ts'
import { LocalDevice } from './local-device.ts'
import { NodeDirectory } from './node-directory.ts'
import type { PairingComponents } from './pairing-components.ts'
import { PairingHost } from './pairing-host.ts'
import { PublicNetwork } from './public-network.ts'
import { AdvertisementServer } from '../node/advertisement-server.ts'
import { DhtPeers } from '../node/dht-peer.ts'
import { Reachability } from './reachability.ts'
import type { ServiceEmitter } from './service-events.ts'
import { DEFAULT_TIMING, type ServiceOptions } from './types.ts'

// The service's parts, built and wired to each other: who needs whom is read
// here, in one place; each part gets exactly the components it uses.

export interface Parts {
  node: PairwiseLibp2p
  local: LocalDevice
  host: PairingHost
  joining: Joining
  contacts: Contacts
  lan: LanDiscovery
  gate: IdentifyGate
  reachability: Reachability
  nodes: NodeDirectory
  /** Connected peers that serve our own DHT. */
  dhtPeers: DhtPeers
  /** Overheard-code alarms: shown until dismissed, relayed to the paired device. */
  alarms: CodeAlarms
  /** The public libp2p network as a second rendezvous, following the person's switch. */
  publicNetwork: PublicNetwork
  /** Hands our advertisement to joiners who found us on the public network. */
  adServer: AdvertisementServer
  /** Stops the connection guard watching the node. */
  unguard: () => void
}

export interface PartsContext {
  identity: LocalIdentity
  registry: Registry
  trust: TrustStore
  datastore: SqliteDatastore
  events: ServiceEmitter
  /** The service's connection policy (revoked peers refused, except while pairing). */
  policy: PeerPolicy
  deviceView(peerId: string): DeviceView
}

/** Creates the libp2p node and every part (not started yet). */
export async function createParts(c: PartsContext, options: ServiceOptions): Promise<Parts> {
  const startupNodes = options.network?.bootstrap ?? []
  // Nodes from the command line for this run, and the ones the person added in Settings.
  const bootstrap = [...new Set([...startupNodes, ...c.registry.nodes.list().map((n) => n.address)])]
  const network: NetworkOptions = { ...DEFAULT_NETWORK, ...options.network, bootstrap }
  const timing = { ...DEFAULT_TIMING, ...options.timing }
  // Strangers get a bounded, fair share of connections; paired devices and our nodes are never pushed out.
  const guard = new ConnectionGuard({}, network.allowLoopback ? { uncappedHosts: ['127.0.0.1', '::1'] } : {})
  const node = await createNode({
    privateKey: c.identity.privateKey,
    network,
    policy: c.policy,
    datastore: c.datastore,
    identifyOnOpen: false,
    guard
  })
  const alarms = new CodeAlarms({
    registry: c.registry,
    events: c.events,
    deviceView: (peer) => c.deviceView(peer),
    contactSoon: (peer) => contacts.contactSoon(peer)
  })
  const trustContext: TrustContext = {
    localPeerId: c.identity.peerId,
    privateKey: c.identity.privateKey,
    trust: c.trust,
    localAddresses: () => local.addresses(),
    localName: () => c.registry.getThisDevice()?.name ?? '',
    alarms
  }
  const nodes = new NodeDirectory({ node, registry: c.registry, events: c.events, startup: startupNodes })
  const publicNetwork = new PublicNetwork({
    node,
    bootstrap: network.publicBootstrap ?? [],
    allowLoopback: network.allowLoopback,
    settings: c.registry.settings,
    events: c.events
  })
  // Used only while the person's switch is on (it can change while a code is shown or a join runs).
  const publicDht = (): KadDHT | undefined => (publicNetwork.enabled ? node.services.publicDht : undefined)
  const adServer = new AdvertisementServer(node)
  // Our DHT: nodes to ask, or (a LAN-only DHT) a connected device. Public-network servers do not count.
  const dhtPeers = new DhtPeers(node)
  const dhtUsable = (): boolean => nodes.addresses().length > 0 || dhtPeers.any()
  const onIdle = (): void => gate.release()
  const local = new LocalDevice({
    node,
    registry: c.registry,
    protection: options.secretStore.protection,
    appVersion: options.appVersion ?? APP_VERSION,
    allowLoopback: network.allowLoopback
  })
  const contacts: Contacts = new Contacts({
    node,
    trust: trustContext,
    reconnectMs: timing.reconnectMs,
    allowLoopback: network.allowLoopback,
    awaitingAckFrom: (peer): boolean => host.awaitingAckFrom(peer),
    dhtUsable,
    publicLookup: (peer, signal) => publicNetwork.lookup(peer, signal),
    isRefused: (peer) => c.policy.isRefused(peer)
  })
  const reachability = new Reachability({
    node,
    followDhtMode: () => network.dhtMode === 'auto' && nodes.addresses().length > 0
  })
  // What both pairing roles need; each adds its own below.
  const pairing: PairingComponents = {
    node,
    identity: c.identity,
    local,
    trust: c.trust,
    registry: c.registry,
    contacts,
    events: c.events,
    onIdle
  }
  const host: PairingHost = new PairingHost({
    ...pairing,
    defaultTtlMinutes: options.codeTtlMinutes,
    reach: () => reachability.reach,
    guard,
    approvalMs: timing.approvalMs,
    alarms,
    publicDht,
    ...(publicNetwork.available ? { adServer } : {})
  })
  const unguard = guard.attach(node, {
    isProtected: (peer) => {
      const status = c.registry.getDevice(peer)?.status
      // A revoked device we still owe a notice must stay reachable until it has heard it (P9).
      const trusted = status === 'paired' || status === 'pending-confirmation' || c.trust.owesNotice(peer)
      return trusted || nodes.isNode(peer) || publicNetwork.isRelay(peer)
    },
    inExchange: (peer) => host.inExchange(peer)
  })
  guard.trustAddresses([
    ...c.registry
      .listDevices({ includeRevoked: false })
      .filter((d) => d.status === 'paired' || d.status === 'pending-confirmation')
      .flatMap((d) => d.addresses),
    ...bootstrap
  ])
  const lan = new LanDiscovery({
    node,
    localPeerId: c.identity.peerId,
    onPeer: (peer) => contacts.schedule(peer)
  })
  const joining = new Joining({
    ...pairing,
    lan,
    timing,
    allowLoopback: network.allowLoopback,
    dhtUsable,
    dhtNodes: () => nodes.addresses(),
    publicDht,
    deviceView: (peer) => c.deviceView(peer)
  })
  const gate = new IdentifyGate({
    node,
    bootstrap: () => [...nodes.addresses(), ...(network.publicBootstrap ?? [])],
    pairing: () => host.pairing || joining.joining
  })
  return {
    node,
    local,
    host,
    joining,
    contacts,
    lan,
    gate,
    reachability,
    nodes,
    dhtPeers,
    alarms,
    publicNetwork,
    adServer,
    unguard
  }
}
