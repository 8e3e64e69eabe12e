import type { Startable } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { randomBytes } from 'node:crypto'
import type { DeclinedJoiner, PairingSessionView, PendingApproval } from '../../../shared/api.ts'
import { generateCode, toLink } from '../../../shared/code/index.ts'
import { CODE_TTL_DEFAULT_MS, CODE_TTL_MAX_MS, MINUTE_MS } from '../../../shared/limits.ts'
import { deriveCodeKeys, type CodeKeys } from '../code/derive.ts'
import { fingerprint } from '../identity/fingerprint.ts'
import { osLabel } from '../identity/identity.ts'
import { arrivalPath } from '../node/address-class.ts'
import { advertisementKey, createAdvertisement, EXPIRED_AD_GRACE_MS } from '../node/advertisement.ts'
import type { AdvertisementServer } from '../node/advertisement-server.ts'
import { codeRendezvousCid } from '../node/public-network.ts'
import { codeKeyFromSeed } from '../code/code-key.ts'
import { PAIR_PROTOCOL } from '../node/join-race.ts'
import { publishWhileWaiting } from '../node/publisher.ts'
import { hostOf, type ConnectionGuard } from '../node/connection-guard.ts'
import { streamDuplex } from '../node/stream-duplex.ts'
import { InitiatorSession } from '../protocol/initiator.ts'
import { PairingResponder } from '../protocol/responder.ts'
import { commitPairing, type PairingComponents } from './pairing-components.ts'
import type { CodeAlarms } from './code-alarms.ts'
import type { EventInput } from '../registry/registry.ts'
import type { Reach } from './reachability.ts'

// The initiator's side: one code at a time, shown until a device pairs with
// it, it expires or it is cancelled (P5). While it waits, its advertisement
// is published to the DHT and the responder answers joiners' streams.

export interface PairingHostComponents extends PairingComponents {
  /** Code lifetime when the caller does not choose one. */
  defaultTtlMinutes: number | undefined
  /** How others can reach this device now. */
  reach(): Reach
  /** The node's share of connections for strangers; its evictions count as refused. */
  guard?: ConnectionGuard
  /** How long the person has to Allow or Deny a joiner, when the session asks. */
  approvalMs: number
  /** Where a used code's other claimants are reported. */
  alarms: Pick<CodeAlarms, 'seen'>
  /** The public network's DHT while the person's switch is on (public-network.ts). */
  publicDht(): KadDHT | undefined
  /** Hands our advertisement to joiners who found us on the public network. */
  adServer?: AdvertisementServer
}

interface ActiveSession {
  id: string
  session: InitiatorSession
  words: string[]
  link: string
  ttlMs: number
  joiner: { peerId: string; name?: string } | null
  advertisedTo: number
  stopPublishing: AbortController
  /** Strangers turned away before this session began: the view counts only this session's. */
  refusedBefore: number
  approve: boolean
  approval: PendingApproval | null
  declined: DeclinedJoiner | null
}

const MAX_PAIR_STREAMS = 8
/** How often a waiting session re-checks the refused count, so a flood is shown without an event per refusal. */
const CROWD_CHECK_MS = 1_000
/** Room for addresses in the sealed advertisement body (~760 bytes of JSON with the name and OS). */
const AD_ADDRESS_BYTES = 600
/** Longest the first publish waits for a relay reservation. */
const RELAY_WAIT_MS = 3_000
/**
 * Used codes still watched for other claimants after the person moved on to a new code (each until
 * its TTL and grace period end): a bound on what a person clicking "New code" repeatedly leaves behind.
 */
const MAX_WATCHED_SESSIONS = 4

export class PairingHost implements Startable {
  readonly #c: PairingHostComponents
  readonly #responder = new PairingResponder()
  #active: ActiveSession | null = null
  /** Used codes the person moved on from, still answering (and watched for the alarm) until retired. */
  readonly #watched: InitiatorSession[] = []
  #stopped = false

  constructor(components: PairingHostComponents) {
    this.#c = components
  }

