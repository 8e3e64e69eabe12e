import type { Connection, IdentifyResult, Startable } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { classifyAddress } from '../node/address-class.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import { AMINO_PROTOCOL, HOP_PROTOCOL, presenceCid } from '../node/public-network.ts'
import { publishWhileWaiting } from '../node/publisher.ts'
import { sleep } from '../util/sleep.ts'

// This device on the public libp2p network (node/public-network.ts): it joins
// through the public bootstrap peers, keeps relay reservations on a couple of
// public relays it meets there (a NATed device is reachable only through
// one), and provides its presence CID with its current addresses, so that
// paired devices can find it again after both moved — public DHT servers do
// not answer "where is peer X?" for a device in client mode.

export interface PublicNetworkComponents {
  node: PairwiseLibp2p
  /** Public bootstrap peers (each ending in /p2p/<id>). */
  bootstrap: string[]
  allowLoopback: boolean
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
  readonly #relays = new Set<string>()
  readonly #stop = new AbortController()
  readonly #onIdentify = (event: CustomEvent<IdentifyResult>): void => this.#considerRelay(event.detail)

  constructor(components: PublicNetworkComponents) {
    this.#c = components
  }

  get enabled(): boolean {
    return this.#c.node.services.publicDht !== undefined && this.#c.bootstrap.length > 0
  }

  /** Connected to at least one public DHT server. */
  get connected(): boolean {
    return this.#publicPeers() > 0
  }

  /** A public relay that holds our reservation (the connection guard keeps it). */
  isRelay(peerId: string): boolean {
    return this.#relays.has(peerId)
  }

  start(): void {
    if (!this.enabled) return
    this.#c.node.addEventListener('peer:identify', this.#onIdentify)
    void this.#joinLoop()
    void this.#providePresence()
  }

  stop(): void {
    this.#stop.abort()
    this.#c.node.removeEventListener('peer:identify', this.#onIdentify)
  }

  /** Where the paired device `peerId` says it is now, from its presence provider record. */
  async lookup(peerId: string, signal: AbortSignal): Promise<string[]> {
    const dht = this.#c.node.services.publicDht
    if (dht === undefined || !this.enabled) return []
    const lookup = AbortSignal.any([signal, this.#stop.signal, AbortSignal.timeout(LOOKUP_MS)])
    for await (const event of dht.findProviders(presenceCid(peerId), { signal: lookup })) {
      if (event.name !== 'PROVIDER' && event.name !== 'PEER_RESPONSE') continue
      // Anyone may provide the CID; only the device itself counts (and the dial checks who answers).
      const found = event.providers.find((p) => p.id.toString() === peerId)
      if (found !== undefined && found.multiaddrs.length > 0) return found.multiaddrs.map(String)
    }
    return []
  }

  #publicPeers(): number {
    const { node } = this.#c
    const servers = new Set(this.#c.bootstrap.map((a) => a.split('/p2p/').at(-1)))
    return node.getPeers().filter((p) => servers.has(p.toString())).length
  }

  /** Dials the bootstrap peers, and again every minute while none is connected (until stop). */
  async #joinLoop(): Promise<void> {
    const { node } = this.#c
    // Bounded by stop(); one round a minute at most.
    while (!this.#stop.signal.aborted) {
      if (this.#publicPeers() === 0) {
        await Promise.allSettled(
          this.#c.bootstrap.map((address) =>
            node.dial(multiaddr(address), {
              signal: AbortSignal.any([this.#stop.signal, AbortSignal.timeout(BOOTSTRAP_DIAL_MS)])
            })
          )
        )
      }
      await sleep(REDIAL_MS, this.#stop.signal).catch(() => undefined)
    }
  }

  /** A public peer that relays (HOP) and that we reach directly at a public address: reserve there. */
  #considerRelay(result: IdentifyResult): void {
    const { node } = this.#c
    if (this.#relays.size >= MAX_PUBLIC_RELAYS || this.#stop.signal.aborted) return
    if (!result.protocols.includes(HOP_PROTOCOL) || !result.protocols.includes(AMINO_PROTOCOL)) return
    const peerId = result.peerId.toString()
    if (this.#relays.has(peerId)) return
    const connection: Connection | undefined = node
      .getConnections(result.peerId)
      .find((c) => c.status === 'open' && c.limits === undefined)
    if (connection === undefined) return
    const kind = classifyAddress(connection.remoteAddr)
    if (kind !== 'public' && !(this.#c.allowLoopback && kind === 'loopback')) return
    const address = `${connection.remoteAddr.toString().replace(/\/p2p\/[^/]+$/, '')}/p2p/${peerId}`
    this.#relays.add(peerId)
    node.services.reservations?.add(address)
  }

  /** Keeps our presence provider record current, announcing again when our addresses change. */
  async #providePresence(): Promise<void> {
    const { node } = this.#c
    const dht = node.services.publicDht
    if (dht === undefined) return
    const cid = presenceCid(node.peerId.toString())
    let published = ''
    const current = (): string => JSON.stringify(node.getMultiaddrs().map(String).sort())
    await publishWhileWaiting({
      announce: async (signal) => {
        published = current()
        return dht.provide(cid, { signal })
      },
      acknowledged: 'ADD_PROVIDER',
      signal: this.#stop.signal,
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
