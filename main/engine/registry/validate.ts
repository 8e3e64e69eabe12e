// Input checks run before any transaction starts, so a rejected call changes nothing.
// Names, addresses and versions arrive from remote peers: the bounds keep one hostile
// peer from bloating the database or the settings screen.

import { deviceNameProblem } from '../../../shared/device-name.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import type { EventInput, PairingInput } from './types.ts'

export const LIMITS = {
  peerId: 256,
  name: 64,
  os: 64,
  appVersion: 64,
  address: 256,
  addresses: 32,
  pairKeySealed: 4096,
  eventKind: 64,
  reason: 256,
  detailsJson: 4096,
  detailsDepth: 8,
  listEvents: 10_000
} as const

function invalid(message: string, field: string): PairwiseError {
  return new PairwiseError('invalid-argument', message, { details: { field } })
}

/** Counts code points, not UTF-16 units, so a name in any script gets the same budget. */
function textLength(value: string): number {
  let n = 0
  for (const _ of value) n++
  return n
}

export function checkText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${field} must be a non-empty string.`, field)
  if (textLength(value) > max) throw invalid(`${field} must be at most ${max} characters.`, field)
  return value
}

/** Names reach terminals and screens: the same rules as shared/device-name.ts, at the last gate before disk. */
export function checkDeviceName(value: unknown): string {
  const name = checkText(value, 'name', LIMITS.name)
  const problem = deviceNameProblem(name)
  if (problem !== undefined) throw invalid(problem, 'name')
  return name
}

export function checkPeerId(value: unknown): string {
  return checkText(value, 'peerId', LIMITS.peerId)
}

export function checkTimestamp(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${field} must be a non-negative whole number of milliseconds.`, field)
  }
  return value
}

export function checkAddresses(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid('addresses must be an array of strings.', 'addresses')
  if (value.length > LIMITS.addresses)
    throw invalid(`At most ${LIMITS.addresses} addresses can be stored.`, 'addresses')
  return value.map((a) => checkText(a, 'addresses[]', LIMITS.address))
}

export function checkPairing(input: PairingInput): PairingInput {
  if (typeof input !== 'object' || input === null) throw invalid('A pairing record is required.', 'pairing')
  if (input.status !== 'paired' && input.status !== 'pending-confirmation') {
    throw invalid("status must be 'paired' or 'pending-confirmation'.", 'status')
  }
  const sealed = input.pairKeySealed
  if (!(sealed instanceof Uint8Array) || sealed.length === 0 || sealed.length > LIMITS.pairKeySealed) {
    throw invalid(`pairKeySealed must be 1–${LIMITS.pairKeySealed} bytes.`, 'pairKeySealed')
  }
  return {
    peerId: checkPeerId(input.peerId),
    name: checkDeviceName(input.name),
    os: checkText(input.os, 'os', LIMITS.os),
    appVersion: checkText(input.appVersion, 'appVersion', LIMITS.appVersion),
    addresses: checkAddresses(input.addresses),
    // A private copy: a caller reusing its buffer must not change what we stored.
    pairKeySealed: Uint8Array.from(sealed),
    status: input.status
  }
}

// The audit log must never hold key material. Binary values are how keys travel
// inside this program, so refusing them stops the easy mistake of logging one.
function assertPlainJson(value: unknown, depth: number): void {
  if (depth > LIMITS.detailsDepth) throw invalid('details is nested too deeply.', 'details')
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid('details numbers must be finite.', 'details')
    return
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw invalid('details must not contain binary data: the event log never holds keys.', 'details')
  }
  if (Array.isArray(value)) {
    for (const v of value) assertPlainJson(v, depth + 1)
    return
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) assertPlainJson(v, depth + 1)
    return
  }
  throw invalid('details must contain only plain JSON values.', 'details')
}

export interface CheckedEvent {
  kind: string
  peerId: string | null
  reason: string | null
  detailsJson: string
}

export function checkEvent(kind: unknown, input: EventInput = {}): CheckedEvent {
  const k = checkText(kind, 'kind', LIMITS.eventKind)
  if (!/^[a-z][a-z0-9-]*$/.test(k)) throw invalid('kind must be lower-case words joined by dashes.', 'kind')
  const details = input.details ?? {}
  if (typeof details !== 'object' || details === null || Array.isArray(details))
    throw invalid('details must be an object.', 'details')
  assertPlainJson(details, 0)
  const detailsJson = JSON.stringify(details)
  if (Buffer.byteLength(detailsJson) > LIMITS.detailsJson)
    throw invalid(`details must be at most ${LIMITS.detailsJson} bytes as JSON.`, 'details')
  return {
    kind: k,
    peerId: input.peerId === undefined ? null : checkPeerId(input.peerId),
    reason: input.reason === undefined ? null : checkText(input.reason, 'reason', LIMITS.reason),
    detailsJson
  }
}

export function checkLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > LIMITS.listEvents) {
    throw invalid(`limit must be a whole number from 1 to ${LIMITS.listEvents}.`, 'limit')
  }
  return value
}
