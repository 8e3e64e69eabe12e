import type { NearMiss } from '../../../shared/code/index.ts'
import type { KadDHT } from '@libp2p/kad-dht'
import { codeKeyFromSeed } from '../code/code-key.ts'
import { deriveCodeKeys, type CodeKeys } from '../code/derive.ts'
import { codeRendezvousCid } from '../node/public-network.ts'
import { lookupPublicAdvertisements } from '../node/public-rendezvous.ts'
import { advertisementKey, openAdvertisement } from '../node/advertisement.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'

// Which close variants of a typed code have a device waiting, asked by their
// PUBLIC rendezvous only: a DHT lookup of each variant's record key (and, on
// the public network, of its rendezvous CID and its providers' records). No proof
// is sent to anyone, so no attempt is counted against any initiator, and no
// secret leaves this device — the lookups reveal only the rendezvous keys of
// a few dozen near-miss codes, which anyone could compute from the typed words.
//
// A variant whose record exists AND opens is the code with overwhelming
// probability: the record's key is the public half of a key derived from that
// variant's 128-bit entropy, every DHT node checks that the record is signed
// with it, and its body is sealed with another key derived from the same
// entropy. Only someone holding exactly that code can make such a record; a
// stranger's code colliding with one of ≤ 64 variants has odds of ~2^-122.
// Nor does the probe help an eavesdropper: it starts from ~all 12 words.

const PROBES_AT_ONCE = 8
const PROBE_TIMEOUT_MS = 4_000

/** Where to look: our DHT when usable, the public network when this device uses it. */
export interface ProbePaths {
  node: PairwiseLibp2p
  dht: boolean
  publicDht?: KadDHT
  allowLoopback: boolean
}

export async function probeNearMisses(paths: ProbePaths, misses: NearMiss[], signal: AbortSignal): Promise<NearMiss[]> {
  const found: NearMiss[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < misses.length && !signal.aborted) {
      const miss = misses[next++]!
      if (await hasWaitingDevice(paths, miss.entropy, signal)) found.push(miss)
    }
  }
  await Promise.all(Array.from({ length: PROBES_AT_ONCE }, worker))
  // Ranked as the variants were (most likely slip first), not by who answered first.
  return misses.filter((m) => found.includes(m))
}

async function hasWaitingDevice(paths: ProbePaths, entropy: Uint8Array, signal: AbortSignal): Promise<boolean> {
  const keys = deriveCodeKeys(entropy)
  const lookup = AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)])
  const checks: Array<Promise<boolean>> = []
  if (paths.dht) checks.push(inDht(paths.node, keys, lookup))
  if (paths.publicDht !== undefined) checks.push(onPublicNetwork(paths, paths.publicDht, keys, lookup))
  if (checks.length === 0) return false
  return Promise.any(checks.map(async (check) => ((await check) ? true : Promise.reject(new Error('no'))))).catch(
    () => false
  )
}

async function inDht(node: PairwiseLibp2p, keys: CodeKeys, signal: AbortSignal): Promise<boolean> {
  try {
    for await (const event of node.services.dht.get(advertisementKey(keys), { signal })) {
      const value =
        event.name === 'PEER_RESPONSE' ? event.record?.value : event.name === 'VALUE' ? event.value : undefined
      // A record in its after-expiry grace window still names the code: the join then says it expired.
      if (value !== undefined && (await openAdvertisement(value, keys)) !== undefined) return true
    }
  } catch {
    // No record for this variant (or no answer in time).
  }
  return false
}

/**
 * A provider of the variant's rendezvous CID that hands over a record which opens with the variant and names
 * that provider. Asking a provider sends it only the record's key — public, like the CID.
 */
async function onPublicNetwork(paths: ProbePaths, dht: KadDHT, keys: CodeKeys, signal: AbortSignal): Promise<boolean> {
  let opened = false
  await lookupPublicAdvertisements({
    node: paths.node,
    dht,
    cid: codeRendezvousCid(codeKeyFromSeed(keys.adSeed).publicKey),
    key: advertisementKey(keys),
    signal,
    allowLoopback: paths.allowLoopback,
    onRecord: async (record, provider) => {
      const ad = await openAdvertisement(record, keys)
      if (ad !== undefined && ad.peerId === provider.peerId) opened = true
    }
  })
  return opened
}
