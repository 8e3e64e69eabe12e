import { createHash } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'
import { Libp2pRecord } from '@libp2p/record'
import { lpStream } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import { equalBytes } from '../util/bytes.ts'
import { classifyAddress } from './address-class.ts'
import { validateAdvertisement } from './advertisement.ts'
import { decodeKadAnswer, encodeGetValue, KAD_GET_VALUE, MAX_KAD_MESSAGE_BYTES } from './kad-wire.ts'
import { KAD_PROTOCOL, type PairwiseLibp2p } from './libp2p-node.ts'

// A joiner's first look for the code's record, sent straight to the nodes it
// bootstraps from (our DHT's servers), the moment they are connected. kad-dht
// starts a lookup only after identify put a peer in its routing table and its
// first self-lookup (a whole walk of the DHT towards our own id) ended; on a
// cold start that is most of the lookup's time, and a slow self-lookup used up
// the join's per-lookup bound with no record asked for at all. The nodes' own
// tables are full, so their closer peers are the record's holders: usually
// one more hop. kad-dht's lookup still runs beside this one (dht-search.ts).
//
// What comes back is a stranger's word: a record is checked by the DHT's own
// validator and must be filed under the key asked for; then the caller opens
// it with the code (openAdvertisement) and the device it names must be the
// one Noise authenticates — exactly as a record kad-dht found (P2).

/** Peers asked at once; the closest first. */
const ALPHA = 3
/** The closest peers a lookup keeps (Kademlia's k): the record lives on them. */
const K = 20
/** Bound on peers asked in one lookup. */
const MAX_QUERIES = 24
/** One peer: dial (if not connected) plus one request/response. */
const QUERY_TIMEOUT_MS = 5_000
/** A node we bootstrap from is the way in: asked again when a dial or request fails. */
const BOOTSTRAP_TRIES = 3
/**
 * The first try of a bootstrap node joins the service's own dial to it (libp2p merges dials to one peer),
 * and a stalled handshake would hold every later try as well, up to that dial's 10 s. Measured at N = 100:
 * tries stuck for 5-11 s while a fresh connection then answered in 0.4 s. So the first try gets this long,
 * and the next ones dial a connection of their own.
 */
const FIRST_TRY_MS = 1_500

export interface DirectLookupOptions {
  node: PairwiseLibp2p
  /** The DHT key of the record (advertisementKey). */
  key: Uint8Array
  /** Our DHT's nodes (multiaddrs ending in /p2p/<id>): the lookup starts with them. */
  bootstrap: string[]
  signal: AbortSignal
  allowLoopback: boolean
  /** A record that passed the DHT's validator. Resolves true when it opened with the code: the lookup ends. */
  onRecord: (value: Uint8Array) => Promise<boolean>
}

interface Contact {
  peer: PeerId
  /** Dial targets, each with /p2p/<id>; none for a peer we are connected to. */
  addrs: Multiaddr[]
  distance: Buffer
  asked: boolean
  /** Tries left when a dial or request fails (bootstrap nodes get more than one). */
  triesLeft: number
  tries: number
  /** One of the nodes we bootstrap from. */
  bootstrap: boolean
}

