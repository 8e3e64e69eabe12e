import { RegistryPart } from './registry-part.ts'
import { EVENT_COLUMNS, toEvent } from './rows.ts'
import { DEVICE_STATUSES } from './types.ts'
import type { DeviceStatus, EventInput, RegistryCounts, RegistryEvent } from './types.ts'
import { checkEvent, checkLimit } from './validate.ts'

/** The registry's audit log: plain facts only, never keys, codes or sealed blobs; metrics are counted from it. */
export class AuditLog extends RegistryPart {
  log(kind: string, input: EventInput = {}): RegistryEvent {
    const e = checkEvent(kind, input)
    return this.db.guard(() => {
      const at = this.now()
      const id = this.db.insertEvent(at, e.kind, e.peerId, e.reason, e.detailsJson)
      return {
        id,
        at,
        kind: e.kind,
        peerId: e.peerId,
        reason: e.reason,
        details: JSON.parse(e.detailsJson) as Record<string, unknown>
      }
    })
  }

  /**
   * Several rows in one transaction: one fsync instead of one per row (a session's end writes up to five),
   * and all of them or none. Every row is checked before anything is written.
   */
  logMany(entries: Array<{ kind: string; input?: EventInput }>): void {
    const checked = entries.map((e) => checkEvent(e.kind, e.input))
    if (checked.length === 0) return
    this.db.transaction(() => {
      const at = this.now()
      for (const e of checked) this.db.insertEvent(at, e.kind, e.peerId, e.reason, e.detailsJson)
    })
  }

  /** Newest first (by id: the wall clock can step back, the id cannot). */
  list(options: { limit?: number } = {}): RegistryEvent[] {
    const limit = checkLimit(options.limit ?? 100)
    return this.db.guard(() =>
      this.db.all(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY id DESC LIMIT ?`, limit).map(toEvent)
    )
  }

  /** For metrics: every status is present (zero if none); event kinds as they occur. */
  counts(): RegistryCounts {
    return this.db.guard(() => {
      const devices = Object.fromEntries(DEVICE_STATUSES.map((s) => [s, 0])) as Record<DeviceStatus, number>
      for (const row of this.db.all('SELECT status, count(*) AS n FROM devices GROUP BY status')) {
        devices[row.status as DeviceStatus] = row.n as number
      }
      const events: Record<string, number> = {}
      for (const row of this.db.all('SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind')) {
        events[row.kind as string] = row.n as number
      }
      return { devices, events }
    })
  }
}
