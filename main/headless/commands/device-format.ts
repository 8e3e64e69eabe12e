import type { DeviceView } from '../../../shared/api.ts'

// How a device is described in text output. Everything here is public
// (names, fingerprints, times); nothing about keys beyond the fingerprint.

export function describeDevice(device: DeviceView): string {
  return `${device.name} (${device.os}, fingerprint ${device.fingerprint})`
}

const STATUS_TEXT: Record<DeviceView['status'], string> = {
  paired: 'paired',
  'pending-confirmation': 'pending confirmation',
  revoked: 'revoked',
  'removed-by-peer': 'removed by the other device'
}

export function deviceTable(devices: readonly DeviceView[], now: number = Date.now()): string {
  if (devices.length === 0)
    return 'No paired devices yet. Run `pairwise pair` here, or `pairwise join` with a code from another device.'
  const rows = devices.map((d) => [
    d.name,
    STATUS_TEXT[d.status],
    d.online ? 'online' : d.lastSeen === null ? 'never seen' : `seen ${ago(now - d.lastSeen)}`,
    d.fingerprint,
    d.os,
    d.peerId.slice(0, 12)
  ])
  const header = ['NAME', 'STATUS', 'PRESENCE', 'FINGERPRINT', 'OS', 'PEER ID']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return 'just now'
  if (s < 3600) return `${Math.round(s / 60)} min ago`
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`
  return `${Math.round(s / 86_400)} days ago`
}
