import type { ArrivalPath } from '../../../shared/api.ts'
import type { DeviceInfo } from '../../../shared/device.ts'
import type { SessionState } from '../../../shared/states.ts'
import type { CodeKeys } from '../code/derive.ts'
import type { ApprovalDecision } from './approval.ts'
import type { Clock } from './clock.ts'
import type { LocalIdentity, PairingOutcome, ProtocolTimeouts } from './types.ts'

// What an initiator session is made with and what it reports (initiator.ts).

export interface SessionLimits {
  /** Wrong proofs one peer may send before this session stops answering it (kept in a FailureSketch). */
  maxFailuresPerPeer: number
  /**
   * Wrong proofs this session takes in all before the code is burnt (state 'failed'). A wrong proof
   * comes only from someone who knows the rendezvous id but not the words — a person who mistypes
   * gets a checksum error or a different rendezvous id — so every one is hostile; this bounds how
   * many guesses a code ever answers, whatever the number of peer ids.
   */
  maxFailuresPerSession: number
  /** Joiners verified at the same time. */
  maxConcurrentExchanges: number
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxFailuresPerPeer: 3,
  maxFailuresPerSession: 64,
  maxConcurrentExchanges: 16
}

export interface InitiatorHooks {
  /** Stores the pairing as pending-confirmation. Runs before Complete is sent, so a crash after sending leaves a record to reconcile. */
  persistPending(outcome: PairingOutcome): Promise<void>
  /** Promotes the pending pairing once the joiner's Ack arrived. */
  confirm(outcome: PairingOutcome): Promise<void>
}

/** What the initiator's person is shown to decide on a joiner. */
export interface ApprovalRequest {
  peerId: string
  device: DeviceInfo
  /** The check string the joiner's screen shows too. */
  check: string
  /** When the wait ends on its own (clock time). */
  deadline: number
}

export interface SessionEvents {
  state: { state: SessionState }
  /** A joiner proved it knows the code and is being verified. */
  verifying: { peerId: string }
  /** Someone sent a wrong proof. `blocked` once this peer is no longer answered. */
  'attempt-failed': { peerId: string; sessionFailures: number; peerFailures: number; blocked: boolean }
  /** The session cap on wrong proofs was reached: the code is burnt and the session ends 'failed'. */
  burnt: { sessionFailures: number }
  /** A joiner proved the code and the person is asked to Allow or Deny it. */
  approval: ApprovalRequest
  /** That question is over. */
  'approval-ended': { peerId: string; decision: ApprovalDecision | 'session-ended' }
  /** After the code paired, another peer proved it knows the words. */
  overheard: { peerId: string; via: ArrivalPath | undefined; afterMs: number }
  /** The auth key is wiped: no more alarms, and the session holds no secret. */
  retired: undefined
  paired: { outcome: PairingOutcome; confirmed: boolean }
}

export interface InitiatorSessionOptions {
  entropy: Uint8Array
  /** The keys of this entropy when the caller derived them already (it publishes with them too). */
  keys?: CodeKeys
  identity: LocalIdentity
  /** This device as the joiner will see it; a function so each joiner gets the current addresses (a relay reservation may arrive after the code is shown). */
  device: DeviceInfo | (() => DeviceInfo)
  hooks: InitiatorHooks
  ttlMs?: number
  clock?: Clock
  limits?: Partial<SessionLimits>
  timeouts?: Partial<ProtocolTimeouts>
  /** Ask the person before committing to a joiner, waiting this long for an answer (undefined: no asking). */
  approvalMs?: number
}
