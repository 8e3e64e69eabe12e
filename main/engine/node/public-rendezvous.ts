import type { PeerInfo } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { CID } from 'multiformats/cid'
import { requestAdvertisement } from './advertisement-server.ts'
import { codeKeyFromSeed } from '../code/code-key.ts'
import type { CodeKeys } from '../code/derive.ts'
import { sleep } from '../util/sleep.ts'
import { advertisementKey } from './advertisement.ts'
import { connectToDevice } from './candidate-dialer.ts'
import { DHT_PEER_WAIT_MS, waitForDhtPeer } from './dht-peer.ts'
import { AMINO_PROTOCOL, codeRendezvousCid } from './public-network.ts'
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

export interface PublicSearchOptions {
  node: PairwiseLibp2p
  dht: KadDHT
  keys: CodeKeys
  signal: AbortSignal
  allowLoopback: boolean
  /** How long lookups are repeated while nobody provides the code. */
  patienceMs: number
  /** The join already won on another path: stop. */
  settled: () => boolean
  progress: (message: string) => void
  /** Tries a record a provider handed over; true when it named a device waiting for this code. */
  consider: (record: Uint8Array, providerPeerId: string) => Promise<boolean>
}

/** The joiner's public-network path: lookups (at most 10, within the patience window) until a record opens. */
export async function searchPublicNetwork(options: PublicSearchOptions): Promise<number> {
  const { node, keys, signal } = options
  let records = 0
  const cid = codeRendezvousCid(codeKeyFromSeed(keys.adSeed).publicKey)
  if (!(await waitForDhtPeer(node, DHT_PEER_WAIT_MS, signal, AMINO_PROTOCOL)))
    options.progress('Public network: not connected yet; still trying')
  const giveUpAt = Date.now() + options.patienceMs
  for (let lookup = 0; lookup < 10 && records === 0 && !options.settled() && !signal.aborted; lookup++) {
    if (lookup > 0) {
      await sleep(Math.min(500 * 2 ** (lookup - 1), 2_000, Math.max(0, giveUpAt - Date.now())), signal)
      if (Date.now() >= giveUpAt || signal.aborted) break
    }
    await lookupPublicAdvertisements({
      node,
      dht: options.dht,
      cid,
      key: advertisementKey(keys),
      signal,
      allowLoopback: options.allowLoopback,
      onRecord: async (record, provider) => {
        if (await options.consider(record, provider.peerId)) records++
      }
    })
  }
  return records
}
