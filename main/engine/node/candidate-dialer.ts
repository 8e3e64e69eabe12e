import type { Connection, PeerId } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { PairwiseError } from '../../../shared/errors.ts'
import { classifyAddress, dialRank } from './address-class.ts'
import type { PairwiseLibp2p } from './libp2p-node.ts'
import { sleep } from '../util/sleep.ts'

// Connecting to one known device over every address it gave us, at once.
//
// libp2p dials a peer's addresses one at a time (6 s each) and joins every
// concurrent dial to the same peer into one job; the circuit-relay transport
// sorts relay addresses last. An unreachable private address of another
// network would so cost ~6 s before the relay is even tried. Instead, each
// direct address is dialled on its own WITHOUT the /p2p/ suffix (so libp2p
// does not merge the dials), and the peer Noise authenticated is checked
// against the one we want; the relay starts after a short head start for
// direct addresses that are likely to work (public, or on our own subnet).
// Addresses of other private networks still get their chance, in parallel,
// but never delay the relay.

export type DialVia = 'direct' | 'relay'

export interface DialProgress {
  via: DialVia
  outcome: 'trying' | 'failed' | 'connected'
  /** The relay's peer id, for relay attempts. */
  relay?: string
}

export interface ConnectOptions {
  signal: AbortSignal
  /** Loopback addresses are another device's own machine: only tests on 127.0.0.1 dial them. */
  allowLoopback?: boolean
  onProgress?: (progress: DialProgress) => void
}

/** How long likely direct addresses have before the relay is tried too. */
export const RELAY_HEAD_START_MS = 300
/** One direct address; a LAN or public host answers far sooner. */
const DIRECT_ATTEMPT_MS = 5_000
const MAX_ADDRESSES = 16

export async function connectToDevice(
  node: PairwiseLibp2p,
  peer: PeerId,
  addresses: string[],
  options: ConnectOptions
): Promise<Connection> {
  const open = node.getConnections(peer).filter((c) => c.status === 'open')
  const existing = open.find((c) => c.limits === undefined) ?? open[0]
  if (existing !== undefined) return existing

  const plan = planDials(peer, addresses, options.allowLoopback === true)
  const all = [...plan.near, ...plan.far, ...plan.relay]
  if (all.length === 0) {
    // Nothing to go on but the peer id: libp2p may still know a route (peer store, an open relay). The
    // addresses we were given go to its peer store first: libp2p makes its own choice among them. Only
    // here: on every other path they are dialled as they are, and a peer-store write per candidate cost
    // ~1 ms of a LAN pairing.
    const given = parseable(addresses)
    if (given.length > 0) await node.peerStore.merge(peer, { multiaddrs: given })
    return node.dial(peer, { signal: options.signal })
  }
  const race = new AbortController()
  const signal = AbortSignal.any([options.signal, race.signal])
  const won = Promise.withResolvers<Connection>()
  let pending = all.length
  let directFailures = 0
  const lost = (via: DialVia, relay?: string): void => {
    if (via === 'direct') directFailures++
    if (via === 'direct' && directFailures === plan.near.length + plan.far.length)
      options.onProgress?.({ via, outcome: 'failed' })
    if (via === 'relay') options.onProgress?.({ via, outcome: 'failed', ...(relay === undefined ? {} : { relay }) })
    if (--pending === 0) won.reject(unreachable(plan, options.signal))
  }
  const attempt = async (ma: Multiaddr, via: DialVia, delayMs: number): Promise<void> => {
    const relay = via === 'relay' ? relayOf(ma) : undefined
    try {
      if (delayMs > 0) await sleep(delayMs, signal)
      if (signal.aborted) throw signal.reason
      if (via === 'relay') options.onProgress?.({ via, outcome: 'trying', ...(relay === undefined ? {} : { relay }) })
      const attemptSignal =
        via === 'direct' ? AbortSignal.any([signal, AbortSignal.timeout(DIRECT_ATTEMPT_MS)]) : signal
      const connection = await node.dial(ma, { signal: attemptSignal })
      if (!connection.remotePeer.equals(peer)) {
        // Someone else lives at that address now (another home's 192.168.1.x): not our device.
        await connection.close().catch(() => undefined)
        throw new Error('a different peer answered')
      }
      options.onProgress?.({ via, outcome: 'connected', ...(relay === undefined ? {} : { relay }) })
      won.resolve(connection)
      race.abort()
    } catch {
      lost(via, relay)
    }
  }
  const relayDelay = plan.near.length > 0 ? RELAY_HEAD_START_MS : 0
  for (const ma of plan.near) void attempt(ma, 'direct', 0)
  for (const ma of plan.far) void attempt(ma, 'direct', 0)
  for (const ma of plan.relay) void attempt(ma, 'relay', relayDelay)
  try {
    return await won.promise
  } finally {
    race.abort()
  }
}

