import { KAD_PROTOCOL, type PairwiseLibp2p } from './libp2p-node.ts'

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
