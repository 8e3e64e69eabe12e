import type { Connection, IdentifyResult, PeerId, Startable } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { PublicNetworkView } from '../../../shared/api.ts'
import { classifyAddress } from '../node/address-class.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import { AMINO_PROTOCOL, HOP_PROTOCOL, presenceCid } from '../node/public-network.ts'
import { publishWhileWaiting } from '../node/publisher.ts'
import type { AppSettings } from '../registry/app-settings.ts'
import { sleep } from '../util/sleep.ts'
import type { ServiceEmitter } from './service-events.ts'

// This device on the public libp2p network (node/public-network.ts): it joins
// through the public bootstrap peers, keeps relay reservations on a couple of
// public relays it meets there (a NATed device is reachable only through
// one), and provides its presence CID with its current addresses, so that
// paired devices can find it again after both moved — public DHT servers do
// not answer "where is peer X?" for a device in client mode.
//
// All of it follows the person's switch (kept in the registry, default on).
// Off: the public DHT does not run, nothing is dialled or provided, joins and
// the code being shown skip the public path, the public relays' reservations
// lapse and every public peer is hung up on. The switch can be turned on live
// only when this run has a public bootstrap list (not --no-public-network).

export interface PublicNetworkComponents {
  node: PairwiseLibp2p
  /** Public bootstrap peers (each ending in /p2p/<id>); empty: unavailable for this run. */
  bootstrap: string[]
  allowLoopback: boolean
  /** The person's switch. */
  settings: AppSettings
  events: ServiceEmitter
}

/** Public relays a device holds reservations on: one spare. */
const MAX_PUBLIC_RELAYS = 2
const BOOTSTRAP_DIAL_MS = 15_000
/** While no public peer is connected, the bootstrap peers are dialled again this often. */
const REDIAL_MS = 60_000
/** Provider records live 24-48 h on public servers; renewed well before, and whenever our addresses change. */
const PRESENCE_REPROVIDE_MS = 6 * 60 * 60_000
const LOOKUP_MS = 10_000

export class PublicNetwork implements Startable {
  readonly #c: PublicNetworkComponents
  readonly #servers: Set<string>
  /** Public relays holding our reservation: peer id → the address reserved on. */
  readonly #relays = new Map<string, string>()
  /** Aborted when the switch goes off or the service stops; null while off. */
  #running: AbortController | null = null
  /** Switch changes run one after the other (starting the DHT takes a moment). */
  #switching: Promise<void> = Promise.resolve()
  #stopped = false
  #wasConnected = false
  readonly #onIdentify = (event: CustomEvent<IdentifyResult>): void => this.#considerRelay(event.detail)
  readonly #onPeer = (event: CustomEvent<PeerId>): void => {
    if (this.#servers.has(event.detail.toString()) && this.connected !== this.#wasConnected) this.#emit()
  }

  constructor(components: PublicNetworkComponents) {
    this.#c = components
    this.#servers = new Set(components.bootstrap.map((a) => a.split('/p2p/').at(-1) ?? ''))
  }

  /** This run can use the public network: it has a bootstrap list (and so a public DHT). */
  get available(): boolean {
    return this.#c.node.services.publicDht !== undefined && this.#c.bootstrap.length > 0
  }

  /** In use now: available and switched on. */
  get enabled(): boolean {
    return this.#running !== null
  }

  /** Connected to at least one public DHT server. */
  get connected(): boolean {
    return this.#publicPeers() > 0
  }