  async start(): Promise<void> {
    await this.#c.node.handle(
      PAIR_PROTOCOL,
      async (stream, connection) => {
        const verdict = await this.#responder.handleStream(
          streamDuplex(stream),
          connection.remotePeer.toString(),
          hostOf(connection.remoteAddr),
          arrivalPath(connection.remoteAddr)
        )
        // Enough of these from one address and its connections are refused before Noise (host-strikes.ts).
        if (verdict === 'hostile') this.#c.guard?.strike(connection)
      },
      { maxInboundStreams: MAX_PAIR_STREAMS, runOnLimitedConnection: true }
    )
  }

  stop(): void {
    this.#stopped = true
    this.#end()
  }

  /** A code is shown and no device has finished pairing with it yet. */
  get pairing(): boolean {
    const state = this.#active?.session.state
    return state === 'waiting' || state === 'approving' || state === 'committing'
  }

  /** Our session verified this joiner and waits for its Ack. */
  awaitingAckFrom(peerId: string): boolean {
    return this.#active?.session.state === 'committing' && this.#active.joiner?.peerId === peerId
  }

  /** The peer is in a pairing exchange past its Hello: the connection guard spares it. */
  inExchange(peerId: string): boolean {
    return this.#responder.progressOf(peerId) === 2
  }

  /** Streams and connections turned away since start (responder and connection guard together). */
  #turnedAway(): number {
    return this.#responder.turnedAway + (this.#c.guard?.turnedAway ?? 0)
  }

  view(): PairingSessionView | null {
    const a = this.#active
    if (a === null) return null
    return {
      sessionId: a.id,
      words: a.words,
      link: a.link,
      expiresAt: a.session.expiresAt,
      ttlMs: a.ttlMs,
      state: a.session.state,
      failedAttempts: a.session.failedAttempts,
      blockedPeers: a.session.blockedPeers,
      burnt: a.session.burnt,
      refused: this.#turnedAway() - a.refusedBefore,
      joiner: a.joiner,
      advertisedTo: a.advertisedTo,
      reach: this.#c.reach(),
      approve: a.approve,
      approval: a.approval,
      declined: a.declined
    }
  }

  cancel(): boolean {
    return this.#active?.session.cancel() ?? false
  }

  /** The person's Allow or Deny for the device the current session asks about. */
  answerApproval(peerId: string, allow: boolean): boolean {
    return this.#active?.session.answerApproval(peerId, allow) ?? false
  }

  begin(ttlMinutes: number | undefined, approve = false): PairingSessionView {
    this.#end()
    const minutes = ttlMinutes ?? this.#c.defaultTtlMinutes
    const ttlMs = minutes === undefined ? CODE_TTL_DEFAULT_MS : minutes * MINUTE_MS
    const { words, entropy } = generateCode()
    const keys = deriveCodeKeys(entropy)
    const { trust, contacts } = this.#c
    const session = new InitiatorSession({
      entropy,
      keys,
      ttlMs,
      identity: this.#c.identity,
      device: () => this.#c.local.info(),
      ...(approve ? { approvalMs: this.#c.approvalMs } : {}),
      hooks: {
        persistPending: async (outcome) => {
          const { remotePeerId, remoteDevice } = outcome
          await commitPairing(this.#c, outcome, 'pending-confirmation')
          // Named before the session reports "paired", so every view of it can say with whom.
          if (this.#active?.session === session) this.#active.joiner = { peerId: remotePeerId, name: remoteDevice.name }
        },
        confirm: async (outcome) => {
          contacts.setOnline(outcome.remotePeerId)
          trust.confirm(outcome.remotePeerId)
        }
      }
    })
    entropy.fill(0)
    const active: ActiveSession = {
      id: randomBytes(8).toString('hex'),
      session,
      words,
      link: toLink(words),
      ttlMs,
      joiner: null,
      advertisedTo: 0,
      stopPublishing: new AbortController(),
      refusedBefore: this.#turnedAway(),
      approve,
      approval: null,
      declined: null
    }
    // While the words are read out: the commits' statements compiled now, not inside the exchange.
    // First, so a registry that cannot do it fails the start before any session exists.
    this.#c.registry.preparePairing()
    this.#active = active
    this.#responder.add(session)
    this.#c.registry.logEvent('session-started', { details: { ttlMs } })
    this.#follow(active)
    void this.#publish(active, keys)
    const view = this.view()!
    this.#c.events.emit('session', view)
    return view
  }

  /**
   * Published even with no DHT peer yet: the publisher retries with backoff,
   * and a joiner that bootstraps from this very device brings the first peer.
   * With relays to use, the first announcement waits (briefly, the words
   * already show) for a reservation, so the record says how to reach us
   * across NATs; whenever our addresses change, it is published again. On the
   * public network the code's rendezvous CID is provided instead (public
   * DHT servers keep no records of ours), and the record itself is handed to
   * joiners who ask for it by key (advertisement-server.ts).
   */
  async #publish(active: ActiveSession, keys: CodeKeys): Promise<void> {
    const { node, adServer } = this.#c
    const { session, stopPublishing } = active
    const signal = stopPublishing.signal
    // Decided when the code is shown: switched on later, the public network serves the next code; switched
    // off, its DHT stops, and so do this code's provides.
    const publicDht = this.#c.publicDht()
    await node.services.reservations?.whenHeld(RELAY_WAIT_MS, signal)
    let published = ''
    const record = async (): Promise<{ key: Uint8Array; value: Uint8Array }> => {
      const addrs = this.#c.local.addresses(AD_ADDRESS_BYTES)
      published = JSON.stringify(addrs)
      const made = await createAdvertisement({
        keys,
        peerId: this.#c.identity.peerId,
        privateKey: this.#c.identity.privateKey,
        expiresAt: session.expiresAt,
        body: { addrs, name: this.#c.local.view().name, os: osLabel() }
      })
      if (publicDht !== undefined) adServer?.offer(made.key, made.value)
      return made
    }
    const nudges = {
      subscribe: (listener: () => void) => {
        const onUpdate = (): void => {
          if (JSON.stringify(this.#c.local.addresses(AD_ADDRESS_BYTES)) !== published) listener()
        }
        node.addEventListener('self:peer:update', onUpdate)
        return () => node.removeEventListener('self:peer:update', onUpdate)
      }
    }
    const onStored = (peers: number): void => {
      active.advertisedTo = Math.max(active.advertisedTo, peers)
      this.#emit()
    }
    const cid = codeRendezvousCid(codeKeyFromSeed(keys.adSeed).publicKey)
    signal.addEventListener('abort', () => this.#withdraw(active, advertisementKey(keys), cid), { once: true })
    await Promise.all([
      publishWhileWaiting({
        announce: async (s) => {
          const { key, value } = await record()
          return node.services.dht.put(key, value, { signal: s })
        },
        acknowledged: 'PUT_VALUE',
        signal,
        nudges,
        onStored
      }),
      publicDht === undefined
        ? undefined
        : publishWhileWaiting({
            announce: async (s) => {
              // The record first: a joiner who finds us asks for it at once.
              await record()
              return publicDht.provide(cid, { signal: s })
            },
            acknowledged: 'ADD_PROVIDER',
            signal,
            nudges,
            onStored,
            // A provider record outlives any code (24-48 h): announced again only when our addresses change.
            republishMs: CODE_TTL_MAX_MS
          })
    ])
  }

  /**
   * After the session: the record stays on offer through the expired-code
   * grace window (a late joiner hears "expired", not "nobody waits"), and the
   * provider record is no longer renewed by kad-dht's reprovider.
   */
  #withdraw(active: ActiveSession, key: Uint8Array, cid: ReturnType<typeof codeRendezvousCid>): void {
    const { adServer, node } = this.#c
    void node.services.publicDht?.cancelReprovide(cid).catch(() => undefined)
    if (adServer === undefined) return
    if (active.session.state !== 'expired') return adServer.withdraw(key)
    setTimeout(() => adServer.withdraw(key), EXPIRED_AD_GRACE_MS).unref()
  }

  #follow(active: ActiveSession): void {
    const { session } = active
    const { registry, events, contacts } = this.#c
    session.events.on('verifying', ({ peerId }) => {
      active.joiner = { peerId }
      this.#emit()
    })
    session.events.on('attempt-failed', (e) => {
      events.emit('attempt-failed', { failedAttempts: e.sessionFailures, blocked: e.blocked })
      this.#emit()
    })
    session.events.on('burnt', ({ sessionFailures }) => {
      registry.logEvent('code-burnt', { details: { count: sessionFailures } })
    })
    session.events.on('approval', ({ peerId, device, check, deadline }) => {
      const { name, os } = device
      active.joiner = { peerId, name }
      active.approval = { peerId, name, os, fingerprint: fingerprint(peerId), check, deadline }
      this.#emit()
    })
    session.events.on('approval-ended', ({ peerId, decision }) => {
      const name = active.approval?.name ?? ''
      active.approval = null
      if (decision === 'deny' || decision === 'timed-out' || decision === 'withdrawn') {
        active.declined = { peerId, name, reason: decision === 'deny' ? 'denied' : decision, at: Date.now() }
        active.joiner = null
        registry.logEvent('join-declined', { peerId, reason: active.declined.reason })
      }
      this.#emit()
    })
    session.events.on('overheard', (claim) => {
      const partner = session.outcome?.remotePeerId
      if (partner !== undefined) this.#c.alarms.seen(partner, claim)
    })
    // A flood is shown as a count that changes at most once a second, not an event per refusal.
    let refusedShown = 0
    const crowdCheck = setInterval(() => {
      const refused = this.#turnedAway() - active.refusedBefore
      if (refused !== refusedShown) {
        refusedShown = refused
        this.#emit()
      }
    }, CROWD_CHECK_MS)
    crowdCheck.unref()
    active.stopPublishing.signal.addEventListener('abort', () => clearInterval(crowdCheck), { once: true })
    session.events.on('paired', ({ outcome }) => {
      active.joiner = { peerId: outcome.remotePeerId, name: outcome.remoteDevice.name }
    })
    // A relay reservation arriving (or lost) changes what the person is told about reachability.
    const onAddresses = (): void => this.#emit()
    this.#c.node.addEventListener('self:peer:update', onAddresses)
    active.stopPublishing.signal.addEventListener(
      'abort',
      () => this.#c.node.removeEventListener('self:peer:update', onAddresses),
      { once: true }
    )
    session.events.on('state', ({ state }) => {
      if (this.#stopped) return
      if (state !== 'waiting' && state !== 'committing') {
        // Shown first: the pairing itself is already stored. What follows (withdrawing the advertisement,
        // the deferred identify, the audit rows) is bookkeeping nobody waits for.
        this.#emit()
        this.#c.onIdle()
        active.stopPublishing.abort()
        const refused = this.#turnedAway() - active.refusedBefore
        const rows: Array<{ kind: string; input?: EventInput }> = []
        if (state === 'expired') rows.push({ kind: 'code-expired' })
        if (session.failedAttempts > 0)
          rows.push({ kind: 'failed-proofs', input: { details: { count: session.failedAttempts } } })
        if (session.blockedPeers > 0)
          rows.push({ kind: 'peers-blocked', input: { details: { count: session.blockedPeers } } })
        if (refused > 0) rows.push({ kind: 'strangers-refused', input: { details: { count: refused } } })
        rows.push({ kind: 'session-ended', input: { reason: state } })
        // One transaction: a session's end costs one fsync, not one per row.
        registry.logEvents(rows)
        // A pairing left unconfirmed is settled by a presence check once the dust settles (P7).
        if (state === 'unconfirmed' && active.joiner !== null) contacts.schedule(active.joiner.peerId, 1_000)
        return
      }
      this.#emit()
    })
  }

  #emit(): void {
    if (!this.#stopped) this.#c.events.emit('session', this.view())
  }

  #end(): void {
    const old = this.#active
    if (old === null) return
    old.stopPublishing.abort()
    old.session.cancel()
    this.#active = null
    if (this.#stopped || !old.session.watching) {
      this.#responder.remove(old.session)
      return
    }
    // A used code still answers, and raises the alarm, until its TTL and grace period are over.
    this.#watched.push(old.session)
    old.session.events.on('retired', () => {
      this.#responder.remove(old.session)
      const at = this.#watched.indexOf(old.session)
      if (at >= 0) this.#watched.splice(at, 1)
    })
    while (this.#watched.length > MAX_WATCHED_SESSIONS) this.#watched[0]!.retire()
  }
}
