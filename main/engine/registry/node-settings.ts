import { RegistryPart } from './registry-part.ts'
import { checkText, LIMITS } from './validate.ts'

/** The Pairwise nodes this person added in Settings, kept in the registry file; each change is logged. */
export class NodeSettings extends RegistryPart {
  /** Oldest first. */
  list(): Array<{ address: string; addedAt: number }> {
    return this.db.guard(() =>
      this.db
        .all('SELECT address, added_at FROM nodes ORDER BY added_at, address')
        .map((row) => ({ address: row.address as string, addedAt: row.added_at as number }))
    )
  }

  /** True when added; false when it was there already. */
  add(address: string): boolean {
    const value = checkText(address, 'address', LIMITS.address)
    return this.db.transaction(() => {
      const sql = 'INSERT INTO nodes (address, added_at) VALUES (?, ?) ON CONFLICT (address) DO NOTHING'
      const { changes } = this.db.run(sql, value, this.now())
      if (changes > 0) this.db.insertEvent(this.now(), 'node-added', null, null, JSON.stringify({ address: value }))
      return changes > 0
    })
  }

  /** True when removed; false when it was not there. */
  remove(address: string): boolean {
    const value = checkText(address, 'address', LIMITS.address)
    return this.db.transaction(() => {
      const { changes } = this.db.run('DELETE FROM nodes WHERE address = ?', value)
      if (changes > 0) this.db.insertEvent(this.now(), 'node-removed', null, null, JSON.stringify({ address: value }))
      return changes > 0
    })
  }
}
