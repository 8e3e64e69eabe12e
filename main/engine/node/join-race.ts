import { peerIdFromString } from '@libp2p/peer-id'
import type { DiscoveryPath, JoinProgress } from '../../../shared/api.ts'
import type { DeviceInfo } from '../../../shared/device.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { FramedChannel } from '../protocol/framing.ts'
import { runJoiner } from '../protocol/joiner.ts'
import { NEW_CODE_HINT } from '../protocol/refusals.ts'
import type { LocalIdentity, PairingOutcome } from '../protocol/types.ts'
import { openAdvertisement } from './advertisement.ts'
import type { PairwiseLibp2p } from './libp2p-node.ts'
import { streamDuplex } from './stream-duplex.ts'
import { connectToDevice } from './candidate-dialer.ts'
import { dialMessage, exhaustedError, pathLabel, timeoutError } from './join-messages.ts'
import { sleep } from '../util/sleep.ts'
import type { KadDHT } from '@libp2p/kad-dht'
import { searchPublicNetwork } from './public-rendezvous.ts'
import { searchDht } from './dht-search.ts'
import { Deadline } from '../util/deadline.ts'

// The joiner asks every path at once — LAN peers found by mDNS, the DHT
// record, addresses it already knows — and runs the pairing protocol with
// each candidate. Proofs decide, not discovery: a candidate that cannot prove
// it knows the code is just a failed candidate (P2). The first one to pass
// wins and every other attempt is aborted.

export const PAIR_PROTOCOL = '/pairwise/pair/1.0.0'

export interface Candidate {
  peerId: string
  addrs: string[]
  path: DiscoveryPath
}

export interface JoinRaceOptions {
  node: PairwiseLibp2p
  entropy: Uint8Array
  identity: LocalIdentity
  device: DeviceInfo
  commit(outcome: PairingOutcome): Promise<void>
  progress(update: Omit<JoinProgress, 'joinId' | 'at'>): void
  signal?: AbortSignal
  /** Whole join, all paths. */
  timeoutMs?: number
  /** How long LAN answers are awaited after the mDNS query. */
  lanWaitMs?: number
  /** How long the DHT is asked again while it has no record for the code. */
  dhtPatienceMs?: number
  /** Dial other devices' loopback addresses (tests and benchmarks on 127.0.0.1 only). */
  allowLoopback?: boolean
  /** Per candidate: dial plus the whole exchange. */
  candidateTimeoutMs?: number
  lan?: { query(): void; known(): Candidate[]; subscribe(listener: (c: Candidate) => void): () => void }
  stored?: () => Candidate[]
  useDht: boolean
  /** Our DHT's nodes (multiaddrs with /p2p/<id>): the record is asked of them directly too (direct-lookup.ts). */
  bootstrap?: () => string[]
  /** The public network's DHT, when this device uses it (public-network.ts). */
  publicDht?: KadDHT
}

const MAX_CANDIDATES_IN_FLIGHT = 8
/** Tries per candidate; the candidate's deadline usually ends the retries first. */
const MAX_TRIES = 40
/** Extra dials of a LAN or stored candidate that did not connect: a stale one costs ~1 s of its slot. */
const LOCAL_DIAL_RETRIES = 3

/**
 * Whether a failed attempt says "not now" rather than "no". `busy` is always worth another try. A DHT
 * candidate is the device holding this code (only holders of the code can make a record that opens),
 * so when it is unreachable, times out or drops the stream — what a flood of strangers does to it —
 * it is asked again; a LAN or stored candidate that fails that way may be any device, and is dialled
 * again only a few times (`attempt` is how many tries failed before this one).
 * Refusals that name the code's fate (expired, used, wrong, blocked) are final, and so is any failure
 * after the initiator proved the code (the caller checks): that exchange ran, and its end is the answer.
 */
export function worthRetrying(err: unknown, path: DiscoveryPath, attempt = 0): boolean {
  if (err instanceof PairwiseError && err.code === 'busy') return true
  // A LAN or stored device whose dial failed gets a few more dials: a flooded initiator refuses new
  // connections for moments at a time, and without them the person waited for the whole join timeout.
  if (path !== 'dht' && path !== 'public')
    return err instanceof PairwiseError && err.code === 'device-unreachable' && attempt < LOCAL_DIAL_RETRIES
  if (!(err instanceof PairwiseError)) return true
  return err.code === 'device-unreachable' || err.code === 'timed-out' || err.code === 'protocol-error'
}

