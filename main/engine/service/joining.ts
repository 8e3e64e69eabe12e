import { randomBytes } from 'node:crypto'
import type { DeviceView, JoinProgress } from '../../../shared/api.ts'
import { codeWords, describeCorrection, nearMisses, parseCode, parseCodeOrThrow } from '../../../shared/code/index.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import type { KadDHT } from '@libp2p/kad-dht'
import { raceJoin, type Candidate } from '../node/join-race.ts'
import type { LanDiscovery } from './lan-discovery.ts'
import { probeNearMisses } from './near-miss-probe.ts'
import { explainUsedCode } from './used-code.ts'
import { JoinRecord } from './join-record.ts'
import { commitPairing, type PairingComponents } from './pairing-components.ts'
import type { PairingOutcome } from '../protocol/types.ts'
import type { ServiceTiming } from './types.ts'
import { sleep } from '../util/sleep.ts'

// The joiner's side: one join at a time, racing every discovery path (LAN,
// DHT, stored addresses) until one device proves it knows the code.

export interface JoiningComponents extends PairingComponents {
  lan: LanDiscovery
  timing: ServiceTiming
  allowLoopback: boolean
  dhtUsable(): boolean
  /** Our DHT's nodes (multiaddrs with /p2p/<id>): a join asks them for the record at once. */
  dhtNodes(): string[]
  /** The public network's DHT when this device uses it. */
  publicDht(): KadDHT | undefined
  /** The device view of a peer we just paired with. */
  deviceView(peerId: string): DeviceView
}

/** Waits before the near-miss probe asks again when it found nothing (see #corrected). */
const PROBE_AGAIN_AFTER_MS = [1_500, 3_000]

/** Devices we have known are asked first when joining: a re-pairing finds its partner at once. */
const MAX_STORED_CANDIDATES = 32

export class Joining {
  readonly #c: JoiningComponents
  #current: AbortController | null = null
  #cancelled = false
  /** The last join's outcome, for a front end that was away when it ended. */
  readonly record: JoinRecord

  constructor(components: JoiningComponents) {
    this.#c = components
    this.record = new JoinRecord(components.events)
  }

  get joining(): boolean {
    return this.#current !== null
  }

