// Shapes that leave the registry. Rows are mapped to these so that no caller
// ever sees column names or SQLite value types.

import type { DeviceStatus } from '../../../shared/states.ts'

// Listed once in shared/ (the API's enum is made from the same array); re-exported for the registry.
export { DEVICE_STATUSES, type DeviceStatus } from '../../../shared/states.ts'

/** Statuses whose peers the connection gater must refuse. */
export const UNTRUSTED_STATUSES = ['revoked', 'removed-by-peer'] as const satisfies readonly DeviceStatus[]

export interface ThisDevice {
  peerId: string
  name: string
  os: string
  createdAt: number
}

export interface DeviceRecord {
  peerId: string
  name: string
  os: string
  appVersion: string
  pairedAt: number
  lastSeen: number | null
  addresses: string[]
  /** Ciphertext sealed by the caller's secret store; the registry never holds the plaintext key. */
  pairKeySealed: Uint8Array
  status: DeviceStatus
  revokedAt: number | null
}

export interface PairingInput {
  peerId: string
  name: string
  os: string
  appVersion: string
  addresses: string[]
  pairKeySealed: Uint8Array
  status: 'paired' | 'pending-confirmation'
}

export interface RegistryEvent {
  id: number
  at: number
  kind: string
  peerId: string | null
  reason: string | null
  details: Record<string, unknown>
}

export interface EventInput {
  peerId?: string
  reason?: string
  details?: Record<string, unknown>
}

export interface PendingRevocation {
  peerId: string
  attempts: number
  createdAt: number
  lastAttemptAt: number | null
}

export interface RegistryCounts {
  devices: Record<DeviceStatus, number>
  events: Record<string, number>
}

export interface RegistryOptions {
  /** Clock for every timestamp the registry writes itself; tests pin it. */
  now?: () => number
  /** How long a write waits for another connection's lock before failing. */
  busyTimeoutMs?: number
}
