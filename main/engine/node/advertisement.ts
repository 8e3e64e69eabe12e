import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import type { PrivateKey } from '@libp2p/interface'
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { codeKeyFromSeed, verifyCodeSignature } from '../code/code-key.ts'
import { verifyByPeerId } from '../identity/peer-key.ts'
import { fromHex, toHex } from '../util/bytes.ts'
import { DeviceNameSchema, PeerIdTextSchema } from '../../../shared/device.ts'
import { CODE_TTL_MAX_MS, MINUTE_MS } from '../../../shared/limits.ts'

// A pairing advertisement is the DHT record under /pairwise/<code public key>.
// The key is the public half of an Ed25519 key pair derived from the code, and
// the record is signed with its private half as well as with the initiator's
// identity key: every DHT node checks both without learning the code, so
// someone who merely read the key (or the record) cannot overwrite it with one
// of their own — kad-dht nodes keep the last valid put, so this matters. Where
// the initiator listens and what it is called are sealed with a key derived
// from the code. The record carries its own expiry because kad-dht serves
// records for 48 h.

export const AD_NAMESPACE = 'pairwise'
export const MAX_RECORD_BYTES = 2048
/** A record may claim to live at most this long: the longest code TTL plus clock skew. */
export const MAX_AD_LIFETIME_MS = CODE_TTL_MAX_MS + MINUTE_MS
/**
 * DHT nodes keep serving a record this long after its code expired, so that a
 * joiner who types the words late hears "this code expired" rather than "no
 * device is waiting". The body is sealed, so the extra time reveals nothing.
 */
export const EXPIRED_AD_GRACE_MS = 10 * 60_000

const RecordSchema = z.strictObject({
  v: z.literal(1),
  peer: PeerIdTextSchema,
  exp: z.number().int().positive(),
  sealed: z
    .string()
    .regex(/^[0-9a-f]+$/)
    .max(1600),
  sig: z.string().regex(/^[0-9a-f]{128}$/),
  csig: z.string().regex(/^[0-9a-f]{128}$/)
})
type AdRecord = z.infer<typeof RecordSchema>

const SealedBodySchema = z.strictObject({
  addrs: z.array(z.string().max(256)).max(16),
  name: DeviceNameSchema,
  os: z.string().max(32)
})
export type AdvertisementBody = z.infer<typeof SealedBodySchema>