  cancel(): boolean {
    if (this.#current === null) return false
    this.#cancelled = true
    this.#current.abort()
    return true
  }

  stop(): void {
    this.#current?.abort()
  }

  async join(code: string, givenId: string | undefined): Promise<DeviceView> {
    if (this.#current !== null) {
      throw new PairwiseError('busy', 'Already joining with another code.', {
        hint: 'Wait for it to finish or cancel it first.'
      })
    }
    const parsed = parseCode(code)
    // A code that cannot be right may still be one slip away from one that is (checked below, on the network).
    const repairable = !parsed.ok && (parsed.error.code === 'checksum-mismatch' || parsed.error.code === 'invalid-word')
    // Throws the typed error for this input (which word, what to do).
    if (!parsed.ok && !(repairable && this.#probeable())) parseCodeOrThrow(code)
    const typed = codeWords(code)
    const joinId = givenId ?? randomBytes(6).toString('hex')
    const abort = new AbortController()
    const deadline = AbortSignal.any([abort.signal, AbortSignal.timeout(this.#c.timing.joinTimeoutMs)])
    this.#current = abort
    this.#cancelled = false
    this.record.start(joinId)
    const progress = (update: Omit<JoinProgress, 'joinId' | 'at'>): void => {
      const event = { joinId, at: Date.now(), ...update }
      this.record.progress(event)
      this.#c.events.emit('join-progress', event)
    }
    let entropy = parsed.ok ? parsed.entropy : undefined
    try {
      if (entropy === undefined)
        entropy = await this.#corrected(typed, progress, deadline, () => parseCodeOrThrow(code))
      let outcome: PairingOutcome
      try {
        outcome = await this.#race(entropy, progress, abort.signal)
      } catch (err) {
        // Valid words, but nobody waits for them: perhaps two were swapped, or one misheard into another word.
        if (!(parsed.ok && err instanceof PairwiseError && err.code === 'no-device-waiting' && this.#probeable()))
          throw err
        const fixed = await this.#corrected(typed, progress, deadline, () => err, true)
        entropy.fill(0)
        entropy = fixed
        outcome = await this.#race(entropy, progress, abort.signal)
      }
      progress({ step: 'paired', message: `Paired with ${outcome.remoteDevice.name}` })
      const device = this.#c.deviceView(outcome.remotePeerId)
      this.record.paired(joinId, device)
      return device
    } catch (err) {
      const error =
        err instanceof PairwiseError
          ? explainUsedCode(err, (peerId) => this.#c.trust.getDevice(peerId))
          : new PairwiseError('internal', 'Joining failed unexpectedly.', { cause: err })
      this.#c.registry.logEvent('join-failed', { reason: error.code })
      progress({ step: 'failed', message: error.message })
      this.record.failed(joinId, error, this.#cancelled)
      throw error
    } finally {
      entropy?.fill(0)
      this.#current = null
      this.#c.onIdle()
    }
  }

  async #race(
    entropy: Uint8Array,
    progress: (u: Omit<JoinProgress, 'joinId' | 'at'>) => void,
    signal: AbortSignal
  ): Promise<PairingOutcome> {
    const { timing, contacts } = this.#c
    const publicDht = this.#c.publicDht()
    return raceJoin({
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
      signal,
      timeoutMs: timing.joinTimeoutMs,
      lanWaitMs: timing.lanWaitMs,
      dhtPatienceMs: timing.dhtPatienceMs,
      useDht: this.#c.dhtUsable(),
      bootstrap: () => this.#c.dhtNodes(),
      allowLoopback: this.#c.allowLoopback,
      stored: () => this.#storedCandidates(),
      ...(publicDht === undefined ? {} : { publicDht }),
      ...(this.#c.lan.enabled ? { lan: this.#c.lan } : {})
    })
  }

  /**
   * The one close variant of the typed words that a device waits for, found by
   * probing their public rendezvous (near-miss-probe.ts). None: the original
   * failure stands. Several: the person is asked to check the words again.
   */
  async #corrected(
    typed: string[],
    progress: (u: Omit<JoinProgress, 'joinId' | 'at'>) => void,
    signal: AbortSignal,
    original: () => unknown,
    afterNoAnswer = false
  ): Promise<Uint8Array> {
    const misses = nearMisses(typed)
    if (misses.length === 0) throw original()
    const why = afterNoAnswer ? 'Nobody waits for these words' : 'These words do not fit together'
    const path = this.#c.dhtUsable() ? 'dht' : 'public'
    progress({ step: 'searching', path, message: `${why}; checking ${misses.length} close variants` })
    const publicDht = this.#c.publicDht()
    const paths = {
      node: this.#c.node,
      dht: this.#c.dhtUsable(),
      allowLoopback: this.#c.allowLoopback,
      ...(publicDht === undefined ? {} : { publicDht })
    }
    let found = await probeNearMisses(paths, misses, signal)
    // A code read out (or a link pasted) the moment it appeared may not be published yet: asked again, twice,
    // like the normal search's patience but shorter — a random wrong code should still fail within seconds.
    for (const waitMs of afterNoAnswer ? [] : PROBE_AGAIN_AFTER_MS) {
      if (found.length > 0 || signal.aborted) break
      await sleep(waitMs, signal).catch(() => undefined)
      if (!signal.aborted) found = await probeNearMisses(paths, misses, signal)
    }
    if (found.length === 1) {
      const fix = found[0]!
      progress({
        step: 'found',
        path,
        message: `Corrected: ${describeCorrection(fix.correction)}`,
        correction: fix.correction
      })
      this.#c.registry.logEvent('code-corrected', { details: { kind: fix.correction.kind } })
      return fix.entropy
    }
    if (found.length > 1) {
      throw new PairwiseError('checksum-mismatch', 'These words are one slip away from more than one waiting code.', {
        hint: `Possible fixes: ${found.map((f) => describeCorrection(f.correction)).join('; ')}. Read the words back to the other person to tell which.`,
        details: { corrections: found.map((f) => f.correction) }
      })
    }
    throw original()
  }

  /** Near-miss codes can be looked up: our DHT or the public network is there to ask. */
  #probeable(): boolean {
    return this.#c.dhtUsable() || this.#c.publicDht() !== undefined
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
