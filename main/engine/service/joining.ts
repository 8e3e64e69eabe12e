import { randomBytes } from 'node:crypto'
import type { DeviceView, JoinProgress } from '../../../shared/api.ts'
import { parseCodeOrThrow } from '../../../shared/code/index.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { raceJoin, type Candidate } from '../node/join-race.ts'
import type { LanDiscovery } from './lan-discovery.ts'
import { commitPairing, type PairingComponents } from './pairing-components.ts'
import type { ServiceTiming } from './types.ts'

// The joiner's side: one join at a time, racing every discovery path (LAN,
// DHT, stored addresses) until one device proves it knows the code.

export interface JoiningComponents extends PairingComponents {
  lan: LanDiscovery
  timing: ServiceTiming
  allowLoopback: boolean
  dhtUsable(): boolean
  /** The device view of a peer we just paired with. */
  deviceView(peerId: string): DeviceView
}

/** Devices we have known are asked first when joining: a re-pairing finds its partner at once. */
const MAX_STORED_CANDIDATES = 32

export class Joining {
  readonly #c: JoiningComponents
  #current: AbortController | null = null

  constructor(components: JoiningComponents) {
    this.#c = components
  }

  get joining(): boolean {
    return this.#current !== null
  }

  cancel(): boolean {
    if (this.#current === null) return false
    this.#current.abort()
    return true
  }

  stop(): void {
    this.#current?.abort()
  }

  async join(code: string, givenId: string | undefined): Promise<DeviceView> {
    const { entropy } = parseCodeOrThrow(code)
    if (this.#current !== null) {
      entropy.fill(0)
      throw new PairwiseError('busy', 'Already joining with another code.', {
        hint: 'Wait for it to finish or cancel it first.'
      })
    }
    const { events, contacts } = this.#c
    const joinId = givenId ?? randomBytes(6).toString('hex')
    const abort = new AbortController()
    this.#current = abort
    const progress = (update: Omit<JoinProgress, 'joinId' | 'at'>): void =>
      events.emit('join-progress', { joinId, at: Date.now(), ...update })
    try {
      const { timing } = this.#c
      const outcome = await raceJoin({
        node: this.#c.node,
        entropy,
        identity: this.#c.identity,
        device: this.#c.local.info(),
        commit: async (o) => {
          // Online first: the one change notice the commit sends then shows the device as it is.
          contacts.setOnline(o.remotePeerId)
          await commitPairing(this.#c, o, 'paired')
        },
        progress,
        signal: abort.signal,
        timeoutMs: timing.joinTimeoutMs,
        lanWaitMs: timing.lanWaitMs,
        dhtPatienceMs: timing.dhtPatienceMs,
        useDht: this.#c.dhtUsable(),
        allowLoopback: this.#c.allowLoopback,
        stored: () => this.#storedCandidates(),
        ...(this.#c.lan.enabled ? { lan: this.#c.lan } : {})
      })
      progress({ step: 'paired', message: `Paired with ${outcome.remoteDevice.name}` })
      return this.#c.deviceView(outcome.remotePeerId)
    } catch (err) {
      const error =
        err instanceof PairwiseError
          ? err
          : new PairwiseError('internal', 'Joining failed unexpectedly.', { cause: err })
      this.#c.registry.logEvent('join-failed', { reason: error.code })
      progress({ step: 'failed', message: error.message })
      throw error
    } finally {
      entropy.fill(0)
      this.#current = null
      this.#c.onIdle()
    }
  }

  /**
   * Devices this one revoked are not asked: the Hello names the new code's rendezvous
   * id, and a device we stopped trusting has no business learning that a code is in use.
   * (It can still pair again through LAN or DHT discovery, with a fresh code, P9.)
   */
  #storedCandidates(): Candidate[] {
    return this.#c.trust
      .listDevices({ includeRevoked: true })
      .filter((record) => record.status !== 'revoked')
      .slice(0, MAX_STORED_CANDIDATES)
      .map((record) => ({ peerId: record.peerId, addrs: record.addresses, path: 'stored' as const }))
  }
}