/** 150 ms doubling to 2 s, with jitter so joiners turned away together do not come back together. */
function retryDelayMs(attempt: number): number {
  const base = Math.min(2_000, 150 * 2 ** attempt)
  return base / 2 + Math.random() * (base / 2)
}

const MAX_CANDIDATES_WAITING = 64
/** Beyond the initiator's approval wait: its refusal or Complete must reach us before our own deadline does. */
const APPROVAL_MARGIN_MS = 15_000

export async function raceJoin(options: JoinRaceOptions): Promise<PairingOutcome> {
  const { node } = options
  const timeoutMs = options.timeoutMs ?? 30_000
  const keys = deriveCodeKeys(options.entropy)
  const race = new AbortController()
  // Pushed back when the initiator asks its person to Allow us (see exchangeWith).
  const joinDeadline = new Deadline(timeoutMs)
  const signal = AbortSignal.any([
    race.signal,
    joinDeadline.signal,
    ...(options.signal === undefined ? [] : [options.signal])
  ])
  // A peer is asked once per path: if a stale stored address failed, the
  // fresh addresses from the DHT record still get their turn.
  const tried = new Set<string>()
  const busy = new Set<string>([options.identity.peerId])
  const pathsDone = new Set<DiscoveryPath>()
  const pathsUsed = new Set<DiscoveryPath>()
  const asked: Record<DiscoveryPath, number> = { lan: 0, dht: 0, public: 0, stored: 0 }
  const errors: PairwiseError[] = []
  let inFlight = 0
  let won = false
  const result = Promise.withResolvers<PairingOutcome>()
  const cleanups: Array<() => void> = []

  const finishIfExhausted = (): void => {
    if (won || inFlight > 0) return
    if ([...pathsUsed].some((p) => !pathsDone.has(p))) return
    result.reject(exhaustedError(errors, pathsUsed, asked))
  }

  const waiting: Candidate[] = []

  const tryCandidate = async (candidate: Candidate): Promise<void> => {
    const key = `${candidate.path}:${candidate.peerId}`
    if (won || signal.aborted || tried.has(key) || busy.has(candidate.peerId)) return
    // Bounded fan-out: LAN announcements or DHT records from strangers queue up instead of each opening a dial.
    if (inFlight >= MAX_CANDIDATES_IN_FLIGHT) {
      if (
        waiting.length < MAX_CANDIDATES_WAITING &&
        !waiting.some((c) => c.peerId === candidate.peerId && c.path === candidate.path)
      )
        waiting.push(candidate)
      return
    }
    tried.add(key)
    busy.add(candidate.peerId)
    asked[candidate.path]++
    inFlight++
    let dialled = false
    try {
      // connectToDevice dials the candidate's addresses as they are; it hands them to the peer store only
      // when none of them can be (a write per candidate here cost ~1 ms of a LAN pairing).
      const peer = peerIdFromString(candidate.peerId)
      options.progress({
        step: 'connecting',
        path: candidate.path,
        message: `${pathLabel(candidate.path)}: connecting to a device`
      })
      const candidateDeadline = new Deadline(options.candidateTimeoutMs ?? 15_000)
      cleanups.push(() => candidateDeadline.dispose())
      const candidateSignal = AbortSignal.any([signal, candidateDeadline.signal])
      const waitLonger = (ms: number): void => {
        joinDeadline.extend(ms)
        candidateDeadline.extend(ms)
      }
      // A flooded initiator answers `busy`, evicts our stream or connection, or lets a dial stall: ask again
      // with backoff until this candidate's deadline (bounded in count too). See worthRetrying.
      for (let attempt = 0; ; attempt++) {
        const reached = { verifying: false }
        try {
          result.resolve(
            await exchangeWith(candidate, peer, candidateSignal, () => (dialled = true), reached, waitLonger)
          )
          return
        } catch (err) {
          if (
            reached.verifying ||
            !worthRetrying(err, candidate.path, attempt) ||
            attempt >= MAX_TRIES ||
            won ||
            candidateSignal.aborted
          )
            throw err
          options.progress({
            step: 'connecting',
            path: candidate.path,
            message: `${pathLabel(candidate.path)}: the device is busy or did not answer; trying again`
          })
          await sleep(retryDelayMs(attempt), candidateSignal)
        }
      }
    } catch (err) {
      // Only a DHT record proves a candidate is the device with this code; an unreachable LAN stranger says nothing.
      const telling =
        err instanceof PairwiseError &&
        err.code !== 'no-device-waiting' &&
        (err.code !== 'device-unreachable' || candidate.path === 'dht' || candidate.path === 'public')
      // Which device said a code was used: the service tells "used by this device" from "by another" by it.
      if (telling) errors.push(err.code === 'code-used' ? refusedBy(err, candidate.peerId) : err)
      // Never reached the device: other addresses for it (a later mDNS answer, the DHT record) still get a turn.
      if (!dialled) tried.delete(key)
    } finally {
      busy.delete(candidate.peerId)
      inFlight--
      const next = waiting.shift()
      if (next !== undefined) void tryCandidate(next)
      finishIfExhausted()
    }
  }

  const exchangeWith = async (
    candidate: Candidate,
    peer: ReturnType<typeof peerIdFromString>,
    candidateSignal: AbortSignal,
    onDialled: () => void,
    reached: { verifying: boolean },
    waitLonger: (ms: number) => void
  ): Promise<PairingOutcome> => {
    const connection = await connectToDevice(node, peer, candidate.addrs, {
      signal: candidateSignal,
      allowLoopback: options.allowLoopback === true,
      onProgress: (p) =>
        options.progress({ step: 'connecting', path: candidate.path, message: dialMessage(candidate.path, p) })
    })
    // connectToDevice checked that Noise authenticated exactly this peer; a relayed connection is "limited".
    const stream = await connection.newStream(PAIR_PROTOCOL, { signal: candidateSignal, runOnLimitedConnection: true })
    onDialled()
    const onAbort = (): void => stream.abort(new Error('join ended'))
    candidateSignal.addEventListener('abort', onAbort, { once: true })
    try {
      return await runJoiner({
        channel: new FramedChannel(streamDuplex(stream)),
        entropy: options.entropy,
        keys,
        identity: options.identity,
        device: options.device,
        remotePeerId: candidate.peerId,
        signal: candidateSignal,
        mayCommit: () => !won,
        commit: async (o) => {
          if (won) throw new PairwiseError('code-used', 'Another device answered first.')
          won = true
          try {
            await options.commit(o)
          } catch (err) {
            // Nothing was stored and no Ack goes out: this candidate failed, the others may still win.
            won = false
            throw err
          }
        },
        onProgress: (step, wait) => {
          if (step === 'verifying') reached.verifying = true
          if (step === 'awaiting-approval' && wait !== undefined) {
            waitLonger(wait.ms + APPROVAL_MARGIN_MS)
            options.progress({
              step: 'awaiting-approval',
              path: candidate.path,
              message: 'Waiting for the other device to allow this pairing',
              check: wait.check,
              deadline: Date.now() + wait.ms
            })
          }
          if (step === 'verifying')
            options.progress({
              step: 'verifying',
              path: candidate.path,
              message: `${pathLabel(candidate.path)}: the device proved it knows the code; verifying`
            })
          if (step === 'committing')
            options.progress({ step: 'committing', path: candidate.path, message: 'Saving the pairing' })
        }
      })
    } finally {
      candidateSignal.removeEventListener('abort', onAbort)
    }
  }

  /**
   * A record found on the DHT or handed over by a public-network provider: tried if it opens with this
   * code and is live. `from`: the provider it came from, which must be the device the record names.
   * Returns whether it named a device waiting for this code (live or expired).
   */
  const consider = async (value: Uint8Array, path: 'dht' | 'public', from?: string): Promise<boolean> => {
    const ad = await openAdvertisement(value, keys)
    if (ad === undefined || (from !== undefined && ad.peerId !== from) || tried.has(`${path}:${ad.peerId}`))
      return false
    const label = pathLabel(path)
    if (ad.expiresAt > Date.now()) {
      options.progress({ step: 'found', path, message: `${label}: record found for “${ad.body.name}”` })
      void tryCandidate({ peerId: ad.peerId, addrs: ad.body.addrs, path })
      return true
    }
    // The record itself says the code is dead: no need to ask the device.
    errors.push(new PairwiseError('code-expired', 'This code has expired.', { hint: NEW_CODE_HINT }))
    tried.add(`${path}:${ad.peerId}`)
    options.progress({ step: 'found', path, message: `${label}: the code for “${ad.body.name}” has expired` })
    return true
  }

  const pathDone = (path: DiscoveryPath): void => {
    pathsDone.add(path)
    finishIfExhausted()
  }

  // LAN: ask every Pairwise device mDNS found, and query now rather than at the next interval.
  if (options.lan !== undefined) {
    const lan = options.lan
    pathsUsed.add('lan')
    cleanups.push(lan.subscribe((c) => void tryCandidate(c)))
    lan.query()
    options.progress({ step: 'searching', path: 'lan', message: 'LAN: looking for devices' })
    for (const c of lan.known()) void tryCandidate(c)
    const t = setTimeout(() => {
      options.progress({
        step: 'searching',
        path: 'lan',
        message: `LAN: ${asked.lan} device${asked.lan === 1 ? '' : 's'} asked`
      })
      pathDone('lan')
    }, options.lanWaitMs ?? 3_000)
    cleanups.push(() => clearTimeout(t))
  }

  if (options.stored !== undefined) {
    pathsUsed.add('stored')
    const stored = options.stored()
    if (stored.length > 0)
      options.progress({
        step: 'searching',
        path: 'stored',
        message: `Known addresses: asking ${stored.length} device${stored.length === 1 ? '' : 's'}`
      })
    for (const c of stored) void tryCandidate(c)
    queueMicrotask(() => pathDone('stored'))
  }

  if (options.useDht) {
    pathsUsed.add('dht')
    options.progress({ step: 'searching', path: 'dht', message: 'DHT: looking up the code' })
    void (async () => {
      const records = await searchDht({
        node,
        keys,
        signal,
        bootstrap: options.bootstrap?.() ?? [],
        allowLoopback: options.allowLoopback === true,
        patienceMs: options.dhtPatienceMs ?? 10_000,
        settled: () => won,
        progress: (message) => options.progress({ step: 'searching', path: 'dht', message }),
        consider: (value) => consider(value, 'dht')
      })
      if (records === 0 && !won)
        options.progress({ step: 'searching', path: 'dht', message: 'DHT: no record for this code' })
      pathDone('dht')
    })()
  }

  // The public libp2p network: who provides the code's rendezvous CID, then each provider's record.
  const publicDht = options.publicDht
  if (publicDht !== undefined) {
    pathsUsed.add('public')
    options.progress({ step: 'searching', path: 'public', message: 'Public network: looking up the code' })
    void (async () => {
      const records = await searchPublicNetwork({
        node,
        dht: publicDht,
        keys,
        signal,
        allowLoopback: options.allowLoopback === true,
        patienceMs: options.dhtPatienceMs ?? 10_000,
        settled: () => won,
        progress: (message) => options.progress({ step: 'searching', path: 'public', message }),
        consider: (value, provider) => consider(value, 'public', provider)
      })
      if (records === 0 && !won)
        options.progress({ step: 'searching', path: 'public', message: 'Public network: no device for this code' })
      pathDone('public')
    })()
  }

  if (pathsUsed.size === 0)
    result.reject(
      new PairwiseError('no-device-waiting', 'No discovery path is available.', {
        hint: 'Turn on LAN discovery or add a bootstrap node.'
      })
    )

  const onAbort = (): void => {
    if (won) return
    const reason: unknown = signal.reason
    if (options.signal?.aborted === true) result.reject(new PairwiseError('code-cancelled', 'Joining was cancelled.'))
    else if (reason instanceof Error && reason.name === 'TimeoutError')
      result.reject(timeoutError(errors, pathsUsed, asked, timeoutMs))
  }
  signal.addEventListener('abort', onAbort, { once: true })

  try {
    return await result.promise
  } finally {
    signal.removeEventListener('abort', onAbort)
    for (const cleanup of cleanups) cleanup()
    joinDeadline.dispose()
    race.abort()
  }
}

function refusedBy(err: PairwiseError, peerId: string): PairwiseError {
  return new PairwiseError(err.code, err.message, {
    ...(err.hint === undefined ? {} : { hint: err.hint }),
    details: { ...err.details, peerId }
  })
}