  view(): PublicNetworkView {
    return { available: this.available, enabled: this.#c.settings.publicNetwork, connected: this.connected }
  }

  /** A public relay that holds our reservation (the connection guard keeps it). */
  isRelay(peerId: string): boolean {
    return this.#relays.has(peerId)
  }

  async start(): Promise<void> {
    this.#c.node.addEventListener('peer:connect', this.#onPeer)
    this.#c.node.addEventListener('peer:disconnect', this.#onPeer)
    if (this.#c.settings.publicNetwork) await this.#switch(true)
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#c.node.removeEventListener('peer:connect', this.#onPeer)
    this.#c.node.removeEventListener('peer:disconnect', this.#onPeer)
    await this.#switch(false)
  }

  /** The person's switch: kept in the registry, and applied now when this run can. */
  async set(enabled: boolean): Promise<PublicNetworkView> {
    this.#c.settings.setPublicNetwork(enabled)
    if (!this.#stopped) await this.#switch(enabled)
    return this.#emit()
  }

  /** Where the paired device `peerId` says it is now, from its presence provider record. */
  async lookup(peerId: string, signal: AbortSignal): Promise<string[]> {
    const dht = this.#c.node.services.publicDht
    const running = this.#running
    if (dht === undefined || running === null) return []
    const lookup = AbortSignal.any([signal, running.signal, AbortSignal.timeout(LOOKUP_MS)])
    for await (const event of dht.findProviders(presenceCid(peerId), { signal: lookup })) {
      if (event.name !== 'PROVIDER' && event.name !== 'PEER_RESPONSE') continue
      // Anyone may provide the CID; only the device itself counts (and the dial checks who answers).
      const found = event.providers.find((p) => p.id.toString() === peerId)
      if (found !== undefined && found.multiaddrs.length > 0) return found.multiaddrs.map(String)
    }
    return []
  }

  #switch(on: boolean): Promise<void> {
    const next = this.#switching.then(() => (on ? this.#on() : this.#off()))
    this.#switching = next.catch(() => undefined)
    return next
  }

  async #on(): Promise<void> {
    const dht = this.#c.node.services.publicDht
    if (this.#running !== null || this.#stopped || dht === undefined || !this.available) return
    await dht.switchOn()
    const running = new AbortController()
    this.#running = running
    this.#c.node.addEventListener('peer:identify', this.#onIdentify)
    void this.#joinLoop(running.signal)
    void this.#providePresence(running.signal)
  }

  async #off(): Promise<void> {
    const { node } = this.#c
    const running = this.#running
    if (running === null) return
    this.#running = null
    running.abort()
    node.removeEventListener('peer:identify', this.#onIdentify)
    const relays = [...this.#relays]
    this.#relays.clear()
    for (const [, address] of relays) node.services.reservations?.remove(address)
    await node.services.publicDht?.switchOff()
    // Hang up on the public network: its bootstrap servers, our relays there, and any DHT server met on the way.
    const leave = new Set([...this.#servers, ...relays.map(([peerId]) => peerId)])
    const peers = await Promise.all(
      node.getPeers().map(async (peer) => ((await this.#isPublicPeer(peer, leave)) ? [peer] : []))
    )
    await Promise.allSettled(peers.flat().map((peer) => node.hangUp(peer)))
  }

  async #isPublicPeer(peer: PeerId, known: Set<string>): Promise<boolean> {
    if (known.has(peer.toString())) return true
    const stored = await this.#c.node.peerStore.get(peer).catch(() => undefined)
    return stored?.protocols.includes(AMINO_PROTOCOL) === true
  }

  #emit(): PublicNetworkView {
    const view = this.view()
    this.#wasConnected = view.connected
    this.#c.events.emit('public-network-changed', view)
    return view
  }

  #publicPeers(): number {
    return this.#c.node.getPeers().filter((p) => this.#servers.has(p.toString())).length
  }

  /** Dials the bootstrap peers, and again every minute while none is connected (until switched off). */
  async #joinLoop(signal: AbortSignal): Promise<void> {
    const { node } = this.#c
    // Bounded by the switch and stop(); one round a minute at most.
    while (!signal.aborted) {
      if (this.#publicPeers() === 0) {
        await Promise.allSettled(
          this.#c.bootstrap.map((address) =>
            node.dial(multiaddr(address), { signal: AbortSignal.any([signal, AbortSignal.timeout(BOOTSTRAP_DIAL_MS)]) })
          )
        )
      }
      await sleep(REDIAL_MS, signal).catch(() => undefined)
    }
  }

  /** A public peer that relays (HOP) and that we reach directly at a public address: reserve there. */
  #considerRelay(result: IdentifyResult): void {
    const { node } = this.#c
    if (this.#relays.size >= MAX_PUBLIC_RELAYS || this.#running === null) return
    if (!result.protocols.includes(HOP_PROTOCOL) || !result.protocols.includes(AMINO_PROTOCOL)) return
    // Reachable at a (verified) public address already: others dial us directly, a relay would only cost it a slot.
    if (node.getMultiaddrs().some((ma) => classifyAddress(ma) === 'public')) return
    const peerId = result.peerId.toString()
    if (this.#relays.has(peerId)) return
    const connection: Connection | undefined = node
      .getConnections(result.peerId)
      .find((c) => c.status === 'open' && c.limits === undefined)
    if (connection === undefined) return
    const kind = classifyAddress(connection.remoteAddr)
    if (kind !== 'public' && !(this.#c.allowLoopback && kind === 'loopback')) return
    const address = `${connection.remoteAddr.toString().replace(/\/p2p\/[^/]+$/, '')}/p2p/${peerId}`
    this.#relays.set(peerId, address)
    node.services.reservations?.add(address)
  }

  /** Keeps our presence provider record current, announcing again when our addresses change. */
  async #providePresence(signal: AbortSignal): Promise<void> {
    const { node } = this.#c
    const dht = node.services.publicDht
    if (dht === undefined) return
    const cid = presenceCid(node.peerId.toString())
    let published = ''
    const current = (): string => JSON.stringify(node.getMultiaddrs().map(String).sort())
    await publishWhileWaiting({
      announce: async (s) => {
        published = current()
        return dht.provide(cid, { signal: s })
      },
      acknowledged: 'ADD_PROVIDER',
      signal,
      onStored: () => undefined,
      republishMs: PRESENCE_REPROVIDE_MS,
      nudges: {
        subscribe: (listener) => {
          const onUpdate = (): void => {
            if (current() !== published) listener()
          }
          node.addEventListener('self:peer:update', onUpdate)
          return () => node.removeEventListener('self:peer:update', onUpdate)
        }
      }
    })
  }
}
