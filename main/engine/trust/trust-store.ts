import { Emitter } from '../../../shared/emitter.ts'
import type { SecretStore } from '../identity/secret-store.ts'
import type { PairingOutcome } from '../protocol/types.ts'
import type { Registry } from '../registry/registry.ts'
import type { DeviceRecord, PendingRevocation } from '../registry/types.ts'

// Trust, as the rest of the engine sees it: the registry's device rows plus the
// secret store that seals their pair keys. Every write and its change notice
// are one call, so no caller can change trust and forget to tell the gater or
// the UI. The two sets the connection gater asks on every dial (untrusted
// peers, notices still owed) are kept here, refreshed on each write.

export type TrustChange =
  | 'paired'
  | 'pending'
  | 'confirmed'
  | 'pending-dropped'
  | 'revoked'
  | 'removed-by-peer'
  | 'revocation-delivered'
  | 'presence'
  | 'forgotten'
  | 'renamed'

export interface TrustEvents {
  change: { peerId: string; change: TrustChange }
  /** A paired device told us its new name; `previousName` is what we showed until now. */
  renamed: { peerId: string; previousName: string }
}

export class TrustStore {
  readonly events = new Emitter<TrustEvents>()
  readonly #registry: Registry
  readonly #secrets: SecretStore
  #untrusted = new Set<string>()
  #owed = new Set<string>()

  constructor(registry: Registry, secrets: SecretStore) {
    this.#registry = registry
    this.#secrets = secrets
    this.#refresh()
  }

  // ---- reads -------------------------------------------------------------

  getDevice(peerId: string): DeviceRecord | null {
    return this.#registry.getDevice(peerId)
  }

  listDevices(options: { includeRevoked?: boolean } = {}): DeviceRecord[] {
    return this.#registry.listDevices(options)
  }

  pendingRevocations(): PendingRevocation[] {
    return this.#registry.pendingRevocations()
  }

  /** Revoked by us or removed by the peer: the gater refuses it (unless a notice is owed). */
  isUntrusted(peerId: string): boolean {
    return this.#untrusted.has(peerId)
  }

  /** Our revocation notice has not reached this peer yet. */
  owesNotice(peerId: string): boolean {
    return this.#owed.has(peerId)
  }

  /** The pair key in plaintext; the caller zeroes it when done. */
  async openPairKey(record: DeviceRecord): Promise<Uint8Array> {
    return this.#secrets.open(record.pairKeySealed)
  }

  // ---- writes: each one changes the registry and announces it -------------

  /** Seals the pair key (and zeroes the plaintext) and stores the device. */
  async recordPairing(outcome: PairingOutcome, status: 'paired' | 'pending-confirmation'): Promise<DeviceRecord> {
    let sealed: Uint8Array
    try {
      sealed = await this.#secrets.seal(outcome.pairKey)
    } finally {
      outcome.pairKey.fill(0)
    }
    const record = this.#registry.recordPairing({
      peerId: outcome.remotePeerId,
      name: outcome.remoteDevice.name,
      os: outcome.remoteDevice.os,
      appVersion: outcome.remoteDevice.appVersion,
      addresses: outcome.remoteDevice.addresses,
      pairKeySealed: sealed,
      status
    })
    this.#changed(outcome.remotePeerId, status === 'paired' ? 'paired' : 'pending')
    return record
  }

  confirm(peerId: string): boolean {
    return this.#when(this.#registry.confirmPairing(peerId), peerId, 'confirmed')
  }

  dropPending(peerId: string, reason: string): boolean {
    return this.#when(this.#registry.dropPending(peerId, reason), peerId, 'pending-dropped')
  }

  forget(peerId: string): boolean {
    return this.#when(this.#registry.forget(peerId), peerId, 'forgotten')
  }

  revoke(peerId: string): boolean {
    return this.#when(this.#registry.revoke(peerId), peerId, 'revoked')
  }

  markRemovedByPeer(peerId: string): boolean {
    return this.#when(this.#registry.markRemovedByPeer(peerId), peerId, 'removed-by-peer')
  }

  markRevocationDelivered(peerId: string): boolean {
    return this.#when(this.#registry.markRevocationDelivered(peerId), peerId, 'revocation-delivered')
  }

  /** Counts a delivery try; no trust changes, so nothing is announced. */
  recordRevocationAttempt(peerId: string): void {
    this.#registry.recordRevocationAttempt(peerId)
  }

  updatePresence(peerId: string, presence: { lastSeen: number; addresses?: string[] }): void {
    this.#registry.updatePresence(peerId, presence)
    this.#changed(peerId, 'presence')
  }

  /** Applies a name a paired device proved it now carries; announces it only when it changed. */
  renamePeer(peerId: string, name: string): void {
    const previousName = this.#registry.renamePeer(peerId, name)
    if (previousName === null) return
    this.events.emit('renamed', { peerId, previousName })
    this.#changed(peerId, 'renamed')
  }

  #when(changed: boolean, peerId: string, change: TrustChange): boolean {
    if (changed) this.#changed(peerId, change)
    return changed
  }

  #changed(peerId: string, change: TrustChange): void {
    this.#refresh()
    this.events.emit('change', { peerId, change })
  }

  #refresh(): void {
    this.#untrusted = new Set(this.#registry.revokedPeerIds())
    this.#owed = new Set(this.#registry.pendingRevocations().map((p) => p.peerId))
  }
}
