import { RegistryPart } from './registry-part.ts'

// The person's settings that outlive a run, kept in the registry file (one
// JSON value per key in `settings`); a key never set has its default. Each
// change is logged, like the nodes in node-settings.ts.

const PUBLIC_NETWORK = 'public-network'

export class AppSettings extends RegistryPart {
  /** Meet devices on other networks through the public libp2p network (default: on). */
  get publicNetwork(): boolean {
    return this.#read(PUBLIC_NETWORK) !== false
  }

  /** True when the setting changed; false when it already had this value. */
  setPublicNetwork(on: boolean): boolean {
    return this.db.transaction(() => {
      if (this.publicNetwork === on) return false
      const sql =
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at'
      this.db.run(sql, PUBLIC_NETWORK, JSON.stringify(on), this.now())
      const details = JSON.stringify({ key: PUBLIC_NETWORK, value: on })
      this.db.insertEvent(this.now(), 'setting-changed', null, null, details)
      return true
    })
  }

  #read(key: string): unknown {
    return this.db.guard(() => {
      const row = this.db.get('SELECT value FROM settings WHERE key = ?', key)
      return row === undefined ? undefined : (JSON.parse(row.value as string) as unknown)
    })
  }
}
