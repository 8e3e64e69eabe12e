// The two kad-dht messages a joiner sends itself (direct-lookup.ts): a
// GET_VALUE request, and the answer's record and closer peers. kad-dht does
// not export its message codec, so this is the few fields of the libp2p
// Kademlia spec's `Message` that a GET_VALUE uses, in plain protobuf:
//   1 type (varint), 2 key (bytes), 3 record (bytes), 8 closerPeers (Peer:
//   1 id (bytes), 2 addrs (repeated bytes)). Every other field is skipped.
// The answer comes from a stranger: every length is checked against the
// bytes there are, and the counts are bounded.

export const KAD_GET_VALUE = 1
/** A GET_VALUE answer: one record (≤ 2 KiB here) and ~20 peers with a few addresses each. */
export const MAX_KAD_MESSAGE_BYTES = 64 * 1024
const MAX_CLOSER_PEERS = 64
const MAX_ADDRS_PER_PEER = 16

export interface KadPeer {
  /** The peer id's multihash bytes. */
  id: Uint8Array
  addrs: Uint8Array[]
}

export interface KadAnswer {
  type: number
  key?: Uint8Array
  /** A serialized libp2p record (@libp2p/record). */
  record?: Uint8Array
  closer: KadPeer[]
}

export class KadWireError extends Error {
  override name = 'KadWireError'
}

export function encodeGetValue(key: Uint8Array): Uint8Array {
  return Uint8Array.from([0x08, KAD_GET_VALUE, 0x12, ...varint(key.length), ...key])
}

export function decodeKadAnswer(bytes: Uint8Array): KadAnswer {
  const answer: KadAnswer = { type: -1, closer: [] }
  for (const field of fields(bytes)) {
    if (field.number === 1 && field.varint !== undefined) answer.type = field.varint
    else if (field.number === 2 && field.bytes !== undefined) answer.key = field.bytes
    else if (field.number === 3 && field.bytes !== undefined) answer.record = field.bytes
    else if (field.number === 8 && field.bytes !== undefined && answer.closer.length < MAX_CLOSER_PEERS)
      answer.closer.push(decodePeer(field.bytes))
  }
  return answer
}

function decodePeer(bytes: Uint8Array): KadPeer {
  const peer: KadPeer = { id: new Uint8Array(), addrs: [] }
  for (const field of fields(bytes)) {
    if (field.number === 1 && field.bytes !== undefined) peer.id = field.bytes
    else if (field.number === 2 && field.bytes !== undefined && peer.addrs.length < MAX_ADDRS_PER_PEER)
      peer.addrs.push(field.bytes)
  }
  return peer
}

interface Field {
  number: number
  varint?: number
  bytes?: Uint8Array
}

function* fields(bytes: Uint8Array): Generator<Field> {
  let at = 0
  const readVarint = (): number => {
    let value = 0
    for (let shift = 0; shift < 64; shift += 7) {
      if (at >= bytes.length) throw new KadWireError('truncated varint')
      const b = bytes[at++]!
      // Past 2^53 the exact value does not matter (such a length fails the bounds check below).
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return value
    }
    throw new KadWireError('varint too long')
  }
  while (at < bytes.length) {
    const tag = readVarint()
    const number = Math.floor(tag / 8)
    switch (tag % 8) {
      case 0:
        yield { number, varint: readVarint() }
        break
      case 1:
        at += 8
        break
      case 2: {
        const length = readVarint()
        if (length > bytes.length - at) throw new KadWireError('field longer than the message')
        yield { number, bytes: bytes.subarray(at, at + length) }
        at += length
        break
      }
      case 5:
        at += 4
        break
      default:
        throw new KadWireError(`unsupported wire type ${tag % 8}`)
    }
    if (at > bytes.length) throw new KadWireError('truncated field')
  }
}

function varint(n: number): number[] {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

/** An answer as a kad-dht server writes it (for tests standing in for one, honest or not). */
export function encodeKadAnswer(answer: KadAnswer): Uint8Array {
  const bytesField = (number: number, bytes: Uint8Array): number[] => [
    ...varint(number * 8 + 2),
    ...varint(bytes.length),
    ...bytes
  ]
  const out = [0x08, answer.type]
  if (answer.key !== undefined) out.push(...bytesField(2, answer.key))
  if (answer.record !== undefined) out.push(...bytesField(3, answer.record))
  for (const peer of answer.closer) {
    const inner = [...bytesField(1, peer.id), ...peer.addrs.flatMap((a) => bytesField(2, a))]
    out.push(...bytesField(8, Uint8Array.from(inner)))
  }
  return Uint8Array.from(out)
}
