import { RegistryPart } from './registry-part.ts'
import { THIS_DEVICE_COLUMNS, toThisDevice } from './rows.ts'
import type { ThisDevice } from './types.ts'
import { checkDeviceName, checkPeerId, checkText, LIMITS } from './validate.ts'

/** This device's own row (its peer id, name and OS), kept in the registry file; identity changes and renames are logged. */
export class ThisDeviceStore extends RegistryPart {
  get(): ThisDevice | null {
    return this.db.guard(() => {
      const row = this.db.get(`SELECT ${THIS_DEVICE_COLUMNS} FROM this_device WHERE id = 1`)
      return row === undefined ? null : toThisDevice(row)
    })
  }

  set(input: { peerId: string; name: string; os: string }): ThisDevice {
    const peerId = checkPeerId(input?.peerId)
    const name = checkDeviceName(input.name)
    const os = checkText(input.os, 'os', LIMITS.os)
    return this.db.transaction(() => {
      const at = this.now()
      const row = this.db.get(`SELECT ${THIS_DEVICE_COLUMNS} FROM this_device WHERE id = 1`)
      const current = row === undefined ? null : toThisDevice(row)
      if (current === null) {
        this.db.run(
          'INSERT INTO this_device (id, peer_id, name, os, created_at) VALUES (1, ?, ?, ?, ?)',
          peerId,
          name,
          os,
          at
        )
        return { peerId, name, os, createdAt: at }
      }
      if (current.peerId !== peerId) {
        // A new identity key (the old one was lost or reset). Refusing would lock the person
        // out of their own app; logging it lets support see why every pairing stopped working.
        this.db.run(
          'UPDATE this_device SET peer_id = ?, name = ?, os = ?, created_at = ? WHERE id = 1',
          peerId,
          name,
          os,
          at
        )
        this.#insertEvent(at, 'identity-changed', { previousPeerId: current.peerId, peerId })
        return { peerId, name, os, createdAt: at }
      }
      this.db.run('UPDATE this_device SET name = ?, os = ? WHERE id = 1', name, os)
      if (current.name !== name) this.#insertEvent(at, 'renamed', { from: current.name, to: name })
      return { peerId, name, os, createdAt: current.createdAt }
    })
  }

  #insertEvent(at: number, kind: string, details: Record<string, unknown>): void {
    this.db.insertEvent(at, kind, null, null, JSON.stringify(details))
  }
}
