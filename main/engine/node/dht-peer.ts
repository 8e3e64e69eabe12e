import { KAD_PROTOCOL, type PairwiseLibp2p } from './libp2p-node.ts'
import { AMINO_PROTOCOL } from './public-network.ts'

/** Longest a join waits for its first DHT server before looking up anyway. */
export const DHT_PEER_WAIT_MS = 5_000

/** Resolves true once a connected peer is known to serve our DHT protocol (or false after `timeoutMs`). */
export async function waitForDhtPeer(
  node: PairwiseLibp2p,
  timeoutMs: number,
  signal: AbortSignal,
  protocol: string = KAD_PROTOCOL
): Promise<boolean> {
  const done = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
  const found = Promise.withResolvers<boolean>()
  // Listening first, then checking: an identify that lands in between is not missed.
  const onIdentify = (event: CustomEvent<{ protocols: string[] }>): void => {
    if (event.detail.protocols.includes(protocol)) found.resolve(true)
  }
  const onAbort = (): void => found.resolve(false)
  node.addEventListener('peer:identify', onIdentify)
  done.addEventListener('abort', onAbort, { once: true })
  try {
    for (const peer of node.getPeers()) {
      const protocols = await node.peerStore.get(peer).then(
        (p) => p.protocols,
        () => [] as string[]
      )
      if (protocols.includes(protocol)) found.resolve(true)
    }
    return await found.promise
  } finally {
    node.removeEventListener('peer:identify', onIdentify)
    done.removeEventListener('abort', onAbort)
  }
}

/**
 * Whether a connected peer might serve our DHT. Any peer counts (on a
 * LAN-only DHT, a device found by mDNS is one, possibly before identify ran)
 * except those identify showed to be public-network servers that do not speak
 * our protocol: asking them would only cost a join its patience.
 */
export class DhtPeers {
  readonly #node: PairwiseLibp2p
  readonly #publicOnly = new Set<string>()
  readonly #onIdentify = (event: CustomEvent<{ peerId: { toString(): string }; protocols: string[] }>): void => {
    const { protocols } = event.detail
    if (protocols.includes(AMINO_PROTOCOL) && !protocols.includes(KAD_PROTOCOL))
      this.#publicOnly.add(event.detail.peerId.toString())
  }
  readonly #onDisconnect = (event: CustomEvent<{ toString(): string }>): void => {
    this.#publicOnly.delete(event.detail.toString())
  }

  constructor(node: PairwiseLibp2p) {
    this.#node = node
  }

  start(): void {
    this.#node.addEventListener('peer:identify', this.#onIdentify)
    this.#node.addEventListener('peer:disconnect', this.#onDisconnect)
  }

  stop(): void {
    this.#node.removeEventListener('peer:identify', this.#onIdentify)
    this.#node.removeEventListener('peer:disconnect', this.#onDisconnect)
  }

  /** At least one connected peer may serve our DHT. */
  any(): boolean {
    return this.#node.getPeers().some((peer) => !this.#publicOnly.has(peer.toString()))
  }
}
