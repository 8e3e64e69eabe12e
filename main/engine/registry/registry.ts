// The device registry: who this device is, which devices it trusts, what it still
// owes them (revocation notices), and an audit log. Every change that touches more
// than one row runs in one transaction, so a crash or kill never leaves, say, a
// revoked device without its pending notice (P9) or a pairing without its log entry.

import path from 'node:path'
import { PairwiseError } from '../../../shared/errors.ts'
import { nextDeviceStatus, type DeviceEvent, type StatusOrAbsent } from './device-status.ts'
import { RegistryDatabase } from './database.ts'
import { AppSettings } from './app-settings.ts'
import { AuditLog } from './audit-log.ts'
import { NodeSettings } from './node-settings.ts'
import { RevocationOutbox } from './revocation-outbox.ts'
import { ThisDeviceStore } from './this-device.ts'
import { DEVICE_COLUMNS, toDevice } from './rows.ts'
import { UNTRUSTED_STATUSES } from './types.ts'
import type {
  DeviceRecord,
  DeviceStatus,
  EventInput,
  PairingInput,
  PendingRevocation,
  RegistryCounts,
  RegistryEvent,
  RegistryOptions,
  ThisDevice
} from './types.ts'
import { checkPairing, checkPeerId, checkText, checkTimestamp, checkAddresses, LIMITS } from './validate.ts'

export { DATABASE_DIR_MODE, DATABASE_FILE_MODE } from './file-mode.ts'
export { SCHEMA_VERSION } from './schema.ts'
export { DEVICE_STATUSES, UNTRUSTED_STATUSES } from './types.ts'
export type * from './types.ts'

const DEFAULT_BUSY_TIMEOUT_MS = 5000
const UNTRUSTED_SQL = UNTRUSTED_STATUSES.map((s) => `'${s}'`).join(', ')

const UPSERT_DEVICE_SQL = `INSERT INTO devices (peer_id, name, os, app_version, paired_at, last_seen, addresses, pair_key_sealed, status, revoked_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
   ON CONFLICT (peer_id) DO UPDATE SET
     name = excluded.name, os = excluded.os, app_version = excluded.app_version,
     paired_at = excluded.paired_at, last_seen = excluded.last_seen, addresses = excluded.addresses,
     pair_key_sealed = excluded.pair_key_sealed, status = excluded.status,
     revoked_at = NULL, updated_at = excluded.updated_at`
const STATUS_SQL = 'SELECT status FROM devices WHERE peer_id = ?'
const DELETE_NOTICE_SQL = 'DELETE FROM revocation_outbox WHERE peer_id = ?'
const SET_STATUS_SQL = 'UPDATE devices SET status = ?, updated_at = ? WHERE peer_id = ?'
const GET_DEVICE_SQL = `SELECT ${DEVICE_COLUMNS} FROM devices WHERE peer_id = ?`

function notFound(peerId: string): PairwiseError {
  return new PairwiseError('not-found', 'No paired device has that id.', {
    hint: 'Refresh the device list; it may have been removed already.',
    details: { peerId }
  })
}

export class Registry {
  readonly #db: RegistryDatabase
  readonly #now: () => number

  /** The Pairwise nodes this person added (a setting kept with the registry). */
  readonly nodes: NodeSettings
  /** The person's other settings (the public network switch). */
  readonly settings: AppSettings
  readonly #outbox: RevocationOutbox
  readonly #audit: AuditLog
  readonly #thisDevice: ThisDeviceStore

  private constructor(db: RegistryDatabase, now: () => number) {
    this.nodes = new NodeSettings(db, now)
    this.settings = new AppSettings(db, now)
    this.#outbox = new RevocationOutbox(db, now)
    this.#audit = new AuditLog(db, now)
    this.#thisDevice = new ThisDeviceStore(db, now)
    this.#db = db
    this.#now = now
  }

