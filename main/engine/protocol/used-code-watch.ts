import type { ArrivalPath } from '../../../shared/api.ts'
import { CODE_ALARM_GRACE_MS } from '../../../shared/limits.ts'
import type { Clock } from './clock.ts'
import { joinerProof, type TranscriptBase } from './transcript.ts'
import { equalBytes } from '../util/bytes.ts'

// The overheard-code alarm's half inside a session (issue 12). Once a code is
// used, a Hello with a valid proof from any other peer means someone else has
// the words. To tell, the session keeps the code's auth key — only that, never
// the entropy — until the TTL and a grace period are over, then wipes it; a
// code that ends unused wipes it at once. Claimants are reported once each, and
// only so many: every one had to know the words, and memory stays bounded.

const MAX_CLAIMANTS = 64

export interface Claim {
  peerId: string
  via: ArrivalPath | undefined
  /** How long after the code was claimed by the paired device. */
  afterMs: number
}

export class UsedCodeWatch {
  readonly #authKey: Uint8Array
  readonly #clock: Clock
  readonly #onClaim: (claim: Claim) => void
  readonly #onRetired: () => void
  readonly #reported = new Set<string>()
  #usedAt: number | undefined
  #live = true

  /** `authKey` is the session's own copy: wiping it here wipes it there. */
  constructor(authKey: Uint8Array, clock: Clock, onClaim: (claim: Claim) => void, onRetired: () => void) {
    this.#authKey = authKey
    this.#clock = clock
    this.#onClaim = onClaim
    this.#onRetired = onRetired
  }

  /** The auth key is still held (a used code within its TTL and grace period, or a live session). */
  get live(): boolean {
    return this.#live
  }

  /** A joiner claimed the code now: later claimants are timed from here. */
  claimed(): void {
    this.#usedAt = this.#clock.now()
  }

  /** The session ended. Used: keep watching until `expiresAt` plus the grace period; otherwise wipe now. */
  sessionEnded(used: boolean, expiresAt: number): void {
    if (!used) return this.retire()
    const keepMs = Math.max(0, expiresAt - this.#clock.now()) + CODE_ALARM_GRACE_MS
    this.#clock.setTimer(keepMs, () => this.retire(), { background: true })
  }

  /** A Hello for the used code from `base.joinerPeerId`, which is not the paired device. */
  check(base: TranscriptBase, proof: Uint8Array, via: ArrivalPath | undefined): void {
    const peerId = base.joinerPeerId
    if (!this.#live || this.#reported.has(peerId) || this.#reported.size >= MAX_CLAIMANTS) return
    if (!equalBytes(joinerProof(this.#authKey, base), proof)) return
    this.#reported.add(peerId)
    const now = this.#clock.now()
    this.#onClaim({ peerId, via, afterMs: now - (this.#usedAt ?? now) })
  }

  /** Wipes the auth key: from now on a Hello for this code is answered without checking its proof. */
  retire(): void {
    if (!this.#live) return
    this.#live = false
    this.#authKey.fill(0)
    this.#onRetired()
  }
}
