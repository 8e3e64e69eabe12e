import type { Connection, Startable } from '@libp2p/interface'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'

export interface IdentifyGateComponents {
  node: PairwiseLibp2p
  /** Node (bootstrap) multiaddrs: their connections identify at once. */
  bootstrap(): string[]
  /** True while this device shows a code or joins. */
  pairing(): boolean
}

/** Longest a new connection's identify waits for a pairing to end. */
const MAX_DEFERRAL_MS = 1_000

/**
 * Identify — and the DHT routing-table add, ping and peer-store writes it
 * sets off — costs ~10 ms of CPU per side on a new connection; measured, it
 * was half of an in-process LAN pairing (32 -> 18 ms p50 without it). While
 * this device is pairing, a new connection's identify waits until the
 * pairing ends, at most 1 s. Bootstrap connections identify at once: a cold
 * DHT needs its routing table.
 */
export class IdentifyGate implements Startable {
  readonly #c: IdentifyGateComponents
  readonly #pending = new Set<() => void>()
  readonly #onOpen = (event: CustomEvent<Connection>): void => this.#identifySoon(event.detail)
  #stopped = false

  constructor(components: IdentifyGateComponents) {
    this.#c = components
  }

  start(): void {
    this.#c.node.addEventListener('connection:open', this.#onOpen)
    // Connections opened while the node started (bootstrap, relay) get identified too:
    // without identify, the routing table stays empty and the code is never published.
    for (const connection of this.#c.node.getConnections()) this.#identifySoon(connection)
  }

  stop(): void {
    this.#stopped = true
    this.#c.node.removeEventListener('connection:open', this.#onOpen)
    this.#pending.clear()
  }

  /** The pairing ended: every deferred identify runs now. */
  release(): void {
    setImmediate(() => {
      for (const run of [...this.#pending]) run()
    })
  }

  #identifySoon(connection: Connection): void {
    const run = (): void => {
      if (this.#stopped || connection.status !== 'open') return
      void this.#c.node.services.identify.identify(connection).catch(() => undefined)
    }
    const remote = connection.remotePeer.toString()
    const bootstrap = this.#c.bootstrap().some((a) => a.endsWith(`/p2p/${remote}`))
    if (bootstrap || !this.#c.pairing()) return run()
    let done = false
    const once = (): void => {
      if (done) return
      done = true
      this.#pending.delete(once)
      run()
    }
    this.#pending.add(once)
    setTimeout(once, MAX_DEFERRAL_MS).unref()
  }
}
