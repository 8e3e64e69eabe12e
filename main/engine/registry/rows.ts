// Row → object mapping. A value of the wrong type means the file was edited or
// damaged outside Pairwise; saying so beats handing a caller a half-typed record.

import type { SQLOutputValue } from 'node:sqlite'
import { storageFailure } from './storage-error.ts'
import { DEVICE_STATUSES } from './types.ts'
import type { DeviceRecord, DeviceStatus, RegistryEvent, ThisDevice } from './types.ts'

export type Row = Record<string, SQLOutputValue>

function damaged(column: string): Error {
  return storageFailure(
    'The device registry contains a value Pairwise cannot read.',
    'Move the registry file aside so Pairwise can start a new one, or restore it from a backup.',
    { column }
  )
}

function text(row: Row, column: string): string {
  const v = row[column]
  if (typeof v !== 'string') throw damaged(column)
  return v
}

function textOrNull(row: Row, column: string): string | null {
  const v = row[column]
  return v === null ? null : text(row, column)
}

function int(row: Row, column: string): number {
  const v = row[column]
  if (typeof v !== 'number') throw damaged(column)
  return v
}

function intOrNull(row: Row, column: string): number | null {
  return row[column] === null ? null : int(row, column)
}

function json(row: Row, column: string): unknown {
  try {
    return JSON.parse(text(row, column))
  } catch {
    throw damaged(column)
  }
}

export const DEVICE_COLUMNS =
  'peer_id, name, os, app_version, paired_at, last_seen, addresses, pair_key_sealed, status, revoked_at'

export function toDevice(row: Row): DeviceRecord {
  const addresses = json(row, 'addresses')
  if (!Array.isArray(addresses) || !addresses.every((a) => typeof a === 'string')) throw damaged('addresses')
  const sealed = row.pair_key_sealed
  if (!(sealed instanceof Uint8Array)) throw damaged('pair_key_sealed')
  const status = text(row, 'status')
  if (!(DEVICE_STATUSES as readonly string[]).includes(status)) throw damaged('status')
  return {
    peerId: text(row, 'peer_id'),
    name: text(row, 'name'),
    os: text(row, 'os'),
    appVersion: text(row, 'app_version'),
    pairedAt: int(row, 'paired_at'),
    lastSeen: intOrNull(row, 'last_seen'),
    addresses: addresses as string[],
    pairKeySealed: sealed,
    status: status as DeviceStatus,
    revokedAt: intOrNull(row, 'revoked_at')
  }
}

export const EVENT_COLUMNS = 'id, at, kind, peer_id, reason, details'

export function toEvent(row: Row): RegistryEvent {
  const details = json(row, 'details')
  if (typeof details !== 'object' || details === null || Array.isArray(details)) throw damaged('details')
  return {
    id: int(row, 'id'),
    at: int(row, 'at'),
    kind: text(row, 'kind'),
    peerId: textOrNull(row, 'peer_id'),
    reason: textOrNull(row, 'reason'),
    details: details as Record<string, unknown>
  }
}

export const THIS_DEVICE_COLUMNS = 'peer_id, name, os, created_at'

export function toThisDevice(row: Row): ThisDevice {
  return {
    peerId: text(row, 'peer_id'),
    name: text(row, 'name'),
    os: text(row, 'os'),
    createdAt: int(row, 'created_at')
  }
}
