import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { z } from 'zod'
import { lengthPrefixed } from '../util/length-prefixed.ts'

// Messages between devices that are already paired: the presence check
// (`/pairwise/presence/1.0.0`) and the revocation notice
// (`/pairwise/revoke/1.0.0`). Each proof is an HMAC under the pair key over
// both peer ids as Noise authenticated them plus fresh nonces, so a proof
// from one connection or one check is worthless in any other.

export const PRESENCE_PROTOCOL = '/pairwise/presence/1.0.0'
export const REVOKE_PROTOCOL = '/pairwise/revoke/1.0.0'

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`))
const Addresses = z.array(z.string().max(256)).max(16)
export const LocalStatusSchema = z.enum(['paired', 'pending'])
// The sender's current device name, as sent: the MAC covers these exact
// characters, so it is only capped here; the device-name rules
// (shared/device.ts) decide afterwards whether we take it (see presence.ts).
const SenderName = z.string().max(256)

/**
 * The overheard-code alarm, relayed by the initiator to the device it paired with (issue 12): who
 * else proved the code, how long after the pairing, and how it reached the initiator. Under the MAC.
 */
export const CodeAlarmSchema = z.strictObject({
  claimant: z.string().min(1).max(128),
  after: z
    .number()
    .int()
    .nonnegative()
    .max(24 * 3600),
  path: z.enum(['direct', 'relay', 'lan']).optional()
})
export type CodeAlarm = z.infer<typeof CodeAlarmSchema>

export const PresenceRequestSchema = z.strictObject({
  t: z.literal('presence'),
  nonce: hex(32),
  status: LocalStatusSchema,
  name: SenderName,
  addrs: Addresses,
  alarm: CodeAlarmSchema.optional(),
  mac: hex(32)
})
export const PresenceOkSchema = z.strictObject({
  t: z.literal('presence-ok'),
  nonce: hex(32),
  status: LocalStatusSchema,
  name: SenderName,
  addrs: Addresses,
  mac: hex(32)
})
/** "I hold no pairing with you." Authenticated by the connection alone: only that peer can say it about itself. */
export const UnknownSchema = z.strictObject({ t: z.literal('unknown') })
export const RevokeNoticeSchema = z.strictObject({
  t: z.literal('revoke'),
  at: z.number().int().nonnegative(),
  mac: hex(32),
  sig: hex(64)
})
export const RevokeAckSchema = z.strictObject({ t: z.literal('revoke-ack') })

export const PresenceReplySchema = z.union([PresenceOkSchema, UnknownSchema, RevokeNoticeSchema])

export type PresenceRequest = z.infer<typeof PresenceRequestSchema>
export type PresenceReply = z.infer<typeof PresenceReplySchema>
export type RevokeNotice = z.infer<typeof RevokeNoticeSchema>
export type LocalStatus = z.infer<typeof LocalStatusSchema>

const encode = lengthPrefixed

/** An alarm as MACed bytes: one more length-prefixed field, so a request with one never MACs like one without. */
const alarmFields = (alarm: CodeAlarm | undefined): string[] =>
  alarm === undefined ? [] : [JSON.stringify([alarm.claimant, alarm.after, alarm.path ?? ''])]

export function presenceRequestMac(
  pairKey: Uint8Array,
  from: string,
  to: string,
  nonce: Uint8Array,
  status: LocalStatus,
  name: string,
  alarm?: CodeAlarm
): Uint8Array {
  return hmac(
    sha256,
    pairKey,
    encode('pairwise/v1/presence/request', from, to, nonce, status, name, ...alarmFields(alarm))
  )
}

export function presenceReplyMac(
  pairKey: Uint8Array,
  from: string,
  to: string,
  requestNonce: Uint8Array,
  nonce: Uint8Array,
  status: LocalStatus,
  name: string
): Uint8Array {
  return hmac(sha256, pairKey, encode('pairwise/v1/presence/reply', from, to, requestNonce, nonce, status, name))
}

/** The bytes a revocation notice authenticates, with the pair key (MAC) and with the revoker's identity key (signature). */
export function revocationBytes(from: string, to: string, at: number): Uint8Array {
  return encode('pairwise/v1/revoke', from, to, at)
}

export function revocationMac(pairKey: Uint8Array, from: string, to: string, at: number): Uint8Array {
  return hmac(sha256, pairKey, revocationBytes(from, to, at))
}
