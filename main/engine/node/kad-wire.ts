// The two kad-dht messages a joiner sends itself (direct-lookup.ts): a
// GET_VALUE request, and the answer's record and closer peers. kad-dht does
// not export its message codec, so the few fields of the libp2p Kademlia
// spec's `Message` that a GET_VALUE uses are declared here with
// protons-runtime, in the shape protons generates for kad-dht's own dht.proto:
//   1 type (enum), 2 key (bytes), 3 record (bytes), 8 closerPeers (Peer:
//   1 id (bytes), 2 addrs (repeated bytes)). Every other field is skipped.
// The answer comes from a stranger: its size is checked before decoding, the
// repeated fields are bounded with protons' `limits`, and whatever the bytes
// are, decoding either returns an answer or throws a KadWireError.

import { decodeMessage, encodeMessage, MaxLengthError, message, type Codec, type Reader } from 'protons-runtime'

export const KAD_GET_VALUE = 1
/** A GET_VALUE answer: one record (≤ 2 KiB here) and ~20 peers with a few addresses each. */
export const MAX_KAD_MESSAGE_BYTES = 64 * 1024
/** kad-dht answers with its k = 20 closest; more is a stranger stuffing the answer. */
const MAX_CLOSER_PEERS = 64
/**
 * An honest machine can list many addresses (IPv6 privacy addresses, container bridges, relays), and
 * one peer over the limit fails the whole answer; the 64 KiB cap already bounds the total.
 */
export const MAX_ADDRS_PER_PEER = 64

export interface KadPeer {
  /** The peer id's multihash bytes. */
  id: Uint8Array
  addrs: Uint8Array[]
}

export interface KadAnswer {
  /** The message type; proto3's default (an absent field) is 0, PUT_VALUE. */
  type: number
  key?: Uint8Array
  /** A serialized libp2p record (@libp2p/record). */
  record?: Uint8Array
  closer: KadPeer[]
}

export class KadWireError extends Error {
  override name = 'KadWireError'
}

// Protobuf wire types (the low 3 bits of a field's tag).
const LENGTH_DELIMITED = 2
const START_GROUP = 3
const END_GROUP = 4

/**
 * Skips a field this message does not use. Groups are refused rather than skipped: nothing in the Kademlia
 * messages uses them, and protons skips nested groups by recursion, as deep as a stranger nests them.
 */
function skipUnknown(reader: Reader, wireType: number): void {
  if (wireType === START_GROUP || wireType === END_GROUP)
    throw new KadWireError(`unexpected group (wire type ${wireType})`)
  reader.skipType(wireType)
}

/**
 * The length of the embedded message that starts here: checked against the bytes left, and the caller checks
 * its fields end exactly there (protons' readers bound reads by the whole buffer, not the embedded message).
 */
function embeddedLength(reader: Reader): number {
  const length = reader.uint32()
  if (length > reader.len - reader.pos) throw new KadWireError('a peer entry is longer than the message')
  return length
}

let peerCodec: Codec<KadPeer> | undefined
const kadPeer = (): Codec<KadPeer> =>
  (peerCodec ??= message<KadPeer>(
    (obj, w, opts = {}) => {
      if (opts.lengthDelimited !== false) w.fork()
      if (obj.id != null && obj.id.byteLength > 0) w.uint32(10).bytes(obj.id)
      for (const addr of obj.addrs ?? []) w.uint32(18).bytes(addr)
      if (opts.lengthDelimited !== false) w.ldelim()
    },
    (reader, length, opts = {}) => {
      const obj: KadPeer = { id: new Uint8Array(0), addrs: [] }
      const end = length == null ? reader.len : reader.pos + length
      while (reader.pos < end) {
        const tag = reader.uint32()
        switch (tag >>> 3) {
          case 1:
            obj.id = reader.bytes()
            break
          case 2:
            if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs)
              throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
            obj.addrs.push(reader.bytes())
            break
          default:
            skipUnknown(reader, tag & 7)
        }
      }
      if (reader.pos !== end) throw new KadWireError('a field runs past the end of its peer entry')
      return obj
    }
  ))

let answerCodec: Codec<KadAnswer> | undefined
const kadMessage = (): Codec<KadAnswer> =>
  (answerCodec ??= message<KadAnswer>(
    (obj, w, opts = {}) => {
      if (opts.lengthDelimited !== false) w.fork()
      if (obj.type != null && obj.type !== 0) w.uint32(8).int32(obj.type)
      if (obj.key != null) w.uint32(18).bytes(obj.key)
      if (obj.record != null) w.uint32(26).bytes(obj.record)
      for (const peer of obj.closer ?? []) {
        w.uint32(66)
        kadPeer().encode(peer, w)
      }
      if (opts.lengthDelimited !== false) w.ldelim()
    },
    (reader, length, opts = {}) => {
      const obj: KadAnswer = { type: 0, closer: [] }
      const end = length == null ? reader.len : reader.pos + length
      while (reader.pos < end) {
        const tag = reader.uint32()
        switch (tag >>> 3) {
          case 1:
            obj.type = reader.int32()
            break
          case 2:
            obj.key = reader.bytes()
            break
          case 3:
            obj.record = reader.bytes()
            break
          case 8:
            if ((tag & 7) !== LENGTH_DELIMITED) throw new KadWireError('a closer peer that is not an embedded message')
            if (opts.limits?.closer != null && obj.closer.length === opts.limits.closer)
              throw new MaxLengthError('Decode error - repeated field "closer" had too many elements')
            obj.closer.push(kadPeer().decode(reader, embeddedLength(reader), { limits: opts.limits?.closer$ }))
            break
          default:
            skipUnknown(reader, tag & 7)
        }
      }
      return obj
    }
  ))

export function encodeGetValue(key: Uint8Array): Uint8Array {
  return encodeMessage<KadAnswer>({ type: KAD_GET_VALUE, key, closer: [] }, kadMessage())
}

/** A kad message from a stranger, bounded; a KadWireError when it is too big, malformed or over a bound. */
export function decodeKadAnswer(bytes: Uint8Array): KadAnswer {
  if (bytes.length > MAX_KAD_MESSAGE_BYTES)
    throw new KadWireError(`a kad message of ${bytes.length} bytes (at most ${MAX_KAD_MESSAGE_BYTES})`)
  try {
    return decodeMessage(bytes, kadMessage(), {
      limits: { closer: MAX_CLOSER_PEERS, closer$: { addrs: MAX_ADDRS_PER_PEER } }
    })
  } catch (err) {
    if (err instanceof KadWireError) throw err
    // protons' readers throw RangeError on truncation, Error on a bad wire type, MaxLengthError over a limit.
    const reason = err instanceof Error ? err.message : String(err)
    throw new KadWireError(`malformed kad message: ${reason}`, { cause: err })
  }
}

/** An answer as a kad-dht server writes it (for tests standing in for one, honest or not). */
export function encodeKadAnswer(answer: KadAnswer): Uint8Array {
  return encodeMessage(answer, kadMessage())
}
