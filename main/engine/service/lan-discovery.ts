import type { PeerInfo, Startable } from '@libp2p/interface'
import type { Candidate } from '../node/join-race.ts'
import { MDNS_SERVICE_TAG, type PairwiseLibp2p } from '../node/libp2p-node.ts'

export interface LanDiscoveryComponents {
  node: PairwiseLibp2p
  localPeerId: string
  /** A Pairwise device answered on the LAN (known devices get a presence check). */
  onPeer(peerId: string): void
}

const MAX_LAN_PEERS = 256
const MAX_ADDRS_PER_PEER = 16

/**
 * The Pairwise devices mDNS has seen on this LAN, kept so that a join can ask
 * them at once. mDNS fires `peer` only once per peer, so they are remembered
 * (bounded: a LAN full of strangers costs at most 256 entries).
 */
export class LanDiscovery implements Startable {
  readonly #c: LanDiscoveryComponents
  readonly #peers = new Map<string, Candidate>()
  readonly #listeners = new Set<(candidate: Candidate) => void>()
  readonly #onPeer = (event: CustomEvent<PeerInfo>): void => this.#seen(event.detail)

  constructor(components: LanDiscoveryComponents) {
    this.#c = components
  }

  get enabled(): boolean {
    return this.#c.node.services.mdns !== undefined
  }

  start(): void {
    this.#c.node.services.mdns?.addEventListener('peer', this.#onPeer)
  }

  stop(): void {
    this.#c.node.services.mdns?.removeEventListener('peer', this.#onPeer)
    this.#listeners.clear()
  }

  /** Asks the LAN now rather than at mDNS's next interval. */
  query(): void {
    this.#c.node.services.mdns?.mdns?.query({ questions: [{ name: MDNS_SERVICE_TAG, type: 'PTR' }] })
  }

  known(): Candidate[] {
    return [...this.#peers.values()]
  }

  subscribe(listener: (candidate: Candidate) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #seen(peer: PeerInfo): void {
    const candidate: Candidate = {
      peerId: peer.id.toString(),
      addrs: peer.multiaddrs.map(String).slice(0, MAX_ADDRS_PER_PEER),
      path: 'lan'
    }
    if (candidate.peerId === this.#c.localPeerId) return
    this.#peers.delete(candidate.peerId)
    this.#peers.set(candidate.peerId, candidate)
    if (this.#peers.size > MAX_LAN_PEERS) this.#peers.delete(this.#peers.keys().next().value!)
    for (const listener of this.#listeners) listener(candidate)
    this.#c.onPeer(candidate.peerId)
  }
}
