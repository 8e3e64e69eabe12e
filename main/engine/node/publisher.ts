import type { QueryEvent } from '@libp2p/kad-dht'
import { sleep } from '../util/sleep.ts'

// Announces something in a DHT while a code waits: the advertisement record
// in our private DHT (a put), or the code's rendezvous CID on the public
// network (a provide). kad-dht never throws for lack of peers — it just
// stores on fewer of them — so we count the peers that acknowledged and retry
// with backoff while that is zero, and announce again well before peers could
// have dropped it, and whenever our addresses change.

export interface PublishOptions {
  /** One announcement: `dht.put(...)` or `dht.provide(...)`. */
  announce: (signal: AbortSignal) => Promise<AsyncIterable<QueryEvent>>
  /** The message a peer's acknowledgement answers: PUT_VALUE or ADD_PROVIDER. */
  acknowledged: 'PUT_VALUE' | 'ADD_PROVIDER'
  signal: AbortSignal
  onStored: (peers: number) => void
  /** Publish again now (this device's addresses changed, e.g. a relay reservation arrived). */
  nudges?: { subscribe(listener: () => void): () => void }
  /** Per-announcement time limit. */
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
      const signal = AbortSignal.any([options.signal, AbortSignal.timeout(putTimeoutMs)])
      for await (const event of await options.announce(signal)) {
        if (event.name === 'PEER_RESPONSE' && event.messageName === options.acknowledged) options.onStored(++stored)
      }
    } catch {
      // No peers yet, or the announcement timed out: try again below.
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
