import { advertisementKey } from './advertisement.ts'
import type { CodeKeys } from '../code/derive.ts'
import { DHT_PEER_WAIT_MS, waitForDhtPeer } from './dht-peer.ts'
import { lookupFromBootstrap } from './direct-lookup.ts'
import { KAD_PROTOCOL, type PairwiseLibp2p } from './libp2p-node.ts'
import { sleep } from '../util/sleep.ts'

// The joiner's path through our own DHT: the code's record, asked for two
// ways at once. Straight from our nodes (direct-lookup.ts), which needs no
// routing table and no self-lookup first; and through kad-dht's own lookup,
// repeated while patience lasts (a code read out the moment it appeared may
// not be published yet). The first record that opens ends both.

/** How long the direct lookup runs alone (it is a few round trips to nodes that answer at once). */
const DIRECT_HEAD_START_MS = 1_000

export interface DhtSearchOptions {
  node: PairwiseLibp2p
  keys: CodeKeys
  signal: AbortSignal
  /** Our DHT's nodes (multiaddrs with /p2p/<id>): asked directly. */
  bootstrap: string[]
  allowLoopback: boolean
  /** How long kad-dht lookups are repeated while no record opens. */
  patienceMs: number
  /** The join already won on another path: stop. */
  settled: () => boolean
  progress: (message: string) => void
  /** Tries a record; true when it named a device waiting for this code. */
  consider: (record: Uint8Array) => Promise<boolean>
}

/** Resolves with the number of records that named a waiting device (0 or 1: the first one ends the search). */
export async function searchDht(options: DhtSearchOptions): Promise<number> {
  const { node, signal } = options
  const dhtKey = advertisementKey(options.keys)
  // Ended by the join's own signal or by the first record that opens; one controller both lookups listen to.
  const found = new AbortController()
  const searching = found.signal
  const onAbort = (): void => found.abort()
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) found.abort()
  let records = 0
  const consider = async (value: Uint8Array): Promise<boolean> => {
    if (records > 0 || !(await options.consider(value))) return false
    records++
    // Only holders of the code can make a record that opens, so the first one is the initiator's: the rest
    // of either lookup would only compete with the pairing for CPU.
    found.abort()
    return true
  }

  const direct =
    options.bootstrap.length === 0
      ? Promise.resolve(false)
      : lookupFromBootstrap({
          node,
          key: dhtKey,
          bootstrap: options.bootstrap,
          signal: searching,
          allowLoopback: options.allowLoopback,
          onRecord: consider
        }).catch(() => false)

  const throughKadDht = async (): Promise<void> => {
    // A fresh process asks at once, before identify told it which connected peer is a DHT server:
    // such a lookup fails for lack of peers, so it waits for one first (bounded by the join's deadline).
    if (!(await waitForDhtPeer(node, DHT_PEER_WAIT_MS, searching, KAD_PROTOCOL)) && records === 0)
      options.progress('Internet: no Pairwise node answered yet; still trying')
    const giveUpAt = Date.now() + options.patienceMs
    // Bounded: at most 20 lookups, and never past the patience window or the join's own deadline.
    for (let lookup = 0; lookup < 20 && records === 0 && !options.settled() && !searching.aborted; lookup++) {
      if (lookup > 0) {
        options.progress('DHT: no record yet, asking again')
        await sleep(Math.min(250 * 2 ** (lookup - 1), 2_000, Math.max(0, giveUpAt - Date.now())), searching)
        if (Date.now() >= giveUpAt) break
      }
      try {
        // Every record any peer returns is tried, not just the one the
        // selector prefers: a planted record must not hide the real one.
        for await (const event of node.services.dht.get(dhtKey, {
          signal: AbortSignal.any([searching, AbortSignal.timeout(5_000)])
        })) {
          const value =
            event.name === 'PEER_RESPONSE' ? event.record?.value : event.name === 'VALUE' ? event.value : undefined
          if (value !== undefined && (await consider(value))) break
        }
      } catch {
        // No DHT peers, the lookup timed out, or conflicting records: try again while patience lasts.
      }
    }
  }

  // kad-dht's lookup opens connections to many peers at once, which a cold joiner's CPU pays for while the
  // direct lookup and then the pairing run: it starts once the direct lookup ended without a record, or after
  // a head start.
  const kad = (async () => {
    if (options.bootstrap.length > 0) await Promise.race([direct, sleep(DIRECT_HEAD_START_MS, searching)])
    if (records === 0) await throughKadDht()
  })().catch(() => undefined)
  await Promise.all([direct, kad])
  signal.removeEventListener('abort', onAbort)
  return records
}