interface DialPlan {
  near: Multiaddr[]
  far: Multiaddr[]
  relay: Multiaddr[]
}

export function planDials(peer: PeerId, addresses: string[], allowLoopback: boolean): DialPlan {
  const plan: DialPlan = { near: [], far: [], relay: [] }
  const seen = new Set<string>()
  for (const text of addresses.slice(0, MAX_ADDRESSES)) {
    let ma: Multiaddr
    try {
      ma = multiaddr(text)
    } catch {
      continue
    }
    const rank = dialRank(ma)
    if (rank === 'relay') {
      // A relay reached over loopback is on the other device's machine, not ours (except in one-machine tests).
      if (!allowLoopback && classifyAddress(ma.decapsulate('/p2p-circuit')) === 'loopback') continue
      // A relay address must name its target, so the relay knows whom to connect us to.
      const target = ma.getComponents().at(-1)
      if (target?.name !== 'p2p') ma = ma.encapsulate(`/p2p/${peer.toString()}`)
      else if (target.value !== peer.toString()) continue
    } else {
      ma = withoutPeerId(ma)
      if (rank === 'never' && !(allowLoopback && isLoopback(ma))) continue
    }
    const key = ma.toString()
    if (seen.has(key)) continue
    seen.add(key)
    if (rank === 'relay') plan.relay.push(ma)
    else if (rank === 'far') plan.far.push(ma)
    else plan.near.push(ma)
  }
  return plan
}

function parseable(addresses: string[]): Multiaddr[] {
  return addresses.slice(0, MAX_ADDRESSES).flatMap((a) => {
    try {
      return [multiaddr(a)]
    } catch {
      return []
    }
  })
}

function withoutPeerId(ma: Multiaddr): Multiaddr {
  const components = ma.getComponents()
  const last = components.at(-1)
  return last?.name === 'p2p' ? multiaddr(components.slice(0, -1)) : ma
}

function isLoopback(ma: Multiaddr): boolean {
  const first = ma.getComponents()[0]
  return first?.value?.startsWith('127.') === true || first?.value === '::1'
}

function relayOf(ma: Multiaddr): string | undefined {
  const components = ma.getComponents()
  const circuit = components.findIndex((c) => c.name === 'p2p-circuit')
  const relay = components.slice(0, circuit).findLast((c) => c.name === 'p2p')
  return relay?.value
}

function unreachable(plan: DialPlan, signal: AbortSignal): Error {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new Error('aborted')
  const tried = [
    plan.near.length + plan.far.length > 0 ? 'directly' : '',
    plan.relay.length > 0 ? 'through a relay' : ''
  ]
  return new PairwiseError('device-unreachable', 'Found the other device but could not reach it.', {
    hint:
      plan.relay.length > 0
        ? 'Its relay did not answer. Check that both devices can reach the same Pairwise node, then try again.'
        : 'The other device has no relay address yet: it may still be joining the public network, or both devices need the same Pairwise node (--bootstrap) to pair across networks.',
    details: {
      tried: tried.filter((t) => t !== '').join(' and '),
      direct: plan.near.length + plan.far.length,
      relay: plan.relay.length
    }
  })
}
