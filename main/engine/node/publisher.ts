import type { KadDHT } from '@libp2p/kad-dht'
import { sleep } from '../util/sleep.ts'

// Puts the advertisement into the DHT while a code waits. kad-dht's `put`
// never throws for lack of peers: it just stores on fewer of them, so we count
// the peers that acknowledged and retry with backoff while that is zero, and
// republish well before peers could have dropped it.

export interface PublishOptions {
  dht: KadDHT
  record: () => Promise<{ key: Uint8Array; value: Uint8Array }>
  signal: AbortSignal
  onStored: (peers: number) => void
  /** Publish again now (this device's addresses changed, e.g. a relay reservation arrived). */
  nudges?: { subscribe(listener: () => void): () => void }
  /** Per-put time limit. */
  putTimeoutMs?: number
  republishMs?: number
}

export async function publishWhileWaiting(options: PublishOptions): Promise<void> {
  const putTimeoutMs = options.putTimeoutMs ?? 15_000
  const republishMs = options.republishMs ?? 60_000
  let backoffMs = 500
  // Bounded: a session lives at most CODE_TTL_MAX_MS (10 minutes) and each round waits at least 500 ms.
  for (let round = 0; round < 1200 && !options.signal.aborted; round++) {
    let stored = 0
    try {
      const { key, value } = await options.record()
      const signal = AbortSignal.any([options.signal, AbortSignal.timeout(putTimeoutMs)])
      for await (const event of options.dht.put(key, value, { signal })) {
        if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') options.onStored(++stored)
      }
    } catch {
      // No peers yet, or the put timed out: try again below.
    }
    const waitMs = stored > 0 ? republishMs : backoffMs
    backoffMs = Math.min(backoffMs * 2, 15_000)
    if (stored > 0) backoffMs = 500
    const nudged = new AbortController()
    const unsubscribe = options.nudges?.subscribe(() => nudged.abort())
    try {
      await sleep(waitMs, AbortSignal.any([options.signal, nudged.signal]))
    } finally {
      unsubscribe?.()
    }
  }
}
