import { createHmac, randomBytes } from 'node:crypto'

// Wrong-proof counts per remote peer, in memory that does not grow (P6, P8).
//
// Why a keyed count-min sketch (a partitioned counting Bloom filter) and not a
// map of peers: peer ids cost an attacker nothing, so any structure that keeps
// one entry per peer must either grow without bound or forget someone — and
// forgetting a blocked peer unblocks it (a fresh peer used to get 200 answers
// once 1,024 peers were blocked). A sketch has a fixed size and its counters
// only go up: a peer's estimate is the minimum of its ROWS counters, which is
// never below its true count, so a peer that reached the limit stays blocked
// for the rest of the session however many others fail. The price is a false
// positive: an innocent peer whose every counter was raised by others. That
// needs ROWS counters each hit `limit` times; the counters are chosen by an
// HMAC under a secret drawn per session, so an attacker cannot pick peer ids
// that land on a real joiner's counters. A peer that gets blocked raises each
// of its counters by the whole limit, so a counter is "full" as soon as ONE
// blocked peer shares it: with 1,100 blocked peers over 8,192 counters per row
// an innocent peer was refused ~1 time in 4,000 (measured: 1 in ~10 runs of
// the 1,100-peer test refused some attacker at its first proof). With 65,536
// counters per row (256 KiB per session) the same is ~1e-7 per peer.
// Counters saturate at 255 rather than wrap.

const ROWS = 4
const WIDTH = 65_536

export class FailureSketch {
  readonly #secret = randomBytes(32)
  readonly #counters = new Uint8Array(ROWS * WIDTH)

  /** Adds one failure for `peerId` and returns its (never underestimated) count. */
  add(peerId: string): number {
    let min = 255
    for (const slot of this.#slots(peerId)) {
      if (this.#counters[slot]! < 255) this.#counters[slot]!++
      min = Math.min(min, this.#counters[slot]!)
    }
    return min
  }

  /** Failures recorded for `peerId`: at least the true count. */
  count(peerId: string): number {
    let min = 255
    for (const slot of this.#slots(peerId)) min = Math.min(min, this.#counters[slot]!)
    return min
  }

  /** Bytes held, whatever the number of peers: for tests and the design note above. */
  get bytes(): number {
    return this.#counters.byteLength
  }

  #slots(peerId: string): number[] {
    const digest = createHmac('sha256', this.#secret).update(peerId).digest()
    const slots: number[] = []
    for (let row = 0; row < ROWS; row++) slots.push(row * WIDTH + (digest.readUInt32BE(row * 4) % WIDTH))
    return slots
  }
}
