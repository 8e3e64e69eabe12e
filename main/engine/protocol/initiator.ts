import { randomBytes } from 'node:crypto'
import type { ArrivalPath } from '../../../shared/api.ts'
import type { DeviceInfo } from '../../../shared/device.ts'
import { Emitter } from '../../../shared/emitter.ts'
import { PairwiseError, toErrorPayload } from '../../../shared/errors.ts'
import {
  CODE_TTL_DEFAULT_MS,
  CODE_TTL_MAX_MINUTES,
  CODE_TTL_MAX_MS,
  CODE_TTL_MIN_MINUTES,
  CODE_TTL_MIN_MS
} from '../../../shared/limits.ts'
import type { SessionState } from '../../../shared/states.ts'
import { derivePairKey, deriveCodeKeys } from '../code/derive.ts'
import { systemClock, type Clock, type TimerHandle } from './clock.ts'
import type { ApprovalWait } from './approval.ts'
import { ApprovalStep } from './approval-step.ts'
import { readMessage, refuse } from './exchange-io.ts'
import type { FramedChannel } from './framing.ts'
import {
  AckSchema,
  decodeMessage,
  encodeMessage,
  isRefusal,
  PROTOCOL_VERSION,
  ResponseSchema,
  type Hello,
  type RefusalReason
} from './messages.ts'
import { StateMachine, type TransitionTable } from './state-machine.ts'
import {
  checkCommitment,
  checkString,
  initiatorProof,
  joinerProof,
  signedByInitiator,
  signedByJoiner,
  transcriptHash,
  type TranscriptBase
} from './transcript.ts'
import { equalBytes, fromHex, toHex } from '../util/bytes.ts'
import { DEFAULT_TIMEOUTS, type LocalIdentity, type PairingOutcome, type ProtocolTimeouts } from './types.ts'
import { verifyByPeerId } from '../identity/peer-key.ts'
import { FailureSketch } from './failure-sketch.ts'
import {
  DEFAULT_SESSION_LIMITS,
  type InitiatorHooks,
  type InitiatorSessionOptions,
  type SessionEvents,
  type SessionLimits
} from './initiator-contract.ts'
import { UsedCodeWatch } from './used-code-watch.ts'

// The initiator's session: one code, one device at most (P5). Exchanges with
// joiners run concurrently; the first joiner whose signed Response verifies
// claims the session (waiting -> committing), every later one is told the
// code is used. With approval on, that joiner first waits for the person
// (waiting -> approving): Allow goes on to committing; Deny, no answer in time
// or the joiner leaving go back to waiting with nothing stored.
//
// After the code paired, a later Hello with a valid proof means someone else
// has the words: the session raises the overheard-code alarm. For that it keeps
// the auth key (only it) until the TTL plus a grace period is over.

const SESSION_TRANSITIONS: TransitionTable<SessionState> = {
  waiting: ['approving', 'committing', 'expired', 'cancelled', 'failed'],
  // The code's TTL and Cancel still apply while the person decides.
  approving: ['waiting', 'committing', 'expired', 'cancelled', 'failed'],
  // Once a joiner is verified the session finishes that pairing even if the
  // TTL runs out or the person clicks Cancel: P7 needs the exchange to end
  // in a known state on both sides.
  committing: ['paired', 'unconfirmed', 'failed'],
  paired: [],
  unconfirmed: [],
  expired: [],
  cancelled: [],
  failed: []
}

// One exchange with one joiner, over one stream.
type ExchangeState =
  'challenging' | 'awaiting-response' | 'awaiting-approval' | 'awaiting-ack' | 'done' | 'refused' | 'broken'
const EXCHANGE_TRANSITIONS: TransitionTable<ExchangeState> = {
  challenging: ['awaiting-response', 'refused', 'broken'],
  'awaiting-response': ['awaiting-approval', 'awaiting-ack', 'refused', 'broken'],
  'awaiting-approval': ['awaiting-ack', 'refused', 'broken'],
  'awaiting-ack': ['done', 'broken'],
  done: [],
  refused: [],
  broken: []
}

