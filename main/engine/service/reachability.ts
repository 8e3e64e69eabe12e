import type { Startable } from '@libp2p/interface'
import { classifyAddress } from '../node/address-class.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'

export interface ReachabilityComponents {
  node: PairwiseLibp2p
  /** Switch the DHT between client and server as reachability changes (dhtMode 'auto' with nodes). */
  followDhtMode(): boolean
}

/** How others can reach this device: at a verified public address, only through a relay, or only on its LAN. */
export type Reach = 'public' | 'relay' | 'local'

/**
 * How long a computed reach is reused. libp2p's address list is rebuilt on every read (~0.15 ms), and a
 * pairing's session views read it several times within milliseconds; a change of our addresses clears
 * it at once (self:peer:update), and the age bound covers one that expires without an event.
 */
const REACH_MAX_AGE_MS = 1_000

/**
 * Watches this device's verified addresses. libp2p lists a public address
 * only once AutoNAT (or a port mapping) confirmed it, so a public address in
 * getMultiaddrs() means others can dial us: then, and only then, a device
 * with nodes configured answers DHT queries too.
 */
export class Reachability implements Startable {
  readonly #c: ReachabilityComponents
  readonly #onUpdate = (): void => {
    this.#cached = undefined
    void this.#update()
  }
  #cached: { reach: Reach; at: number } | undefined

  constructor(components: ReachabilityComponents) {
    this.#c = components
  }

  start(): void {
    this.#c.node.addEventListener('self:peer:update', this.#onUpdate)
    void this.#update()
  }

  stop(): void {
    this.#c.node.removeEventListener('self:peer:update', this.#onUpdate)
  }

  get reach(): Reach {
    const now = performance.now()
    if (this.#cached !== undefined && now - this.#cached.at < REACH_MAX_AGE_MS) return this.#cached.reach
    const kinds = new Set(this.#c.node.getMultiaddrs().map((ma) => classifyAddress(ma)))
    const reach: Reach = kinds.has('public') ? 'public' : kinds.has('circuit') ? 'relay' : 'local'
    this.#cached = { reach, at: now }
    return reach
  }

  async #update(): Promise<void> {
    if (!this.#c.followDhtMode()) return
    const dht = this.#c.node.services.dht
    const wanted = this.reach === 'public' ? 'server' : 'client'
    if (dht.getMode() !== wanted) await dht.setMode(wanted).catch(() => undefined)
  }
}