export interface Advertisement {
  peerId: string
  expiresAt: number
  body: AdvertisementBody
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The DHT key for a code: `/pairwise/<hex of the code's advertisement public key>`. */
export function advertisementKey(keys: { adSeed: Uint8Array }): Uint8Array {
  return dhtKeyOf(codeKeyFromSeed(keys.adSeed).publicKey)
}

function dhtKeyOf(codePublicKey: Uint8Array): Uint8Array {
  return encoder.encode(`/${AD_NAMESPACE}/${toHex(codePublicKey)}`)
}

function signedBytes(key: Uint8Array, r: Omit<AdRecord, 'sig' | 'csig'>): Uint8Array {
  return encoder.encode(
    JSON.stringify(['pairwise/v1/advertisement', decoder.decode(key), r.v, r.peer, r.exp, r.sealed])
  )
}

function sealAad(rendezvous: Uint8Array, peerId: string): Uint8Array {
  // Binding the sealed body to the advertiser's peer id stops anyone from
  // lifting a real body into a record signed by their own key.
  return encoder.encode(`pairwise/v1/ad-body/${toHex(rendezvous)}/${peerId}`)
}

export async function createAdvertisement(options: {
  keys: { rendezvous: Uint8Array; sealKey: Uint8Array; adSeed: Uint8Array }
  peerId: string
  privateKey: PrivateKey
  expiresAt: number
  body: AdvertisementBody
}): Promise<{ key: Uint8Array; value: Uint8Array }> {
  const { rendezvous, sealKey, adSeed } = options.keys
  const codeKey = codeKeyFromSeed(adSeed)
  const key = dhtKeyOf(codeKey.publicKey)
  const nonce = randomBytes(24)
  const ciphertext = xchacha20poly1305(sealKey, nonce, sealAad(rendezvous, options.peerId)).encrypt(
    encoder.encode(JSON.stringify(options.body))
  )
  const unsigned = {
    v: 1 as const,
    peer: options.peerId,
    exp: options.expiresAt,
    sealed: toHex(nonce) + toHex(ciphertext)
  }
  const bytes = signedBytes(key, unsigned)
  const sig = await options.privateKey.sign(bytes)
  const csig = codeKey.sign(bytes)
  const value = encoder.encode(JSON.stringify({ ...unsigned, sig: toHex(sig), csig: toHex(csig) }))
  if (value.length > MAX_RECORD_BYTES) throw new Error('advertisement too large')
  return { key, value }
}

function parseRecord(value: Uint8Array): AdRecord {
  if (value.length > MAX_RECORD_BYTES) throw new Error('advertisement too large')
  return RecordSchema.parse(JSON.parse(decoder.decode(value)))
}

/** Who made a stored record and until when it is served: for the DHT record store's limits. */
export function advertisementHolder(value: Uint8Array): { peer: string; servedUntil: number } | undefined {
  try {
    const record = parseRecord(value)
    return { peer: record.peer, servedUntil: record.exp + EXPIRED_AD_GRACE_MS }
  } catch {
    return undefined
  }
}

/**
 * The DHT validator every node runs for the `pairwise` namespace: size, shape,
 * expiry window and signature. It throws to reject, as kad-dht expects.
 */
export async function validateAdvertisement(key: Uint8Array, value: Uint8Array, now = Date.now()): Promise<void> {
  const record = parseRecord(value)
  const match = /^\/pairwise\/([0-9a-f]{64})$/.exec(decoder.decode(key))
  if (match === null) throw new Error('not a pairwise advertisement key')
  if (record.exp + EXPIRED_AD_GRACE_MS <= now) throw new Error('advertisement expired')
  if (record.exp > now + MAX_AD_LIFETIME_MS) throw new Error('advertisement expiry too far ahead')
  const bytes = signedBytes(key, record)
  // Made with the code: signed by the key the DHT key names.
  if (!verifyCodeSignature(fromHex(match[1]!), bytes, fromHex(record.csig))) {
    throw new Error('bad advertisement code signature')
  }
  // Made by the device it names: signed by the key inside its peer id.
  if (!(await verifyByPeerId(record.peer, bytes, fromHex(record.sig)))) throw new Error('bad advertisement signature')
}

/**
 * Picks the record to keep among valid ones: the latest expiry (a republished
 * record supersedes the old), ties broken by the smaller signature so that
 * every node picks the same one.
 */
export function selectAdvertisement(_key: Uint8Array, values: Uint8Array[]): number {
  let best = -1
  let bestRecord: AdRecord | undefined
  values.forEach((value, index) => {
    let record: AdRecord
    try {
      record = parseRecord(value)
    } catch {
      return
    }
    if (
      bestRecord === undefined ||
      record.exp > bestRecord.exp ||
      (record.exp === bestRecord.exp && record.sig < bestRecord.sig)
    ) {
      best = index
      bestRecord = record
    }
  })
  return Math.max(best, 0)
}

/**
 * The joiner's side: open a record found under our rendezvous key. Returns
 * undefined for anything that is not a live advertisement sealed with this
 * code — e.g. a record planted by someone who only read the rendezvous id.
 */
export async function openAdvertisement(
  value: Uint8Array,
  keys: { rendezvous: Uint8Array; sealKey: Uint8Array; adSeed: Uint8Array },
  now = Date.now()
): Promise<Advertisement | undefined> {
  const { rendezvous, sealKey } = keys
  try {
    await validateAdvertisement(advertisementKey(keys), value, now)
    const record = parseRecord(value)
    const sealed = fromHex(record.sealed)
    const plaintext = xchacha20poly1305(sealKey, sealed.subarray(0, 24), sealAad(rendezvous, record.peer)).decrypt(
      sealed.subarray(24)
    )
    const body = SealedBodySchema.parse(JSON.parse(decoder.decode(plaintext)))
    return { peerId: record.peer, expiresAt: record.exp, body }
  } catch {
    return undefined
  }
}
