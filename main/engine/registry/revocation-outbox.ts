import { RegistryPart } from './registry-part.ts'
import type { PendingRevocation } from './types.ts'

/**
 * Revocation notices still owed to a peer (P9: "now or at next contact"). A
 * notice is queued in the same transaction as the revocation (registry.ts);
 * this is delivery bookkeeping: delivered, attempts, what is still owed.
 */
export class RevocationOutbox extends RegistryPart {
  /** True when this call settled the notice; false when none was pending. */
  markDelivered(peerId: string): boolean {
    return this.db.transaction(() => {
      const at = this.now()
      const sql = 'UPDATE revocation_outbox SET delivered_at = ? WHERE peer_id = ? AND delivered_at IS NULL'
      if (this.db.run(sql, at, peerId).changes === 0) return false
      this.db.insertEvent(at, 'revocation-delivered', peerId, null, '{}')
      return true
    })
  }

  /** Counts a failed delivery try (for backoff). False when no notice is pending. */
  recordAttempt(peerId: string): boolean {
    return this.db.guard(() => {
      const sql =
        'UPDATE revocation_outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE peer_id = ? AND delivered_at IS NULL'
      return this.db.run(sql, this.now(), peerId).changes > 0
    })
  }

  /** Notices still owed, oldest first. */
  pending(): PendingRevocation[] {
    const sql =
      'SELECT peer_id, attempts, created_at, last_attempt_at FROM revocation_outbox WHERE delivered_at IS NULL ORDER BY created_at, peer_id'
    return this.db.guard(() =>
      this.db.all(sql).map((row) => ({
        peerId: row.peer_id as string,
        attempts: row.attempts as number,
        createdAt: row.created_at as number,
        lastAttemptAt: row.last_attempt_at as number | null
      }))
    )
  }
}
