import type { Startable } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type {
  DeviceView,
  EventName,
  EventPayload,
  MethodParams,
  MethodResult,
  ServiceState,
  StorageWarning
} from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import type { LocalIdentity } from '../identity/local-identity.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import { SqliteDatastore } from '../node/sqlite-datastore.ts'
import type { Registry } from '../registry/registry.ts'
import { TrustStore, type TrustChange } from '../trust/trust-store.ts'
import { PEER_STORE_WHAT } from '../node/peer-store-file.ts'
import { assertRoomToPair } from '../storage/free-space.ts'
import { storageFault } from '../storage/storage-fault.ts'
import { openDeviceFolder } from '../storage/device-folder.ts'
import { acquireDataDirLock, dataFiles } from './data-dir.ts'
import { ServiceEmitter } from './service-events.ts'
import { createParts, type Parts } from './parts.ts'
import type { PairingService, ServiceOptions } from './types.ts'
import { deviceView, metricsFrom } from './views.ts'
import { sleep } from '../util/sleep.ts'

// The engine's one PairingService: a thin facade that owns the lifecycle and
// wires the parts, each of which has one concern —
//   PairingHost   the code this device shows (initiator sessions, publishing)
//   Joining       entering another device's code (the discovery race)
//   Contacts      presence, revocation delivery, reconnecting, who is online
//   LanDiscovery  Pairwise devices mDNS has seen
//   IdentifyGate  keeps identify off a pairing's critical path
//   TrustStore    registry writes and their change notices, in one call
// Params are checked at the transport boundary (the one RPC dispatch); the
// methods here are typed, and the code itself is parsed where it is used.

/** How long a revoked device's connection may take to close gracefully before it is aborted. */
const REVOKE_CLOSE_MS = 500
/** How long the notice may use a connection we already have before it closes (P9: closed at once, or nearly). */
const REVOKE_NOTICE_MS = 1_000

const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)))

export async function createPairingService(options: ServiceOptions): Promise<PairingService> {
  const lock = acquireDataDirLock(options.dataDir)
  try {
    return await Service.start(options, lock)
  } catch (err) {
    lock.release()
    throw err
  }
}

class Service implements PairingService {
  readonly #identity: LocalIdentity
  readonly #registry: Registry
  readonly #trust: TrustStore
  readonly #datastore: SqliteDatastore
  readonly #lock: { release(): void }
  readonly warnings: readonly StorageWarning[]
  readonly #dataDir: string
  readonly #events = new ServiceEmitter()
  #parts!: Parts
  #devicesQueued = false
  #stopped = false

  private constructor(
    identity: LocalIdentity,
    registry: Registry,
    trust: TrustStore,
    datastore: SqliteDatastore,
    lock: { release(): void },
    warnings: readonly StorageWarning[],
    dataDir: string
  ) {
    this.warnings = warnings
    this.#dataDir = dataDir
    this.#identity = identity
    this.#registry = registry
    this.#trust = trust
    this.#datastore = datastore
    this.#lock = lock
  }

  static async start(options: ServiceOptions, lock: { release(): void }): Promise<Service> {
    const { dataDir } = options
    // Once this folder has held an identity and a registry, neither is ever recreated
    // silently (see storage/marker.ts): nothing starts, so no peer hears "unknown".
    const { identity, registry } = await openDeviceFolder(dataDir, options.secretStore, options.deviceName)
    const files = dataFiles(dataDir)
    const warnings: StorageWarning[] = []
    let datastore: SqliteDatastore
    try {
      datastore = new SqliteDatastore(files.peerStore, {
        onWarning: (w) => warnings.push(w),
        // Paired and revoked devices are never evicted as strangers (a notice may still be owed).
        keep: () => registry.listDevices({ includeRevoked: true }).map((d) => d.peerId)
      })
    } catch (err) {
      registry.close()
      throw err
    }
    const service = new Service(
      identity,
      registry,
      new TrustStore(registry, options.secretStore),
      datastore,
      lock,
      warnings,
      dataDir
    )
    try {
      await service.#startParts(options)
    } catch (err) {
      registry.close()
      datastore.close()
      throw err
    }
    return service
  }

