import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import type { DeviceInfo } from '../../../shared/device.ts'
import { lengthPrefixed } from '../util/length-prefixed.ts'

// Everything that is proven or signed is a domain-separated, length-prefixed
// encoding of the session so far. Both peer ids are the ones the transport
// authenticated (Noise's remotePeer), never a field from a message: a relay
// between two connections therefore computes different inputs on each side
// and every proof fails (P3). Nonces from both sides make each proof and
// signature unique to one session (P4).

export interface TranscriptBase {
  version: number
  rendezvous: Uint8Array
  initiatorPeerId: string
  joinerPeerId: string
  joinerNonce: Uint8Array
}

export interface FullTranscript extends TranscriptBase {
  initiatorNonce: Uint8Array
  initiatorDevice: DeviceInfo
  joinerDevice: DeviceInfo
  joinerProof: Uint8Array
  initiatorProof: Uint8Array
}

const encode = lengthPrefixed

/** A device description with a fixed key order, so both sides hash the same bytes. */
export function canonicalDevice(d: DeviceInfo): string {
  return JSON.stringify([d.name, d.os, d.appVersion, d.addresses])
}

// Each proof covers what the session holds at that point; every later input
// extends the earlier ones, so no field is ever left out of what follows.
const baseFields = (t: TranscriptBase) =>
  [t.version, t.rendezvous, t.initiatorPeerId, t.joinerPeerId, t.joinerNonce] as const

type ChallengeTranscript = TranscriptBase & { initiatorNonce: Uint8Array; initiatorDevice: DeviceInfo }
const challengeFields = (t: ChallengeTranscript) =>
  [...baseFields(t), t.initiatorNonce, canonicalDevice(t.initiatorDevice)] as const

export function joinerProof(authKey: Uint8Array, t: TranscriptBase): Uint8Array {
  return hmac(sha256, authKey, encode('pairwise/v1/proof/joiner', ...baseFields(t)))
}

export function initiatorProof(authKey: Uint8Array, t: ChallengeTranscript): Uint8Array {
  return hmac(sha256, authKey, encode('pairwise/v1/proof/initiator', ...challengeFields(t)))
}

export function transcriptHash(t: FullTranscript): Uint8Array {
  return sha256(
    encode(
      'pairwise/v1/transcript',
      ...challengeFields(t),
      canonicalDevice(t.joinerDevice),
      t.joinerProof,
      t.initiatorProof
    )
  )
}

// Distinct labels per role: a signature from one side can never be reflected
// back as the other side's.
export const signedByJoiner = (hash: Uint8Array): Uint8Array => encode('pairwise/v1/sig/joiner', hash)
export const signedByInitiator = (hash: Uint8Array): Uint8Array => encode('pairwise/v1/sig/initiator', hash)

// The check string both screens show while the initiator's person decides (issue 12). It must be
// something a device in the middle that knows the words cannot steer to match between its two
// exchanges, so it is made like Bluetooth's numeric comparison: the joiner's Hello nonce is a
// commitment to a secret `reveal` it sends only in its Response, after the initiator's nonce is
// fixed. The check covers only values each side fixed before the other's last move (peer ids from
// Noise, the rendezvous, both nonces, the reveal) — not the device descriptions, which the last
// mover could vary at will to grind the six digits. A relay in the middle therefore matches the two
// screens by chance only: 1 in a million per attempt, and every attempt needs a person to click Allow.

/** The Hello nonce for a given reveal: what the joiner commits to before it sees the initiator's nonce. */
export function checkCommitment(reveal: Uint8Array): Uint8Array {
  return sha256(encode('pairwise/v1/check/commit', reveal))
}

export interface CheckInputs extends TranscriptBase {
  initiatorNonce: Uint8Array
  reveal: Uint8Array
}

/** Six digits as "123 456", from HKDF over the committed values; 48 bits reduced mod 10^6 (bias < 2^-28). */
export function checkString(t: CheckInputs): string {
  const salt = encode(...baseFields(t), t.initiatorNonce)
  const bytes = hkdf(sha256, t.reveal, salt, utf8ToBytes('pairwise/v1/check'), 6)
  let value = 0
  for (const b of bytes) value = value * 256 + b
  const digits = String(value % 1_000_000).padStart(6, '0')
  return `${digits.slice(0, 3)} ${digits.slice(3)}`
}
