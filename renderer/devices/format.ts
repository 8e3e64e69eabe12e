import type { DeviceStatus, DeviceView } from '../../shared/api.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export function presenceText(device: Pick<DeviceView, 'online' | 'lastSeen'>, now: number): string {
  if (device.online) return 'Online'
  if (device.lastSeen === null) return 'Not seen online since pairing'
  const ago = Math.max(0, now - device.lastSeen)
  if (ago < MINUTE) return 'Last seen just now'
  if (ago < HOUR) return `Last seen ${Math.floor(ago / MINUTE)} min ago`
  if (ago < DAY) return `Last seen ${Math.floor(ago / HOUR)} h ago`
  return `Last seen ${new Date(device.lastSeen).toLocaleDateString()}`
}

export function dateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/**
 * Enough of the fingerprint (e.g. "3F9A 7C21 0B44 9E1D") to recognise a device in the list; the
 * whole one is in the row's tooltip and on the device's own Devices screen, for comparing.
 */
export function shortFingerprint(fingerprint: string): string {
  const groups = fingerprint
    .trim()
    .split(/[\s:]+/u)
    .filter((g) => g !== '')
  if (groups.length > 2) return `${groups.slice(0, 2).join(' ')} …`
  if (groups.length === 2) return groups.join(' ')
  const flat = groups[0] ?? ''
  return flat.length <= 8 ? flat : `${flat.slice(0, 4)} ${flat.slice(4, 8)} …`
}

export const STATUS_TEXT: Record<DeviceStatus, string> = {
  paired: 'Paired',
  'pending-confirmation': 'Waiting for confirmation',
  revoked: 'Revoked',
  'removed-by-peer': 'Removed by the other device'
}

const ORDER: Record<DeviceStatus, number> = { paired: 0, 'pending-confirmation': 1, 'removed-by-peer': 2, revoked: 3 }

export function sortDevices(devices: readonly DeviceView[]): DeviceView[] {
  return [...devices].sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.pairedAt - a.pairedAt)
}
