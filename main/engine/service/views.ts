import type { DeviceView, Metrics, PairingSessionView, ThisDevice } from '../../../shared/api.ts'
import { fingerprint } from '../identity/fingerprint.ts'
import type { SecretProtection } from '../identity/secret-store.ts'
import type { Registry } from '../registry/registry.ts'
import type { DeviceRecord } from '../registry/types.ts'

// Registry rows and engine state turned into the shapes of the API contract.
// Nothing secret (pair keys, entropy) ever reaches a view.

export function deviceView(record: DeviceRecord, online: boolean): DeviceView {
  return {
    peerId: record.peerId,
    name: record.name,
    os: record.os,
    appVersion: record.appVersion,
    fingerprint: fingerprint(record.peerId),
    pairedAt: record.pairedAt,
    lastSeen: record.lastSeen,
    online: online && (record.status === 'paired' || record.status === 'pending-confirmation'),
    status: record.status,
    revokedAt: record.revokedAt
  }
}

export function thisDeviceView(registry: Registry, protection: SecretProtection, addresses: string[]): ThisDevice {
  const self = registry.getThisDevice()
  if (self === null) throw new Error('this device is not registered')
  return {
    peerId: self.peerId,
    name: self.name,
    os: self.os,
    fingerprint: fingerprint(self.peerId),
    secretProtection: protection,
    addresses
  }
}

export type SessionViewInput = Omit<PairingSessionView, never>

/** Metrics come from the registry's audit log, so `pairwise metrics` can read them from any process. */
export function metricsFrom(registry: Registry): Metrics {
  const counts = registry.counts()
  const events = counts.events
  const joinsFailed: Record<string, number> = {}
  // Sums of the counts each session logs when it ends (pairing-host.ts).
  const sums: Record<string, number> = { 'failed-proofs': 0, 'peers-blocked': 0, 'strangers-refused': 0 }
  for (const event of registry.listEvents({ limit: 10_000 })) {
    if (event.kind === 'join-failed')
      joinsFailed[event.reason ?? 'unknown'] = (joinsFailed[event.reason ?? 'unknown'] ?? 0) + 1
    if (event.kind in sums) sums[event.kind] = sums[event.kind]! + Number(event.details.count ?? 0)
  }
  return {
    sessionsStarted: events['session-started'] ?? 0,
    paired: (events['paired'] ?? 0) + (events['confirmed'] ?? 0),
    joinsFailed,
    codesExpired: events['code-expired'] ?? 0,
    failedProofs: sums['failed-proofs']!,
    peersBlocked: sums['peers-blocked']!,
    codesBurnt: events['code-burnt'] ?? 0,
    strangersRefused: sums['strangers-refused']!,
    revocationsSent: events['revocation-delivered'] ?? 0,
    revocationsPending: registry.pendingRevocations().length,
    devices: { ...counts.devices }
  }
}