/** Resolves true when a record opened (onRecord said so), false when the lookup ran out of peers or was aborted. */
export async function lookupFromBootstrap(options: DirectLookupOptions): Promise<boolean> {
  const { node, key } = options
  const target = kadId(key)
  const self = node.peerId.toString()
  const contacts = new Map<string, Contact>()
  // One controller, aborted by the caller's signal too, rather than a composite signal: every wait below
  // listens to it.
  const stop = new AbortController()
  const signal = stop.signal
  const onAbort = (): void => stop.abort()
  options.signal.addEventListener('abort', onAbort, { once: true })
  if (options.signal.aborted) stop.abort()
  let found = false
  let queries = 0

  const learn = (peer: PeerId, addrs: Multiaddr[], tries = 1): void => {
    const id = peer.toString()
    if (id === self || contacts.has(id)) return
    const distance = xor(kadId(peer.toMultihash().bytes), target)
    contacts.set(id, { peer, addrs, distance, asked: false, triesLeft: tries, tries: 0, bootstrap: tries > 1 })
  }
  for (const address of options.bootstrap) {
    try {
      const ma = multiaddr(address)
      const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value
      if (id !== undefined) learn(peerIdFromString(id), [ma], BOOTSTRAP_TRIES)
    } catch {
      // Not a node address: the directory keeps only valid ones, so nothing is lost.
    }
  }

  const ask = async (contact: Contact): Promise<void> => {
    const first = contact.tries++ === 0
    const limitMs = first && contact.bootstrap ? FIRST_TRY_MS : QUERY_TIMEOUT_MS
    const querySignal = AbortSignal.any([signal, AbortSignal.timeout(limitMs)])
    const stream = await openKadStream(node, contact, first, querySignal)
    let answerBytes: Uint8Array
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_KAD_MESSAGE_BYTES })
      await lp.write(encodeGetValue(key), { signal: querySignal })
      answerBytes = (await lp.read({ signal: querySignal })).subarray()
      void stream.close().catch(() => undefined)
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error('kad request failed'))
      throw err
    }
    const answer = decodeKadAnswer(answerBytes)
    if (answer.type !== KAD_GET_VALUE) return
    const value = answer.record === undefined ? undefined : await acceptable(answer.record, key)
    if (value !== undefined && !found && (await options.onRecord(value))) {
      found = true
      stop.abort()
      return
    }
    for (const closer of answer.closer) {
      try {
        const peer = peerIdFromMultihash(Digest.decode(closer.id))
        const p2p = `/p2p/${peer.toString()}`
        const addrs = closer.addrs.flatMap((bytes) => {
          const ma = multiaddr(bytes)
          if (!options.allowLoopback && classifyAddress(ma) === 'loopback') return []
          return [ma.toString().endsWith(p2p) ? ma : ma.encapsulate(p2p)]
        })
        if (addrs.length > 0 || node.getConnections(peer).length > 0) learn(peer, addrs)
      } catch {
        // A malformed peer entry: skipped, the rest of the answer still counts.
      }
    }
  }

  // Kademlia's walk: ask the closest peers not asked yet, ALPHA at a time, until the K closest known were all
  // asked (or the bound is reached). Each answer may bring closer peers.
  const inFlight = new Set<Promise<void>>()
  while (!signal.aborted) {
    const next = [...contacts.values()]
      .sort((a, b) => Buffer.compare(a.distance, b.distance))
      .slice(0, K)
      .filter((c) => !c.asked)
    while (inFlight.size < ALPHA && next.length > 0 && queries < MAX_QUERIES) {
      const contact = next.shift()!
      contact.asked = true
      contact.triesLeft--
      queries++
      const run: Promise<void> = ask(contact)
        .catch(() => {
          // Failed: a bootstrap node is asked again (after the others in line), anyone else is dropped.
          if (contact.triesLeft > 0 && !signal.aborted) contact.asked = false
        })
        .finally(() => inFlight.delete(run))
      inFlight.add(run)
    }
    if (inFlight.size === 0) break
    await Promise.race(inFlight)
  }
  stop.abort()
  options.signal.removeEventListener('abort', onAbort)
  return found
}

/**
 * A stream to the contact: over an open connection if there is one; on a first try by its peer id's
 * addresses (joining any dial already under way); on a later one over a new connection of our own, dialled
 * without /p2p/ so libp2p does not merge it with a stalled dial, and used only if Noise authenticated
 * the contact.
 */
async function openKadStream(
  node: PairwiseLibp2p,
  contact: Contact,
  first: boolean,
  signal: AbortSignal
): Promise<Awaited<ReturnType<PairwiseLibp2p['dialProtocol']>>> {
  if (first || node.getConnections(contact.peer).some((c) => c.status === 'open'))
    return node.dialProtocol(contact.addrs.length === 0 ? contact.peer : contact.addrs, KAD_PROTOCOL, { signal })
  const p2p = `/p2p/${contact.peer.toString()}`
  const errors: unknown[] = []
  for (const address of contact.addrs) {
    const text = address.toString()
    const bare = multiaddr(text.endsWith(p2p) ? text.slice(0, -p2p.length) : text)
    try {
      const connection = await node.dial(bare, { signal, force: true })
      if (!connection.remotePeer.equals(contact.peer)) {
        await connection.close().catch(() => undefined)
        errors.push(new Error('another peer answered at this address'))
        continue
      }
      try {
        return await connection.newStream(KAD_PROTOCOL, { signal })
      } catch (err) {
        // A connection of our own that cannot carry the question is of no use to anyone.
        await connection.close().catch(() => undefined)
        throw err
      }
    } catch (err) {
      errors.push(err)
    }
  }
  throw new AggregateError(errors, 'no connection to this DHT peer')
}

/** The record's value when it is filed under `key` and passes the DHT's validator; undefined otherwise. */
async function acceptable(serialized: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const record = Libp2pRecord.deserialize(serialized)
    if (!equalBytes(record.key, key)) return undefined
    await validateAdvertisement(key, record.value)
    return record.value
  } catch {
    return undefined
  }
}

/** kad-dht's keyspace: SHA-256 of the key's (or peer id multihash's) bytes. */
function kadId(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!
  return out
}