  async #startParts(options: ServiceOptions): Promise<void> {
    const parts = await createParts(
      {
        identity: this.#identity,
        registry: this.#registry,
        trust: this.#trust,
        datastore: this.#datastore,
        events: this.#events,
        policy: this,
        deviceView: (peer) => this.#deviceView(peer)
      },
      options
    )
    this.#parts = parts
    const { contacts, gate, lan, host, reachability, nodes, dhtPeers, publicNetwork, adServer } = parts

    this.#trust.events.on('change', ({ peerId, change }) => this.#onTrustChange(peerId, change))
    this.#trust.events.on('renamed', ({ peerId, previousName }) =>
      this.#events.emit('device-renamed', { device: this.#deviceView(peerId), previousName })
    )
    contacts.events.on('online', () => this.#queueDevices())
    const startables: Startable[] = [dhtPeers, gate, lan, adServer, host, contacts, reachability, nodes, publicNetwork]
    for (const part of startables) await part.start()
  }

  /** The libp2p node, for tests and benchmarks that probe the network layer directly. */
  get node(): PairwiseLibp2p {
    return this.#parts.node
  }

  get peerId(): string {
    return this.#identity.peerId
  }

  multiaddrs(): string[] {
    return this.#parts.node.getMultiaddrs().map(String)
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    const p = this.#parts
    p.joining.stop()
    p.unguard()
    const parts = [p.publicNetwork, p.host, p.adServer, p.contacts, p.lan, p.gate, p.reachability, p.nodes, p.dhtPeers]
    for (const part of parts) await part.stop()
    await p.node.stop()
    this.#registry.close()
    this.#datastore.close()
    this.#lock.release()
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.#events.on(event, listener)
  }

  // ---- API ---------------------------------------------------------------

  async getState(): Promise<ServiceState> {
    return {
      thisDevice: this.#parts.local.view(),
      session: this.#parts.host.view(),
      devices: this.#devices(),
      ...(this.warnings.length > 0 ? { warnings: [...this.warnings] } : {}),
      join: this.#parts.joining.record.view(),
      alarms: this.#parts.alarms.list()
    }
  }

  async startPairing(params: MethodParams<'startPairing'> = {}): Promise<MethodResult<'startPairing'>> {
    // Never show a code that cannot work: say the disk is full instead (see storage/free-space.ts).
    assertRoomToPair(this.#dataDir)
    const fault = this.#datastore.writeFault
    if (fault?.code === 'peer-store-full') throw storageFault('disk-full', PEER_STORE_WHAT, fault.file)
    return this.#parts.host.begin(params.ttlMinutes, params.approve ?? false)
  }

  async answerApproval(params: MethodParams<'answerApproval'>): Promise<MethodResult<'answerApproval'>> {
    return { answered: this.#parts.host.answerApproval(params.peerId, params.allow) }
  }

  async cancelPairing(): Promise<{ cancelled: boolean }> {
    return { cancelled: this.#parts.host.cancel() }
  }

  async join(params: MethodParams<'join'>): Promise<DeviceView> {
    return this.#parts.joining.join(params.code, params.joinId)
  }

  async cancelJoin(): Promise<{ cancelled: boolean }> {
    return { cancelled: this.#parts.joining.cancel() }
  }

  async dismissAlarm(params: MethodParams<'dismissAlarm'>): Promise<MethodResult<'dismissAlarm'>> {
    return { dismissed: this.#parts.alarms.dismiss(params.claimantPeerId, params.at) }
  }

  async dismissJoin(): Promise<MethodResult<'dismissJoin'>> {
    return { dismissed: this.#parts.joining.record.dismiss() }
  }

  async listDevices(params: MethodParams<'listDevices'> = {}): Promise<DeviceView[]> {
    return this.#devices(params.includeRevoked ?? true)
  }

  async revokeDevice(params: MethodParams<'revokeDevice'>): Promise<DeviceView> {
    const { peerId } = params
    const { contacts, node } = this.#parts
    contacts.setOffline(peerId)
    this.#trust.revoke(peerId)
    // Trust is gone at once (registry, gater: P9). The notice goes first over a connection we still have —
    // a redial through a relay waited ~5 s in the NAT lab behind libp2p's other pending dials to the peer
    // (its dial queue joins them) — then every connection closes, at most REVOKE_NOTICE_MS later.
    const peer = peerIdFromString(peerId)
    const first = node.getConnections(peer).some((c) => c.status === 'open')
      ? contacts.deliverRevocation(peerId)
      : Promise.resolve()
    await Promise.race([first, sleep(REVOKE_NOTICE_MS, AbortSignal.timeout(REVOKE_NOTICE_MS))])
    await Promise.all(
      node
        .getConnections(peer)
        .map((c) =>
          c.close({ signal: AbortSignal.timeout(REVOKE_CLOSE_MS) }).catch((err: unknown) => c.abort(toError(err)))
        )
    )
    // Not told yet (no connection, or it did not answer in time): over any way we can reach it, now and later.
    void first.finally(() => contacts.deliverRevocation(peerId))
    return this.#deviceView(peerId)
  }

  async forgetDevice(params: MethodParams<'forgetDevice'>): Promise<MethodResult<'forgetDevice'>> {
    return { forgotten: this.#trust.forget(params.peerId) }
  }

  async renameDevice(params: MethodParams<'renameDevice'>): Promise<MethodResult<'renameDevice'>> {
    const device = this.#parts.local.rename(params.name)
    // Presence messages carry the name: check with the devices online now rather than at the next round.
    this.#parts.contacts.checkOnlineNow()
    return device
  }

  async getMetrics(): Promise<MethodResult<'getMetrics'>> {
    return metricsFrom(this.#registry)
  }

  async listNodes(): Promise<MethodResult<'listNodes'>> {
    return this.#parts.nodes.list()
  }

  async addNode(params: MethodParams<'addNode'>): Promise<MethodResult<'addNode'>> {
    return this.#parts.nodes.add(params.address.trim())
  }

  async removeNode(params: MethodParams<'removeNode'>): Promise<MethodResult<'removeNode'>> {
    return this.#parts.nodes.remove(params.address)
  }

  async getPublicNetwork(): Promise<MethodResult<'getPublicNetwork'>> {
    return this.#parts.publicNetwork.view()
  }

  async setPublicNetwork(params: MethodParams<'setPublicNetwork'>): Promise<MethodResult<'setPublicNetwork'>> {
    return this.#parts.publicNetwork.set(params.enabled)
  }

  // ---- PeerPolicy ----------------------------------------------------------

  /**
   * Revoked peers are refused at the connection level, except while a
   * revocation notice still has to reach them, and while we are pairing:
   * a revoked device may pair again with a fresh code (the pairing protocol
   * authenticates on its own; paired-only protocols check the registry).
   */
  isRefused(peerId: string): boolean {
    if (!this.#trust.isUntrusted(peerId) || this.#trust.owesNotice(peerId)) return false
    const parts = this.#parts as Parts | undefined
    return !(parts?.host.pairing === true || parts?.joining.joining === true)
  }

  // ---- events ----------------------------------------------------------------

  #onTrustChange(peerId: string, change: TrustChange): void {
    if (change === 'removed-by-peer') {
      this.#parts.contacts.setOffline(peerId)
      this.#events.emit('removed-by-peer', this.#deviceView(peerId))
    }
    if (change === 'paired' || change === 'confirmed') {
      this.#parts.contacts.setOnline(peerId)
      this.#events.emit('paired', this.#deviceView(peerId))
    }
    if (change === 'presence') this.#parts.contacts.setOnline(peerId)
    this.#queueDevices()
  }

  /** One devices-changed per burst of changes (a pairing writes the registry and marks the peer online). */
  #queueDevices(): void {
    if (this.#devicesQueued || this.#stopped) return
    this.#devicesQueued = true
    queueMicrotask(() => {
      this.#devicesQueued = false
      if (!this.#stopped) this.#events.emit('devices-changed', this.#devices())
    })
  }

  #deviceView(peerId: string): DeviceView {
    const record = this.#trust.getDevice(peerId)
    if (record === null) throw new PairwiseError('not-found', 'No such device.', { hint: 'Refresh the device list.' })
    return deviceView(record, this.#parts.contacts.isOnline(peerId))
  }

  #devices(includeRevoked = true): DeviceView[] {
    return this.#trust
      .listDevices({ includeRevoked })
      .map((r) => deviceView(r, this.#parts.contacts.isOnline(r.peerId)))
  }
}