export class InitiatorSession {
  readonly events = new Emitter<SessionEvents>()
  readonly rendezvousHex: string
  readonly expiresAt: number
  readonly #rendezvous: Uint8Array
  readonly #authKey: Uint8Array
  readonly #entropy: Uint8Array
  readonly #identity: LocalIdentity
  readonly #device: () => DeviceInfo
  readonly #hooks: InitiatorHooks
  readonly #clock: Clock
  readonly #limits: SessionLimits
  readonly #timeouts: ProtocolTimeouts
  readonly #machine: StateMachine<SessionState>
  readonly #expiryTimer: TimerHandle
  readonly #failuresByPeer = new FailureSketch()
  readonly #inFlight = new Set<AbortController>()
  readonly #ended: PromiseWithResolvers<SessionState> = Promise.withResolvers()
  /** Asks the person before committing to a joiner; undefined when the session was made without `approvalMs`. */
  readonly #approval: ApprovalStep | undefined
  readonly #watch: UsedCodeWatch
  #sessionFailures = 0
  #blockedPeers = 0
  #burnt = false
  #outcome: PairingOutcome | undefined
  /** The one exchange that claimed this session; only its fate settles the session. */
  #claimedBy: StateMachine<ExchangeState> | undefined

  constructor(options: InitiatorSessionOptions) {
    const ttlMs = options.ttlMs ?? CODE_TTL_DEFAULT_MS
    if (!Number.isInteger(ttlMs) || ttlMs < CODE_TTL_MIN_MS || ttlMs > CODE_TTL_MAX_MS) {
      const range = `${CODE_TTL_MIN_MINUTES} and ${CODE_TTL_MAX_MINUTES} minutes`
      throw new PairwiseError('invalid-argument', `A code must live between ${range}.`)
    }
    const keys = options.keys ?? deriveCodeKeys(options.entropy)
    // A copy we own and wipe at the end (Buffer#slice would alias the caller's bytes).
    this.#entropy = new Uint8Array(options.entropy)
    this.#rendezvous = keys.rendezvous
    this.#authKey = keys.authKey
    this.rendezvousHex = toHex(keys.rendezvous)
    this.#identity = options.identity
    const device = options.device
    this.#device = typeof device === 'function' ? device : () => device
    this.#hooks = options.hooks
    this.#clock = options.clock ?? systemClock
    this.#limits = { ...DEFAULT_SESSION_LIMITS, ...options.limits }
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts }
    this.#watch = new UsedCodeWatch(
      this.#authKey,
      this.#clock,
      (claim) => this.events.emit('overheard', claim),
      () => this.events.emit('retired', undefined)
    )
    this.expiresAt = this.#clock.now() + ttlMs
    this.#machine = new StateMachine(SESSION_TRANSITIONS, 'waiting', (_from, to) => {
      this.events.emit('state', { state: to })
      if (this.#machine.isTerminal()) this.#finish(to)
    })
    this.#expiryTimer = this.#clock.setTimer(
      ttlMs,
      () => {
        if (this.#machine.is('waiting', 'approving')) this.#machine.to('expired')
      },
      { background: true }
    )
    if (options.approvalMs !== undefined)
      this.#approval = new ApprovalStep(options.approvalMs, this.#clock, this.#machine, this.events)
  }

  get state(): SessionState {
    return this.#machine.state
  }

  get failedAttempts(): number {
    return this.#sessionFailures
  }

  /** Peers that reached the per-peer cap (each counted once). */
  get blockedPeers(): number {
    return this.#blockedPeers
  }

  /** The session ended because of the per-session cap on wrong proofs. */
  get burnt(): boolean {
    return this.#burnt
  }

  get outcome(): PairingOutcome | undefined {
    return this.#outcome
  }

  /** Resolves with the terminal state. */
  get ended(): Promise<SessionState> {
    return this.#ended.promise
  }

  /** The person's answer about `peerId`. False when no such question is open (answered, timed out, left). */
  answerApproval(peerId: string, allow: boolean): boolean {
    return this.#approval?.answer(peerId, allow) ?? false
  }

  /** Ends a waiting session. Returns false when it is already past the point of cancelling. */
  cancel(): boolean {
    if (!this.#machine.is('waiting', 'approving')) return false
    this.#machine.to('cancelled')
    return true
  }

  /**
   * Serves one joiner's exchange after its Hello. Never throws: every failure ends this exchange with a
   * refusal or a closed stream. Resolves 'failed' when the peer proved nothing (a wrong
   * proof, or refused for its earlier ones): the caller may count it against the peer's address.
   */
  async handleHello(
    channel: FramedChannel,
    hello: Hello,
    remotePeerId: string,
    via?: ArrivalPath
  ): Promise<'failed' | 'served'> {
    const base: TranscriptBase = {
      version: PROTOCOL_VERSION,
      rendezvous: this.#rendezvous,
      initiatorPeerId: this.#identity.peerId,
      joinerPeerId: remotePeerId,
      joinerNonce: fromHex(hello.nonce)
    }
    // The code is used: a valid proof from anyone but the paired device means the words got out.
    if (this.#machine.is('committing', 'paired', 'unconfirmed') && remotePeerId !== this.#outcome?.remotePeerId)
      this.#watch.check(base, fromHex(hello.proof), via)
    const refusal = this.#admissionRefusal(remotePeerId)
    if (refusal !== undefined) {
      await refuse(channel, refusal)
      return refusal === 'attempts-exceeded' && this.#machine.is('waiting') ? 'failed' : 'served'
    }
    const expected = joinerProof(this.#authKey, base)
    if (!equalBytes(expected, fromHex(hello.proof))) {
      this.#recordFailure(remotePeerId)
      await refuse(channel, 'wrong-code')
      return 'failed'
    }

    const abort = new AbortController()
    this.#inFlight.add(abort)
    const exchange = new StateMachine(EXCHANGE_TRANSITIONS, 'challenging')
    try {
      await this.#verifyJoiner(channel, base, hello, remotePeerId, exchange, abort.signal)
    } catch (err) {
      if (!exchange.isTerminal()) exchange.to('broken')
      if (this.#machine.is('committing') && this.#claimedBy === exchange) {
        // The joiner was verified and stored as pending but we never saw its
        // Ack: the network layer's presence check settles it (P7).
        this.#machine.to('unconfirmed')
      }
      const payload = toErrorPayload(err)
      const claimedByThis = this.#claimedBy === exchange
      if (this.#machine.isTerminal() && !claimedByThis) await refuse(channel, this.#terminalRefusal())
      else if (payload.code !== 'protocol-error' && payload.code !== 'timed-out') await refuse(channel, 'internal')
      channel.abort(payload.message)
    } finally {
      this.#inFlight.delete(abort)
    }
    return 'served'
  }

  async #verifyJoiner(
    channel: FramedChannel,
    base: TranscriptBase,
    hello: Hello,
    remotePeerId: string,
    exchange: StateMachine<ExchangeState>,
    signal: AbortSignal
  ): Promise<void> {
    this.events.emit('verifying', { peerId: remotePeerId })
    const initiatorNonce = randomBytes(32)
    const device = this.#device()
    const proofI = initiatorProof(this.#authKey, { ...base, initiatorNonce, initiatorDevice: device })
    await channel.write(encodeMessage({ t: 'challenge', nonce: toHex(initiatorNonce), device, proof: toHex(proofI) }))
    exchange.to('awaiting-response')

    const response = await readMessage(channel, ResponseSchema, this.#clock, this.#timeouts.readMs, signal)
    if (isRefusal(response)) {
      exchange.to('refused')
      await channel.close()
      return
    }
    const hash = transcriptHash({
      ...base,
      initiatorNonce,
      initiatorDevice: device,
      joinerDevice: response.device,
      joinerProof: fromHex(hello.proof),
      initiatorProof: proofI
    })
    if (!(await verifyByPeerId(remotePeerId, signedByJoiner(hash), fromHex(response.sig)))) {
      throw new PairwiseError('protocol-error', 'The joining device signed with a key that is not its own.')
    }
    const reveal = fromHex(response.reveal)
    if (!equalBytes(checkCommitment(reveal), base.joinerNonce)) {
      throw new PairwiseError('protocol-error', 'The joining device did not open the commitment in its Hello.')
    }
    if (!this.#machine.is('waiting')) {
      exchange.to('refused')
      await refuse(channel, this.#machine.is('approving') ? 'busy' : this.#terminalRefusal())
      return
    }
    let approved: ApprovalWait | undefined
    if (this.#approval !== undefined) {
      const check = checkString({ ...base, initiatorNonce, reveal })
      approved = await this.#approval.ask(
        channel,
        { peerId: remotePeerId, device: response.device, check },
        exchange,
        signal
      )
      if (approved === undefined) return
    }
    this.#watch.claimed()
    this.#machine.to('committing')
    this.#claimedBy = exchange
    const outcome: PairingOutcome = {
      remotePeerId,
      remoteDevice: response.device,
      pairKey: derivePairKey(this.#entropy, hash),
      transcriptHash: hash,
      role: 'initiator'
    }
    this.#outcome = outcome
    await this.#hooks.persistPending(outcome).catch((err: unknown) => {
      this.#machine.to('failed')
      throw err
    })
    const sigI = await this.#identity.privateKey.sign(signedByInitiator(hash))
    await channel.write(encodeMessage({ t: 'complete', sig: toHex(sigI) }))
    exchange.to('awaiting-ack')

    const ack =
      approved === undefined
        ? await readMessage(channel, AckSchema, this.#clock, this.#timeouts.ackMs)
        : decodeMessage(await approved.nextFrame(this.#timeouts.ackMs), AckSchema)
    if (isRefusal(ack)) throw new PairwiseError('protocol-error', 'The joining device refused after it was verified.')
    await this.#hooks.confirm(outcome)
    exchange.to('done')
    this.#machine.to('paired')
    this.events.emit('paired', { outcome, confirmed: true })
    await channel.close()
  }

  #admissionRefusal(remotePeerId: string): RefusalReason | undefined {
    const denied = this.#approval?.isDenied(remotePeerId) === true
    if (this.#machine.is('approving')) return denied ? 'denied' : 'busy'
    if (!this.#machine.is('waiting')) return this.#terminalRefusal()
    if (denied) return 'denied'
    if (this.#failuresByPeer.count(remotePeerId) >= this.#limits.maxFailuresPerPeer) return 'attempts-exceeded'
    if (this.#inFlight.size >= this.#limits.maxConcurrentExchanges) return 'busy'
    return undefined
  }

  #terminalRefusal(): RefusalReason {
    switch (this.#machine.state) {
      case 'expired':
        return 'code-expired'
      case 'cancelled':
        return 'code-cancelled'
      case 'failed':
        return this.#burnt ? 'attempts-exceeded' : 'internal'
      default:
        return 'code-used'
    }
  }

  #recordFailure(peerId: string): void {
    this.#sessionFailures++
    const peerFailures = this.#failuresByPeer.add(peerId)
    const blocked = peerFailures >= this.#limits.maxFailuresPerPeer
    // Counted once, at the failure that blocks; later attempts are refused before their proof is read.
    if (peerFailures === this.#limits.maxFailuresPerPeer) this.#blockedPeers++
    this.events.emit('attempt-failed', { peerId, sessionFailures: this.#sessionFailures, peerFailures, blocked })
    if (this.#sessionFailures >= this.#limits.maxFailuresPerSession && this.#machine.is('waiting')) {
      this.#burnt = true
      this.events.emit('burnt', { sessionFailures: this.#sessionFailures })
      this.#machine.to('failed')
    }
  }

  #finish(state: SessionState): void {
    this.#expiryTimer.cancel()
    const code = state === 'expired' ? 'code-expired' : this.#burnt ? 'attempts-exceeded' : 'code-cancelled'
    for (const abort of this.#inFlight) abort.abort(new PairwiseError(code, 'The pairing session ended.'))
    if (state === 'unconfirmed' && this.#outcome !== undefined)
      this.events.emit('paired', { outcome: this.#outcome, confirmed: false })
    this.#entropy.fill(0)
    this.#watch.sessionEnded(state === 'paired' || state === 'unconfirmed', this.expiresAt)
    this.#ended.resolve(state)
  }

  /** Wipes the auth key now (see UsedCodeWatch): no more alarms for this code. */
  retire(): void {
    this.#watch.retire()
  }

  /** The session still holds the auth key (a used code, within its TTL and grace period). */
  get watching(): boolean {
    return this.#watch.live
  }
}