  static open(file: string, options: RegistryOptions = {}): Registry {
    const location = path.resolve(checkText(file, 'file', 4096))
    const busyTimeoutMs = checkTimestamp(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, 'busyTimeoutMs')
    return new Registry(RegistryDatabase.open(location, busyTimeoutMs), options.now ?? Date.now)
  }

  close(): void {
    this.#db.close()
  }

  // ---- this device (this-device.ts) ----------------------------------------------

  getThisDevice(): ThisDevice | null {
    return this.#thisDevice.get()
  }

  setThisDevice(input: { peerId: string; name: string; os: string }): ThisDevice {
    return this.#thisDevice.set(input)
  }

  // ---- pairing lifecycle -------------------------------------------------------

  /**
   * Prepares the statements a pairing's commits run, while a code waits for its joiner: on a fresh
   * registry each one is otherwise compiled inside the exchange (~0.3 ms of a LAN pairing).
   */
  preparePairing(): void {
    this.#db.guard(() => {
      for (const sql of [UPSERT_DEVICE_SQL, STATUS_SQL, DELETE_NOTICE_SQL, SET_STATUS_SQL, GET_DEVICE_SQL])
        this.#db.prepare(sql)
      this.#db.prepareEventInsert()
    })
  }

  /**
   * Stores a device after a successful pairing. Re-pairing a revoked or removed device
   * (which needs a fresh code) replaces its record and cancels any notice still owed to it.
   */
  recordPairing(input: PairingInput): DeviceRecord {
    const p = checkPairing(input)
    return this.#db.transaction(() => {
      const at = this.#now()
      const previousStatus = this.#statusOf(p.peerId)
      if (nextDeviceStatus(previousStatus ?? 'absent', p.status === 'paired' ? 'pair' : 'pair-pending') !== p.status) {
        throw new PairwiseError('internal', `A pairing cannot be recorded over status ${previousStatus}.`)
      }
      // Upsert rather than INSERT OR REPLACE: REPLACE deletes first, which the outbox's
      // foreign key would refuse while a notice is still owed.
      this.#db.run(
        UPSERT_DEVICE_SQL,
        p.peerId,
        p.name,
        p.os,
        p.appVersion,
        at,
        at,
        JSON.stringify(p.addresses),
        p.pairKeySealed,
        p.status,
        at
      )
      this.#db.run(DELETE_NOTICE_SQL, p.peerId)
      this.#insertEvent(at, p.status === 'paired' ? 'paired' : 'pending', p.peerId, null, {
        name: p.name,
        os: p.os,
        appVersion: p.appVersion,
        previousStatus
      })
      return {
        peerId: p.peerId,
        name: p.name,
        os: p.os,
        appVersion: p.appVersion,
        pairedAt: at,
        lastSeen: at,
        addresses: p.addresses,
        pairKeySealed: Uint8Array.from(p.pairKeySealed),
        status: p.status,
        revokedAt: null
      }
    })
  }

  /**
   * A paired device told us (over the MACed presence exchange) that it now has
   * another name. Returns the name it had, or null when nothing changed (same
   * name, or the device is not one we trust). Logged so support can see why a
   * row's name changed.
   */
  renamePeer(peerId: string, name: string): string | null {
    const id = checkPeerId(peerId)
    const next = checkText(name, 'name', LIMITS.name)
    return this.#db.transaction(() => {
      const row = this.#db.get('SELECT name, status FROM devices WHERE peer_id = ?', id)
      if (row === undefined || row.name === next) return null
      if (row.status !== 'paired' && row.status !== 'pending-confirmation') return null
      const at = this.#now()
      this.#db.run('UPDATE devices SET name = ?, updated_at = ? WHERE peer_id = ?', next, at, id)
      this.#insertEvent(at, 'peer-renamed', id, null, { from: row.name, to: next })
      return row.name as string
    })
  }

  /** pending-confirmation → paired. False (and nothing written) when the device is not pending. */
  confirmPairing(peerId: string): boolean {
    const id = checkPeerId(peerId)
    return this.#db.transaction(() => {
      if (this.#transition(id, 'confirm') !== 'paired') return false
      const at = this.#now()
      this.#db.run(SET_STATUS_SQL, 'paired', at, id)
      this.#insertEvent(at, 'confirmed', id, null, {})
      return true
    })
  }

  /** Forgets a pairing that was never confirmed (P7). False when the device is not pending. */
  dropPending(peerId: string, reason: string): boolean {
    const id = checkPeerId(peerId)
    const why = checkText(reason, 'reason', LIMITS.reason)
    return this.#db.transaction(() => {
      if (this.#transition(id, 'drop-pending') !== 'absent') return false
      const at = this.#now()
      this.#db.run('DELETE FROM devices WHERE peer_id = ?', id)
      this.#insertEvent(at, 'pending-dropped', id, why, {})
      return true
    })
  }

  /** Forgets a device that removed us (its row and pair key go). False unless the table allows it. */
  forget(peerId: string): boolean {
    const id = checkPeerId(peerId)
    return this.#db.transaction(() => {
      if (this.#transition(id, 'forget') !== 'absent') return false
      this.#db.run('DELETE FROM devices WHERE peer_id = ?', id)
      this.#insertEvent(this.#now(), 'forgotten', id, null, {})
      return true
    })
  }

  /**
   * Removes trust at once and queues a notice for the peer. The sealed pair key is kept:
   * it authenticates that notice. True when this call revoked; false when the device
   * was already revoked or had removed us (nothing left to tell it).
   */
  revoke(peerId: string): boolean {
    const id = checkPeerId(peerId)
    return this.#db.transaction(() => {
      const status = this.#statusOf(id)
      if (status === null) throw notFound(id)
      if (nextDeviceStatus(status, 'revoke') !== 'revoked') return false
      const at = this.#now()
      this.#db.run(
        "UPDATE devices SET status = 'revoked', revoked_at = ?, updated_at = ? WHERE peer_id = ?",
        at,
        at,
        id
      )
      this.#db.run(
        `INSERT INTO revocation_outbox (peer_id, created_at, attempts, last_attempt_at, delivered_at) VALUES (?, ?, 0, NULL, NULL)
         ON CONFLICT (peer_id) DO UPDATE SET created_at = excluded.created_at, attempts = 0, last_attempt_at = NULL, delivered_at = NULL`,
        id,
        at
      )
      this.#insertEvent(at, 'revoked', id, null, { previousStatus: status })
      return true
    })
  }

  /**
   * Records an (already authenticated) notice that the peer revoked us. If we had revoked
   * it first, the status stays 'revoked' — that was this person's decision — but our own
   * notice is settled, since the peer no longer listens. False when nothing changed.
   */
  markRemovedByPeer(peerId: string): boolean {
    const id = checkPeerId(peerId)
    return this.#db.transaction(() => {
      const status = this.#statusOf(id)
      if (status === null) throw notFound(id)
      const next = nextDeviceStatus(status, 'peer-removed')
      if (next === undefined) return false
      const at = this.#now()
      if (next === status) {
        const { changes } = this.#db.run(
          'UPDATE revocation_outbox SET delivered_at = ? WHERE peer_id = ? AND delivered_at IS NULL',
          at,
          id
        )
        if (changes === 0) return false
        this.#insertEvent(at, 'removed-by-peer', id, null, { previousStatus: status, statusKept: true })
        return true
      }
      this.#db.run(
        "UPDATE devices SET status = 'removed-by-peer', revoked_at = ?, updated_at = ? WHERE peer_id = ?",
        at,
        at,
        id
      )
      this.#insertEvent(at, 'removed-by-peer', id, null, { previousStatus: status })
      return true
    })
  }

  // ---- revocation outbox (revocation-outbox.ts) ----------------------------------

  markRevocationDelivered(peerId: string): boolean {
    return this.#outbox.markDelivered(checkPeerId(peerId))
  }

  recordRevocationAttempt(peerId: string): boolean {
    return this.#outbox.recordAttempt(checkPeerId(peerId))
  }

  pendingRevocations(): PendingRevocation[] {
    return this.#outbox.pending()
  }

  // ---- queries -----------------------------------------------------------------

  getDevice(peerId: string): DeviceRecord | null {
    const id = checkPeerId(peerId)
    return this.#db.guard(() => {
      const row = this.#db.get(GET_DEVICE_SQL, id)
      return row === undefined ? null : toDevice(row)
    })
  }

  /** Newest pairing first. Revoked and removed devices only when asked for. */
  listDevices(options: { includeRevoked?: boolean } = {}): DeviceRecord[] {
    const where = options.includeRevoked === true ? '' : `WHERE status NOT IN (${UNTRUSTED_SQL})`
    return this.#db.guard(() =>
      this.#db.all(`SELECT ${DEVICE_COLUMNS} FROM devices ${where} ORDER BY paired_at DESC, peer_id`).map(toDevice)
    )
  }

  /** Only fully paired devices: a pending one has not shown it holds the pair key yet. */
  isTrusted(peerId: string): boolean {
    const id = checkPeerId(peerId)
    return this.#db.guard(() => this.#statusOf(id) === 'paired')
  }

  /** Peers the connection gater must refuse. */
  revokedPeerIds(): string[] {
    return this.#db.guard(() =>
      this.#db
        .all(`SELECT peer_id FROM devices WHERE status IN (${UNTRUSTED_SQL}) ORDER BY peer_id`)
        .map((row) => row.peer_id as string)
    )
  }

  updatePresence(peerId: string, presence: { lastSeen: number; addresses?: string[] }): void {
    const id = checkPeerId(peerId)
    const lastSeen = checkTimestamp(presence?.lastSeen, 'lastSeen')
    const addresses = presence.addresses === undefined ? null : JSON.stringify(checkAddresses(presence.addresses))
    this.#db.guard(() => {
      // max(): presence checks race; an older answer arriving late must not move "last seen" back.
      const { changes } = this.#db.run(
        `UPDATE devices SET last_seen = max(coalesce(last_seen, 0), ?), addresses = coalesce(?, addresses), updated_at = ?
         WHERE peer_id = ?`,
        lastSeen,
        addresses,
        this.#now(),
        id
      )
      if (changes === 0) throw notFound(id)
    })
  }

  // ---- audit log (audit-log.ts) ----------------------------------------------------

  logEvent(kind: string, input: EventInput = {}): RegistryEvent {
    return this.#audit.log(kind, input)
  }

  /** Several audit rows in one transaction (one fsync); nothing is written if one of them is invalid. */
  logEvents(entries: Array<{ kind: string; input?: EventInput }>): void {
    this.#audit.logMany(entries)
  }

  listEvents(options: { limit?: number } = {}): RegistryEvent[] {
    return this.#audit.list(options)
  }

  counts(): RegistryCounts {
    return this.#audit.counts()
  }

  // ---- internals ---------------------------------------------------------------

  /** The status `event` leads to from the device's current one, or undefined when the table refuses it. */
  #transition(peerId: string, event: DeviceEvent): StatusOrAbsent | undefined {
    return nextDeviceStatus(this.#statusOf(peerId) ?? 'absent', event)
  }

  #statusOf(peerId: string): DeviceStatus | null {
    const row = this.#db.get(STATUS_SQL, peerId)
    return row === undefined ? null : (row.status as DeviceStatus)
  }

  #insertEvent(
    at: number,
    kind: string,
    peerId: string | null,
    reason: string | null,
    details: Record<string, unknown>
  ): number {
    return this.#db.insertEvent(at, kind, peerId, reason, JSON.stringify(details))
  }
}
