import type { Connection, Startable, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { Emitter } from '../../../shared/emitter.ts'
import { connectToDevice } from '../node/candidate-dialer.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import { streamDuplex } from '../node/stream-duplex.ts'
import { FramedChannel } from '../protocol/framing.ts'
import { PRESENCE_PROTOCOL, REVOKE_PROTOCOL } from '../trust/messages.ts'
import { checkPresence, servePresence, type PresenceResult } from '../trust/presence.ts'
import { sendRevocation, serveRevocation } from '../trust/revocation.ts'
import type { TrustContext } from '../trust/trust-context.ts'

// Everything between two devices that already know each other: presence
// checks (which also settle a pairing whose final message was lost, P7),
// delivery of our revocation notices now or at the next contact (P9),
// reconnecting to paired devices, and which of them are online right now.

export interface ContactsComponents {
  node: PairwiseLibp2p
  trust: TrustContext
  reconnectMs: number
  /** Dial other devices' loopback addresses (tests on one machine). */
  allowLoopback: boolean
  /** True while our own pairing session still waits for this joiner's Ack: silence is not disagreement then. */
  awaitingAckFrom(peerId: string): boolean
  /** Whether peers can be looked up on the DHT (a bootstrap node or any peer is connected). */
  dhtUsable(): boolean
  /** Where the public network says a device is now (its presence provider record); [] when off or unknown. */
  publicLookup(peerId: string, signal: AbortSignal): Promise<string[]>
  /** Whether the gater would refuse this peer now (revoked, no notice owed, not pairing). */
  isRefused(peerId: string): boolean
}

export interface ContactsEvents {
  /** The set of online devices changed. */
  online: undefined
}

const EXCHANGE_TIMEOUT_MS = 10_000
const HANG_UP_DELAY_MS = 1_000
const MIN_BACKOFF_MS = 2_000
const MAX_BACKOFF_MS = 5 * 60_000
const FIRST_ROUNDS_MS = [250, 3_000, 8_000, 16_000]
/** The stored addresses: a LAN or public address answers within this if it still works. */
const STORED_DIAL_MS = 5_000
/** Asking the network where the device is now. */
const LOOKUP_MS = 10_000
/**
 * Dialling what the network said. libp2p merges our relay dial into any dial
 * to the same peer already under way (the DHT lookup itself dials the peer it
 * finds) and tries the peer's private addresses of another network first, ~6 s
 * each, before the relay: this wait covers one such address plus the relay.
 */
const FOUND_DIAL_MS = 15_000
const MAX_INBOUND_STREAMS = 4

export class Contacts implements Startable {
  readonly events = new Emitter<ContactsEvents>()
  readonly #c: ContactsComponents
  readonly #online = new Set<string>()
  readonly #inFlight = new Set<string>()
  /** Peers to check once more when their exchange in flight ends: it may carry what just changed too late. */
  readonly #again = new Set<string>()
  readonly #reconnecting = new Set<string>()
  /** Devices that were not found: when to look again. Cleared when they connect. */
  readonly #backoff = new Map<string, { at: number; delayMs: number }>()
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  constructor(components: ContactsComponents) {
    this.#c = components
  }

  async start(): Promise<void> {
    const { node } = this.#c
    await node.handle(
      PRESENCE_PROTOCOL,
      async (stream, connection) => {
        const peer = connection.remotePeer.toString()
        const channel = new FramedChannel(streamDuplex(stream))
        this.#afterPresence(peer, await servePresence(this.#c.trust, channel, peer).catch(() => 'failed' as const))
        // Only our own requests carry news (an alarm) for it: the device came to us, so ask back.
        if (this.#c.trust.alarms?.outgoing(peer) !== undefined) this.contactSoon(peer)
        this.#hangUpSoon(peer)
      },
      { maxInboundStreams: MAX_INBOUND_STREAMS, runOnLimitedConnection: true }
    )
    await node.handle(
      REVOKE_PROTOCOL,
      async (stream, connection) => {
        const peer = connection.remotePeer.toString()
        const channel = new FramedChannel(streamDuplex(stream))
        await serveRevocation(this.#c.trust, channel, peer).catch(() => stream.abort(new Error('revocation failed')))
        this.#hangUpSoon(peer)
      },
      { maxInboundStreams: MAX_INBOUND_STREAMS, runOnLimitedConnection: true }
    )
    node.addEventListener('peer:connect', (event) => {
      this.#backoff.delete(event.detail.toString())
      this.schedule(event.detail.toString())
    })
    node.addEventListener('peer:disconnect', (event) => this.setOffline(event.detail.toString()))
    // Known devices' addresses go back into the peer store so we can dial them right away.
    for (const record of this.#c.trust.trust.listDevices({ includeRevoked: true })) {
      await this.rememberAddresses(record.peerId, record.addresses)
    }
    this.#timer = setInterval(() => this.#round(), this.#c.reconnectMs)
    // Right after start, paired devices (restarting too, perhaps) are looked for sooner than every round.
    for (const delayMs of FIRST_ROUNDS_MS)
      if (delayMs < this.#c.reconnectMs) setTimeout(() => this.#round(), delayMs).unref()
  }

  stop(): void {
    this.#stopped = true
    clearInterval(this.#timer)
  }

  isOnline(peerId: string): boolean {
    return this.#online.has(peerId)
  }

  setOnline(peerId: string): void {
    if (this.#online.has(peerId)) return
    this.#online.add(peerId)
    this.events.emit('online', undefined)
  }

  setOffline(peerId: string): void {
    if (this.#online.delete(peerId)) this.events.emit('online', undefined)
  }

  /** A presence check (or notice delivery) soon, for peers we hold a record for; strangers cost nothing. */
  schedule(peerId: string, delayMs = 0): void {
    if (this.#stopped) return
    let known: boolean
    try {
      known = this.#c.trust.trust.getDevice(peerId) !== null
    } catch {
      return
    }
    if (known) setTimeout(() => void this.contact(peerId), delayMs).unref()
  }

  /**
   * A presence check with every device online now, e.g. after this device was
   * renamed (the messages carry our name). One already on the wire started
   * before the change, so it is repeated once when it ends.
   */
  checkOnlineNow(): void {
    for (const peerId of this.#online) this.contactSoon(peerId)
  }

  /** A presence check with this device now, or once more when the one on the wire ends. */
  contactSoon(peerId: string): void {
    if (this.#inFlight.has(peerId)) this.#again.add(peerId)
    else void this.contact(peerId)
  }

  /** Presence check with a known device, or delivery of our revocation notice to it. */
  async contact(peerId: string): Promise<void> {
    if (this.#stopped || this.#inFlight.has(peerId)) return
    const { trust } = this.#c.trust
    if (trust.owesNotice(peerId)) return this.deliverRevocation(peerId)
    let record
    try {
      record = trust.getDevice(peerId)
    } catch {
      return
    }
    if (record === null || (record.status !== 'paired' && record.status !== 'pending-confirmation')) return
    if (this.#c.awaitingAckFrom(peerId)) return
    this.#inFlight.add(peerId)
    try {
      const signal = AbortSignal.timeout(EXCHANGE_TIMEOUT_MS)
      const stream = await this.#streamTo(peerId, record.addresses, PRESENCE_PROTOCOL, signal)
      this.#afterPresence(peerId, await checkPresence(this.#c.trust, new FramedChannel(streamDuplex(stream)), record))
      this.#hangUpSoon(peerId)
    } catch {
      // Unreachable now; the next round or the next connection tries again.
    } finally {
      this.#inFlight.delete(peerId)
      if (this.#again.delete(peerId)) void this.contact(peerId)
    }
  }

  async deliverRevocation(peerId: string): Promise<void> {
    const { trust } = this.#c.trust
    if (this.#inFlight.has(peerId) || !trust.owesNotice(peerId)) return
    const record = trust.getDevice(peerId)
    if (record === null || record.status !== 'revoked') return
    this.#inFlight.add(peerId)
    try {
      trust.recordRevocationAttempt(peerId)
      const signal = AbortSignal.timeout(EXCHANGE_TIMEOUT_MS)
      // The notice must not wait for a reconnect round: if the addresses we hold are stale (a device behind
      // NAT that changed relays), the network is asked where it is now, at once (P9).
      const open = this.#c.node.getConnections(peerIdFromString(peerId)).some((c) => c.status === 'open')
      if (!open) await this.#connectAnyWay(peerId, record.addresses).catch(() => undefined)
      const stream = await this.#streamTo(peerId, record.addresses, REVOKE_PROTOCOL, signal)
      await sendRevocation(this.#c.trust, new FramedChannel(streamDuplex(stream)), record)
      this.#hangUpSoon(peerId)
    } catch {
      // Kept in the outbox: retried every round and at the next contact (P9).
    } finally {
      this.#inFlight.delete(peerId)
    }
  }

  /**
   * A stream to a known device: over an open connection, or a new one dialled
   * over every address we know at once (the registry's and the peer store's,
   * relay ones included), rather than libp2p's one-address-at-a-time dial.
   */
  async #streamTo(peerId: string, stored: string[], protocol: string, signal: AbortSignal): Promise<Stream> {
    const { node } = this.#c
    const peer = peerIdFromString(peerId)
    const known = await node.peerStore.get(peer).then(
      (p) => p.addresses.map((a) => a.multiaddr.toString()),
      () => [] as string[]
    )
    const connection = await connectToDevice(node, peer, [...new Set([...stored, ...known])], {
      signal,
      allowLoopback: this.#c.allowLoopback
    })
    return connection.newStream(protocol, { signal, runOnLimitedConnection: true })
  }

  /** Ends every connection to a peer we no longer trust, once the exchange that told us is over. */
  /**
   * After an exchange that may have ended trust (a revocation, "unknown"): the
   * other side must still read our last message (the notice's acknowledgement
   * above all — without it the revoker retries forever), and closing a stream
   * does not wait for the bytes to leave. So the hang-up comes a moment later.
   */
  #hangUpSoon(peerId: string): void {
    setTimeout(() => {
      if (!this.#stopped) this.hangUpIfRefused(peerId).catch(() => undefined)
    }, HANG_UP_DELAY_MS).unref()
  }

  async hangUpIfRefused(peerId: string): Promise<void> {
    if (!this.#c.isRefused(peerId)) return
    this.setOffline(peerId)
    await this.#c.node.hangUp(peerIdFromString(peerId)).catch(() => undefined)
  }

  async rememberAddresses(peerId: string, addresses: string[]): Promise<void> {
    const addrs = addresses.flatMap((a): Multiaddr[] => {
      try {
        return [multiaddr(a)]
      } catch {
        return []
      }
    })
    if (addrs.length === 0) return
    try {
      await this.#c.node.peerStore.merge(peerIdFromString(peerId), { multiaddrs: addrs })
    } catch {
      // A malformed stored address is not worth failing over.
    }
  }

  #afterPresence(peerId: string, result: PresenceResult): void {
    if (result === 'online' || result === 'confirmed') this.setOnline(peerId)
  }

  /**
   * Where a paired device was, then where the network says it is now. The
   * local peer store would answer with the same stale address (ports change
   * on every start), so the lookup skips it: a node that holds the device's
   * relay reservation knows its current addresses.
   */
  async #reconnect(peerId: string, stored: string[]): Promise<void> {
    if (this.#reconnecting.has(peerId) || this.#stopped) return
    const backoff = this.#backoff.get(peerId)
    if (backoff !== undefined && Date.now() < backoff.at) return
    this.#reconnecting.add(peerId)
    try {
      await this.#connectAnyWay(peerId, stored)
      this.#backoff.delete(peerId)
    } catch {
      // Offline, or nobody knows where it is: asked again later, less often each time
      // (a device that is away must not cost every round a network lookup).
      const delayMs = Math.min((backoff?.delayMs ?? MIN_BACKOFF_MS / 2) * 2, MAX_BACKOFF_MS)
      this.#backoff.set(peerId, { at: Date.now() + delayMs, delayMs })
    } finally {
      this.#reconnecting.delete(peerId)
    }
  }

  /**
   * A connection over every way we know at once: the addresses given, our DHT's answer to "where is it?",
   * and its presence record on the public network. Asked at the same time, not after the stored addresses
   * failed: after a restart (or a relay change) they are stale anyway.
   */
  async #connectAnyWay(peerId: string, stored: string[]): Promise<Connection> {
    const { node, allowLoopback } = this.#c
    const peer = peerIdFromString(peerId)
    const viaStored = connectToDevice(node, peer, stored, {
      signal: AbortSignal.timeout(STORED_DIAL_MS),
      allowLoopback
    })
    const viaLookup = (async () => {
      if (!this.#c.dhtUsable() || this.#stopped) throw new Error('no network to ask')
      const found = await node.peerRouting.findPeer(peer, { signal: AbortSignal.timeout(LOOKUP_MS), useCache: false })
      const addresses = found.multiaddrs.map(String)
      return connectToDevice(node, peer, addresses, { signal: AbortSignal.timeout(FOUND_DIAL_MS), allowLoopback })
    })()
    // The public network, when on: the device's own presence record names its current relay addresses.
    const viaPublic = (async () => {
      const addresses = await this.#c.publicLookup(peerId, AbortSignal.timeout(LOOKUP_MS))
      if (addresses.length === 0 || this.#stopped) throw new Error('not found on the public network')
      return connectToDevice(node, peer, addresses, { signal: AbortSignal.timeout(FOUND_DIAL_MS), allowLoopback })
    })()
    return Promise.any([viaStored, viaLookup, viaPublic])
  }

  #round(): void {
    try {
      this.#reconnectOnce()
    } catch {
      // A storage hiccup must not end the daemon; the next round tries again.
    }
  }

  #reconnectOnce(): void {
    if (this.#stopped) return
    const { node } = this.#c
    const { trust } = this.#c.trust
    const connected = new Set(node.getPeers().map(String))
    for (const record of trust.listDevices({ includeRevoked: true })) {
      const owed = trust.owesNotice(record.peerId)
      const wanted = record.status === 'paired' || record.status === 'pending-confirmation' || owed
      if (!wanted) continue
      if (connected.has(record.peerId)) {
        // Already connected: a pending pairing or an undelivered notice still needs its exchange.
        if (record.status === 'pending-confirmation' || owed || !this.#online.has(record.peerId)) {
          void this.contact(record.peerId)
        }
        continue
      }
      void this.#reconnect(record.peerId, record.addresses)
    }
  }
}
