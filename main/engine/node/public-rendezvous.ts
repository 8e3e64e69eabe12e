import type { PeerInfo } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { CID } from 'multiformats/cid'
import { requestAdvertisement } from './advertisement-server.ts'
import { connectToDevice } from './candidate-dialer.ts'
import type { PairwiseLibp2p } from './libp2p-node.ts'

// The joiner's half of the public-network rendezvous (public-network.ts):
// who provides the code's CID, and what each provider's advertisement says.
// Anyone may provide any CID, so a provider is only a lead: its record is
// opened and checked like a private-DHT one (by the caller), and must name
// the very peer Noise authenticated. A stranger providing the same CID costs
// one bounded candidate slot and never a commit (P2).

/** Providers asked per lookup: the initiator is one; more would be strangers. */
const MAX_PROVIDERS = 8
/** Dial (often through a relay) plus one request/response. */
const FETCH_TIMEOUT_MS = 8_000
const LOOKUP_TIMEOUT_MS = 10_000

export interface PublicLookupOptions {
  node: PairwiseLibp2p
  dht: KadDHT
  cid: CID
  /** The record's key, as the provider files it. */
  key: Uint8Array
  signal: AbortSignal
  allowLoopback: boolean
  /** Each record a provider handed over, with who handed it over and where it was reached. */
  onRecord: (record: Uint8Array, provider: { peerId: string; addrs: string[] }) => Promise<void> | void
}

/** One lookup: asks every provider found (bounded); resolves once the lookup and every fetch ended. */
export async function lookupPublicAdvertisements(options: PublicLookupOptions): Promise<number> {
  const { node } = options
  const self = node.peerId.toString()
  const seen = new Set<string>()
  const fetches: Array<Promise<void>> = []
  const fetchFrom = async (provider: PeerInfo): Promise<void> => {
    const peerId = provider.id.toString()
    const addrs = provider.multiaddrs.map(String)
    const signal = AbortSignal.any([options.signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)])
    try {
      const connection = await connectToDevice(node, provider.id, addrs, {
        signal,
        allowLoopback: options.allowLoopback
      })
      const record = await requestAdvertisement(connection, options.key, signal)
      if (record !== undefined) await options.onRecord(record, { peerId, addrs })
    } catch {
      // Unreachable, or nothing to say: one lead fewer.
    }
  }
  try {
    const signal = AbortSignal.any([options.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)])
    for await (const event of options.dht.findProviders(options.cid, { signal })) {
      if (event.name !== 'PROVIDER' && event.name !== 'PEER_RESPONSE') continue
      for (const provider of event.providers) {
        const id = provider.id.toString()
        if (id === self || seen.has(id) || seen.size >= MAX_PROVIDERS) continue
        seen.add(id)
        fetches.push(fetchFrom(provider))
      }
    }
  } catch {
    // No public peers, or the lookup timed out: what was found is still fetched.
  }
  await Promise.all(fetches)
  return seen.size
}
