import type { Connection, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { randomBytes } from 'node:crypto'
import type { z } from 'zod'
import { METHODS, type DeviceView, type EventName, type EventPayload, type MethodName, type MethodParams, type MethodResult, type PairingSessionView, type ServiceState } from '../../../shared/api.ts'
import { generateCode, parseCodeOrThrow, toLink } from '../../../shared/code/index.ts'
import type { DeviceInfo } from '../../../shared/device.ts'
import { Emitter } from '../../../shared/emitter.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { CODE_TTL_DEFAULT_MS, MINUTE_MS } from '../../../shared/limits.ts'
import { APP_VERSION } from '../../../shared/version.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { defaultDeviceName, loadOrCreateIdentity, osLabel } from '../identity/identity.ts'
import type { SecretStore } from '../identity/secret-store.ts'
import { createAdvertisement } from '../node/advertisement.ts'
import { PAIR_PROTOCOL, raceJoin, type Candidate } from '../node/join-race.ts'
import { createNode, DEFAULT_NETWORK, MDNS_SERVICE_TAG, type PairwiseLibp2p, type PeerPolicy } from '../node/libp2p-node.ts'
import { publishWhileWaiting } from '../node/publisher.ts'
import { SqliteDatastore } from '../node/sqlite-datastore.ts'
import { streamDuplex } from '../node/stream-duplex.ts'
import { FramedChannel } from '../protocol/framing.ts'
import { InitiatorSession } from '../protocol/initiator.ts'
import { PairingResponder } from '../protocol/responder.ts'
import type { LocalIdentity, PairingOutcome } from '../protocol/types.ts'
import { Registry } from '../registry/registry.ts'
import type { DeviceRecord } from '../registry/types.ts'
import { PRESENCE_PROTOCOL, REVOKE_PROTOCOL } from '../trust/messages.ts'
import { checkPresence, servePresence } from '../trust/presence.ts'
import { sendRevocation, serveRevocation } from '../trust/revocation.ts'
import type { TrustChange, TrustContext } from '../trust/trust-context.ts'
import { acquireDataDirLock, dataFiles } from './data-dir.ts'
import type { NetworkOptions, PairingService, ServiceOptions } from './types.ts'
import { deviceView, metricsFrom, thisDeviceView } from './views.ts'

interface Timing {
  /** Between reconnection rounds for paired devices and undelivered revocations. */
  reconnectMs: number
  /** Whole join across all discovery paths. */
  joinTimeoutMs: number
  /** How long LAN answers are awaited after the mDNS query. */
  lanWaitMs: number
  /** How long the DHT is asked again while no record for the code is found (the initiator may still be publishing). */
  dhtPatienceMs: number
}

const DEFAULT_TIMING: Timing = { reconnectMs: 30_000, joinTimeoutMs: 30_000, lanWaitMs: 3_000, dhtPatienceMs: 10_000 }

interface ActiveSession {
  id: string
  session: InitiatorSession
  words: string[]
  link: string
  ttlMs: number
  joiner: { peerId: string; name?: string } | null
  advertisedTo: number
  stopPublishing: AbortController
}

type Events = { [E in EventName]: EventPayload<E> }

export async function createPairingService(options: ServiceOptions & { timing?: Partial<Timing> }): Promise<PairingService> {
  const lock = acquireDataDirLock(options.dataDir)
  try {
    return await Service.start(options, lock)
  } catch (err) {
    lock.release()
    throw err
  }
}

class Service implements PairingService, TrustContext, PeerPolicy {
  readonly registry: Registry
  readonly #store: SecretStore
  readonly #identity: LocalIdentity
  readonly #network: NetworkOptions
  readonly #timing: Timing
  readonly #appVersion: string
  readonly #faults: NonNullable<ServiceOptions['faults']>
  readonly #codeTtlMinutes: number | undefined
  readonly #lock: { release(): void }
  readonly #datastore: SqliteDatastore
  readonly #events = new Emitter<Events>()
  readonly #responder = new PairingResponder()
  readonly #online = new Set<string>()
  readonly #lanPeers = new Map<string, Candidate>()
  readonly #lanListeners = new Set<(c: Candidate) => void>()
  readonly #contactsInFlight = new Set<string>()
  #refused = new Set<string>()
  #outbox = new Set<string>()
  #node!: PairwiseLibp2p
  #active: ActiveSession | null = null
  #join: AbortController | null = null
  #reconnectTimer: NodeJS.Timeout | undefined
  #stopped = false
  readonly #pendingIdentify = new Set<() => void>()

  private constructor(options: ServiceOptions & { timing?: Partial<Timing> }, identity: LocalIdentity, registry: Registry, lock: { release(): void }) {
    this.#store = options.secretStore
    this.#identity = identity
    this.registry = registry
    this.#lock = lock
    this.#network = { ...DEFAULT_NETWORK, ...options.network }
    this.#timing = { ...DEFAULT_TIMING, ...options.timing }
    this.#appVersion = options.appVersion ?? APP_VERSION
    this.#faults = options.faults ?? {}
    this.#codeTtlMinutes = options.codeTtlMinutes
    this.#datastore = new SqliteDatastore(dataFiles(options.dataDir).peerStore)
  }

  static async start(options: ServiceOptions & { timing?: Partial<Timing> }, lock: { release(): void }): Promise<Service> {
    const identity = await loadOrCreateIdentity(options.dataDir, options.secretStore)
    const registry = Registry.open(dataFiles(options.dataDir).registry)
    const existing = registry.getThisDevice()
    const name = options.deviceName ?? (existing?.peerId === identity.peerId ? existing.name : defaultDeviceName())
    if (existing === null || existing.peerId !== identity.peerId || existing.name !== name) registry.setThisDevice({ peerId: identity.peerId, name, os: osLabel() })
    const service = new Service(options, identity, registry, lock)
    try {
      await service.#startNode()
    } catch (err) {
      registry.close()
      service.#datastore.close()
      throw err
    }
    return service
  }

  // ---- lifecycle -------------------------------------------------------

  async #startNode(): Promise<void> {
    this.#refreshPolicy()
    this.#node = await createNode({ privateKey: this.#identity.privateKey, network: this.#network, policy: this, datastore: this.#datastore, identifyOnOpen: false })
    const node = this.#node
    await node.handle(PAIR_PROTOCOL, (stream, connection) => this.#responder.handleStream(streamDuplex(stream), connection.remotePeer.toString()), { maxInboundStreams: 8 })
    await node.handle(PRESENCE_PROTOCOL, async (stream, connection) => {
      const peer = connection.remotePeer.toString()
      const result = await servePresence(this, new FramedChannel(streamDuplex(stream)), peer).catch(() => 'failed' as const)
      if (result === 'online' || result === 'confirmed') this.#markOnline(peer)
      await this.#hangUpIfRefused(peer)
    }, { maxInboundStreams: 4 })
    await node.handle(REVOKE_PROTOCOL, async (stream, connection) => {
      const peer = connection.remotePeer.toString()
      await serveRevocation(this, new FramedChannel(streamDuplex(stream)), peer).catch(() => stream.abort(new Error('revocation failed')))
      await this.#hangUpIfRefused(peer)
    }, { maxInboundStreams: 4 })

    node.addEventListener('connection:open', (event) => this.#identifySoon(event.detail))
    node.addEventListener('peer:connect', (event) => this.#scheduleContact(event.detail.toString()))
    node.addEventListener('peer:disconnect', (event) => {
      if (this.#online.delete(event.detail.toString())) this.#emitDevices()
    })
    const mdnsService = (node.services as { mdns?: EventTarget }).mdns
    mdnsService?.addEventListener('peer', (event) => {
      const detail = (event as CustomEvent<{ id: PeerId; multiaddrs: Array<{ toString(): string }> }>).detail
      const candidate: Candidate = { peerId: detail.id.toString(), addrs: detail.multiaddrs.map(String).slice(0, 16), path: 'lan' }
      if (candidate.peerId === this.peerId) return
      this.#lanPeers.set(candidate.peerId, candidate)
      if (this.#lanPeers.size > 256) this.#lanPeers.delete(this.#lanPeers.keys().next().value!)
      for (const listener of this.#lanListeners) listener(candidate)
      this.#scheduleContact(candidate.peerId)
    })

    // Known devices' addresses go back into the peer store so we can dial them right away.
    for (const record of this.registry.listDevices({ includeRevoked: true })) await this.#rememberAddresses(record.peerId, record.addresses)
    for (const address of this.#network.bootstrap) {
      void node.dial(multiaddr(address), { signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
    }
    this.#reconnectTimer = setInterval(() => this.#reconnectRound(), this.#timing.reconnectMs)
    setTimeout(() => this.#reconnectRound(), 250).unref()
  }

  /** The libp2p node, for tests and benchmarks that probe the network layer directly. */
  get node(): PairwiseLibp2p {
    return this.#node
  }

  get peerId(): string {
    return this.#identity.peerId
  }

  get privateKey() {
    return this.#identity.privateKey
  }

  get localPeerId(): string {
    return this.#identity.peerId
  }

  multiaddrs(): string[] {
    return this.#node.getMultiaddrs().map(String)
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    clearInterval(this.#reconnectTimer)
    this.#join?.abort()
    if (this.#active !== null) {
      this.#active.stopPublishing.abort()
      this.#active.session.cancel()
    }
    await this.#node.stop()
    this.registry.close()
    this.#datastore.close()
    this.#lock.release()
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.#events.on(event, listener)
  }

  // ---- API ---------------------------------------------------------------

  async getState(params: MethodParams<'getState'> = {}): Promise<ServiceState> {
    parseParams('getState', params)
    return { thisDevice: this.#thisDevice(), session: this.#sessionView(), devices: this.#devices(true) }
  }

  async startPairing(params: MethodParams<'startPairing'> = {}): Promise<PairingSessionView> {
    const { ttlMinutes } = parseParams('startPairing', params)
    this.#endActiveSession()
    const minutes = ttlMinutes ?? this.#codeTtlMinutes
    const ttlMs = minutes === undefined ? CODE_TTL_DEFAULT_MS : minutes * MINUTE_MS
    const { words, entropy } = generateCode()
    const session = new InitiatorSession({
      entropy,
      ttlMs,
      identity: this.#identity,
      device: this.#deviceInfo(),
      hooks: {
        persistPending: async (outcome) => {
          await this.#commit(outcome, 'pending-confirmation')
          // Named before the session reports "paired", so every view of it can say with whom.
          if (this.#active?.session === session) this.#active.joiner = { peerId: outcome.remotePeerId, name: outcome.remoteDevice.name }
        },
        confirm: async (outcome) => {
          this.registry.confirmPairing(outcome.remotePeerId)
          this.#markOnline(outcome.remotePeerId)
          this.#announcePaired(outcome.remotePeerId)
        }
      }
    })
    const active: ActiveSession = { id: randomBytes(8).toString('hex'), session, words, link: toLink(words), ttlMs, joiner: null, advertisedTo: 0, stopPublishing: new AbortController() }
    this.#active = active
    this.#responder.add(session)
    this.registry.logEvent('session-started', { details: { ttlMs } })
    this.#refreshPolicy()

    session.events.on('verifying', ({ peerId }) => {
      active.joiner = { peerId }
      this.#emitSession()
    })
    session.events.on('attempt-failed', (e) => {
      this.#events.emit('attempt-failed', { failedAttempts: e.sessionFailures, blocked: e.blocked })
      this.#emitSession()
    })
    session.events.on('paired', ({ outcome }) => {
      active.joiner = { peerId: outcome.remotePeerId, name: outcome.remoteDevice.name }
    })
    session.events.on('state', ({ state }) => {
      if (this.#stopped) return
      if (state !== 'waiting' && state !== 'committing') {
        setImmediate(() => this.#flushIdentify())
        active.stopPublishing.abort()
        if (state === 'expired') this.registry.logEvent('code-expired')
        if (session.failedAttempts > 0) this.registry.logEvent('failed-proofs', { details: { count: session.failedAttempts } })
        this.registry.logEvent('session-ended', { reason: state })
        this.#refreshPolicy()
        // A pairing left unconfirmed is settled by a presence check once the dust settles (P7).
        if (state === 'unconfirmed' && active.joiner !== null) this.#scheduleContact(active.joiner.peerId, 1_000)
      }
      this.#emitSession()
    })

    // Published even with no DHT peer yet: the publisher retries with backoff,
    // and a joiner that bootstraps from this very device brings the first peer.
    {
      const keys = deriveCodeKeys(entropy)
      void publishWhileWaiting({
        dht: this.#node.services.dht,
        signal: active.stopPublishing.signal,
        record: () => createAdvertisement({
          keys,
          peerId: this.peerId,
          privateKey: this.#identity.privateKey,
          expiresAt: session.expiresAt,
          body: { addrs: this.#localAddresses(), name: this.#thisDevice().name, os: osLabel() }
        }),
        onStored: (peers) => {
          active.advertisedTo = Math.max(active.advertisedTo, peers)
          this.#emitSession()
        }
      })
    }
    entropy.fill(0)
    const view = this.#sessionView()!
    this.#events.emit('session', view)
    return view
  }

  async cancelPairing(params: MethodParams<'cancelPairing'> = {}): Promise<{ cancelled: boolean }> {
    parseParams('cancelPairing', params)
    const cancelled = this.#active?.session.cancel() ?? false
    return { cancelled }
  }

  async join(params: MethodParams<'join'>): Promise<DeviceView> {
    const { code, joinId: givenId } = parseParams('join', params)
    const { entropy } = parseCodeOrThrow(code)
    if (this.#join !== null) throw new PairwiseError('busy', 'Already joining with another code.', { hint: 'Wait for it to finish or cancel it first.' })
    const joinId = givenId ?? randomBytes(6).toString('hex')
    const abort = new AbortController()
    this.#join = abort
    this.#refreshPolicy()
    const progress = (update: { step: EventPayload<'join-progress'>['step']; path?: EventPayload<'join-progress'>['path']; message: string }): void =>
      this.#events.emit('join-progress', { joinId, at: Date.now(), ...update })
    try {
      const outcome = await raceJoin({
        node: this.#node,
        entropy,
        identity: this.#identity,
        device: this.#deviceInfo(),
        commit: (o) => this.#commit(o, 'paired'),
        progress,
        signal: abort.signal,
        timeoutMs: this.#timing.joinTimeoutMs,
        lanWaitMs: this.#timing.lanWaitMs,
        dhtPatienceMs: this.#timing.dhtPatienceMs,
        useDht: this.#dhtUsable(),
        loseAckAfterCommit: this.#faults.loseAck === true,
        stored: () => this.#storedCandidates(),
        ...(this.#network.mdns ? { lan: this.#lanDiscovery() } : {})
      })
      progress({ step: 'paired', message: `Paired with ${outcome.remoteDevice.name}` })
      this.#announcePaired(outcome.remotePeerId)
      this.#markOnline(outcome.remotePeerId)
      return this.#deviceView(outcome.remotePeerId)
    } catch (err) {
      const error = err instanceof PairwiseError ? err : new PairwiseError('internal', 'Joining failed unexpectedly.', { cause: err })
      this.registry.logEvent('join-failed', { reason: error.code })
      progress({ step: 'failed', message: error.message })
      throw error
    } finally {
      entropy.fill(0)
      this.#join = null
      setImmediate(() => this.#flushIdentify())
      this.#refreshPolicy()
    }
  }

  async cancelJoin(params: MethodParams<'cancelJoin'> = {}): Promise<{ cancelled: boolean }> {
    parseParams('cancelJoin', params)
    if (this.#join === null) return { cancelled: false }
    this.#join.abort()
    return { cancelled: true }
  }

  async listDevices(params: MethodParams<'listDevices'> = {}): Promise<DeviceView[]> {
    const { includeRevoked } = parseParams('listDevices', params)
    return this.#devices(includeRevoked ?? true)
  }

  async revokeDevice(params: MethodParams<'revokeDevice'>): Promise<DeviceView> {
    const { peerId } = parseParams('revokeDevice', params)
    this.registry.revoke(peerId)
    this.#refreshPolicy()
    this.#online.delete(peerId)
    await this.#node.hangUp(peerIdFromString(peerId)).catch(() => undefined)
    this.#emitDevices()
    void this.#deliverRevocation(peerId)
    return this.#deviceView(peerId)
  }

  async renameDevice(params: MethodParams<'renameDevice'>): Promise<MethodResult<'renameDevice'>> {
    const { name } = parseParams('renameDevice', params)
    this.registry.setThisDevice({ peerId: this.peerId, name, os: osLabel() })
    return this.#thisDevice()
  }

  async getMetrics(params: MethodParams<'getMetrics'> = {}): Promise<MethodResult<'getMetrics'>> {
    parseParams('getMetrics', params)
    return metricsFrom(this.registry)
  }

  // ---- TrustContext / PeerPolicy -----------------------------------------

  async openPairKey(record: DeviceRecord): Promise<Uint8Array> {
    return this.#store.open(record.pairKeySealed)
  }

  localAddresses(): string[] {
    return this.#localAddresses()
  }

  trustChanged(peerId: string, change: TrustChange): void {
    this.#refreshPolicy()
    if (change === 'removed-by-peer') {
      this.#online.delete(peerId)
      this.#events.emit('removed-by-peer', this.#deviceView(peerId))
    }
    if (change === 'confirmed') this.#announcePaired(peerId)
    if (change === 'presence' || change === 'confirmed') this.#markOnline(peerId)
    this.#emitDevices()
  }

  /**
   * Revoked peers are refused at the connection level, except while a
   * revocation notice still has to reach them, and while we are pairing:
   * a revoked device may pair again with a fresh code (the pairing protocol
   * authenticates on its own; paired-only protocols check the registry).
   */
  isRefused(peerId: string): boolean {
    if (!this.#refused.has(peerId) || this.#outbox.has(peerId)) return false
    const pairing = this.#join !== null || this.#active?.session.state === 'waiting' || this.#active?.session.state === 'committing'
    return !pairing
  }

  // ---- internals -----------------------------------------------------------

  async #commit(outcome: PairingOutcome, status: 'paired' | 'pending-confirmation'): Promise<void> {
    const sealed = await this.#store.seal(outcome.pairKey)
    outcome.pairKey.fill(0)
    this.registry.recordPairing({
      peerId: outcome.remotePeerId,
      name: outcome.remoteDevice.name,
      os: outcome.remoteDevice.os,
      appVersion: outcome.remoteDevice.appVersion,
      addresses: outcome.remoteDevice.addresses,
      pairKeySealed: sealed,
      status
    })
    this.#refreshPolicy()
    await this.#rememberAddresses(outcome.remotePeerId, outcome.remoteDevice.addresses)
    this.#emitDevices()
  }

  #announcePaired(peerId: string): void {
    this.#events.emit('paired', this.#deviceView(peerId))
    this.#emitDevices()
  }

  #refreshPolicy(): void {
    this.#refused = new Set(this.registry.revokedPeerIds())
    this.#outbox = new Set(this.registry.pendingRevocations().map((p) => p.peerId))
  }

  #scheduleContact(peerId: string, delayMs = 0): void {
    if (this.#stopped) return
    // Strangers cost nothing here: only peers we hold a record for get a presence check.
    let known: boolean
    try {
      known = this.registry.getDevice(peerId) !== null
    } catch {
      return
    }
    if (!known) return
    const t = setTimeout(() => void this.#contact(peerId), delayMs)
    t.unref()
  }

  /** Presence check with a known device, or delivery of our revocation notice to it. */
  async #contact(peerId: string): Promise<void> {
    if (this.#stopped || this.#contactsInFlight.has(peerId)) return
    let record: DeviceRecord | null
    try {
      record = this.registry.getDevice(peerId)
    } catch {
      return
    }
    if (record === null) return
    if (this.#outbox.has(peerId)) return this.#deliverRevocation(peerId)
    if (record.status !== 'paired' && record.status !== 'pending-confirmation') return
    // While our own session is still waiting for this joiner's Ack, silence is not disagreement.
    if (this.#active?.session.state === 'committing' && this.#active.joiner?.peerId === peerId) return
    this.#contactsInFlight.add(peerId)
    try {
      const stream = await this.#node.dialProtocol(peerIdFromString(peerId), PRESENCE_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
      const result = await checkPresence(this, new FramedChannel(streamDuplex(stream)), record)
      if (result === 'online' || result === 'confirmed') this.#markOnline(peerId)
      await this.#hangUpIfRefused(peerId)
    } catch {
      // Unreachable now; the next round or the next connection tries again.
    } finally {
      this.#contactsInFlight.delete(peerId)
    }
  }

  async #deliverRevocation(peerId: string): Promise<void> {
    if (this.#contactsInFlight.has(peerId)) return
    const record = this.registry.getDevice(peerId)
    if (record === null || record.status !== 'revoked' || !this.#outbox.has(peerId)) return
    this.#contactsInFlight.add(peerId)
    try {
      this.registry.recordRevocationAttempt(peerId)
      const stream = await this.#node.dialProtocol(peerIdFromString(peerId), REVOKE_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
      await sendRevocation(this, new FramedChannel(streamDuplex(stream)), record)
      await this.#hangUpIfRefused(peerId)
    } catch {
      // Kept in the outbox: retried every round and at the next contact (P9).
    } finally {
      this.#contactsInFlight.delete(peerId)
    }
  }

  #reconnectRound(): void {
    try {
      this.#reconnectOnce()
    } catch {
      // A storage hiccup must not end the daemon; the next round tries again.
    }
  }

  #reconnectOnce(): void {
    if (this.#stopped) return
    const connected = new Set(this.#node.getPeers().map(String))
    for (const record of this.registry.listDevices({ includeRevoked: true })) {
      const wanted = record.status === 'paired' || record.status === 'pending-confirmation' || this.#outbox.has(record.peerId)
      if (!wanted) continue
      if (connected.has(record.peerId)) {
        // Already connected: a pending pairing or an undelivered notice still needs its exchange.
        if (record.status === 'pending-confirmation' || this.#outbox.has(record.peerId) || !this.#online.has(record.peerId)) void this.#contact(record.peerId)
        continue
      }
      void this.#node.dial(peerIdFromString(record.peerId), { signal: AbortSignal.timeout(5_000) }).catch(async () => {
        // Not at a stored address: ask the DHT where it is now.
        if (!this.#dhtUsable() || this.#stopped) return
        try {
          const info = await this.#node.peerRouting.findPeer(peerIdFromString(record.peerId), { signal: AbortSignal.timeout(5_000) })
          if (info.multiaddrs.length > 0) await this.#node.dial(info.multiaddrs, { signal: AbortSignal.timeout(5_000) })
        } catch {
          // Offline; try again next round.
        }
      })
    }
  }

  /** Ends every connection to a peer we no longer trust, once the exchange that told us is over. */
  async #hangUpIfRefused(peerId: string): Promise<void> {
    if (!this.isRefused(peerId)) return
    this.#online.delete(peerId)
    await this.#node.hangUp(peerIdFromString(peerId)).catch(() => undefined)
  }

  /**
   * Identify — and the DHT routing-table add, ping and peer-store writes it
   * sets off — costs ~10 ms of CPU per side on a new connection; measured, it
   * was half of an in-process LAN pairing (32 -> 18 ms p50 without it). While
   * this device is pairing, a new connection's identify waits until the
   * pairing ends, at most 1 s. Bootstrap connections identify at once: a cold
   * DHT needs its routing table.
   */
  #identifySoon(connection: Connection): void {
    const run = (): void => {
      if (this.#stopped || connection.status !== 'open') return
      void (this.#node.services.identify as { identify(c: Connection): Promise<unknown> }).identify(connection).catch(() => undefined)
    }
    const remote = connection.remotePeer.toString()
    const bootstrap = this.#network.bootstrap.some((a) => a.endsWith(`/p2p/${remote}`))
    if (bootstrap || !this.#pairing()) return run()
    let done = false
    const once = (): void => {
      if (done) return
      done = true
      this.#pendingIdentify.delete(once)
      run()
    }
    this.#pendingIdentify.add(once)
    setTimeout(once, 1_000).unref()
  }

  #pairing(): boolean {
    const state = this.#active?.session.state
    return this.#join !== null || state === 'waiting' || state === 'committing'
  }

  #flushIdentify(): void {
    for (const run of [...this.#pendingIdentify]) run()
  }

  #markOnline(peerId: string): void {
    if (!this.#online.has(peerId)) {
      this.#online.add(peerId)
      this.#emitDevices()
    }
  }

  async #rememberAddresses(peerId: string, addresses: string[]): Promise<void> {
    const addrs = addresses.flatMap((a) => {
      try {
        const ma = multiaddr(a)
        return [ma]
      } catch {
        return []
      }
    })
    if (addrs.length === 0) return
    try {
      await this.#node.peerStore.merge(peerIdFromString(peerId), { multiaddrs: addrs })
    } catch {
      // A malformed stored address is not worth failing over.
    }
  }

  #dhtUsable(): boolean {
    return this.#network.bootstrap.length > 0 || this.#node.getPeers().length > 0
  }

  #lanDiscovery(): NonNullable<Parameters<typeof raceJoin>[0]['lan']> {
    return {
      query: () => {
        const mdns = (this.#node.services as { mdns?: { mdns?: { query(q: unknown): void } } }).mdns
        mdns?.mdns?.query({ questions: [{ name: MDNS_SERVICE_TAG, type: 'PTR' }] })
      },
      known: () => [...this.#lanPeers.values()],
      subscribe: (listener) => {
        this.#lanListeners.add(listener)
        return () => this.#lanListeners.delete(listener)
      }
    }
  }

  #storedCandidates(): Candidate[] {
    // Devices we have known: a re-pairing (e.g. after a revocation) finds its partner at once.
    return this.registry
      .listDevices({ includeRevoked: true })
      .slice(0, 32)
      .map((record) => ({ peerId: record.peerId, addrs: record.addresses, path: 'stored' as const }))
  }

  #localAddresses(): string[] {
    return this.#node
      .getMultiaddrs()
      .map((ma) => ma.toString())
      .filter((a) => this.#network.allowLoopback || !/\/ip4\/127\.|\/ip6\/::1\//.test(a))
      .slice(0, 16)
  }

  #deviceInfo(): DeviceInfo {
    return { name: this.#thisDevice().name, os: osLabel(), appVersion: this.#appVersion, addresses: this.#localAddresses() }
  }

  #thisDevice() {
    return thisDeviceView(this.registry, this.#store.protection, this.#localAddresses())
  }

  #deviceView(peerId: string): DeviceView {
    const record = this.registry.getDevice(peerId)
    if (record === null) throw new PairwiseError('not-found', 'No such device.', { hint: 'Refresh the device list.' })
    return deviceView(record, this.#online.has(peerId))
  }

  #devices(includeRevoked: boolean): DeviceView[] {
    return this.registry.listDevices({ includeRevoked }).map((r) => deviceView(r, this.#online.has(r.peerId)))
  }

  #emitDevices(): void {
    if (this.#stopped) return
    this.#events.emit('devices-changed', this.#devices(true))
  }

  #sessionView(): PairingSessionView | null {
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
      joiner: a.joiner,
      advertisedTo: a.advertisedTo
    }
  }

  #emitSession(): void {
    this.#events.emit('session', this.#sessionView())
  }

  #endActiveSession(): void {
    const old = this.#active
    if (old === null) return
    old.stopPublishing.abort()
    old.session.cancel()
    this.#responder.remove(old.session)
    this.#active = null
  }
}

function parseParams<M extends MethodName>(method: M, params: unknown): MethodResultParams<M> {
  const parsed = METHODS[method].params.safeParse(params ?? {})
  if (!parsed.success) {
    throw new PairwiseError('invalid-argument', `Invalid request to ${method}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'} ${i.message}`).join('; ')}`)
  }
  return parsed.data as MethodResultParams<M>
}

type MethodResultParams<M extends MethodName> = z.infer<(typeof METHODS)[M]['params']>
