import type { Connection, Startable, Stream } from '@libp2p/interface'
import { toHex } from '../util/bytes.ts'
import { FramedChannel } from '../protocol/framing.ts'
import { MAX_RECORD_BYTES } from './advertisement.ts'
import type { PairwiseLibp2p } from './libp2p-node.ts'
import { streamDuplex } from './stream-duplex.ts'

// Hands out this device's pairing advertisement to whoever names its key. On
// the public network the DHT only says WHO provides a code's rendezvous CID
// (public-network.ts); the joiner then asks that provider here for the record
// itself — the same signed, sealed record the private DHT would hold, so it is
// checked exactly as one found there. Asking needs the record's key, which
// only holders of the code can compute; a wrong key gets nothing.

export const AD_PROTOCOL = '/pairwise/ad/1.0.0'
/** A key is `/pairwise/<64 hex>`: 74 bytes. */
const MAX_KEY_BYTES = 128
const REQUEST_TIMEOUT_MS = 5_000
/** Few: one code waits at a time, and a joiner asks once. */
const MAX_AD_STREAMS = 4

/** What the server needs of the node: registering its one protocol. */
export type AdvertisementServerNode = Pick<PairwiseLibp2p, 'handle' | 'unhandle'>

export class AdvertisementServer implements Startable {
  readonly #node: AdvertisementServerNode
  /** Records on offer, by hex of their key: at most one per waiting code. */
  readonly #records = new Map<string, Uint8Array>()

  constructor(node: AdvertisementServerNode) {
    this.#node = node
  }

  async start(): Promise<void> {
    await this.#node.handle(AD_PROTOCOL, (stream) => this.#answer(stream), {
      maxInboundStreams: MAX_AD_STREAMS,
      runOnLimitedConnection: true
    })
  }

  async stop(): Promise<void> {
    this.#records.clear()
    await this.#node.unhandle(AD_PROTOCOL).catch(() => undefined)
  }

  offer(key: Uint8Array, record: Uint8Array): void {
    this.#records.set(toHex(key), record)
  }

  withdraw(key: Uint8Array): void {
    this.#records.delete(toHex(key))
  }

  async #answer(stream: Stream): Promise<void> {
    const duplex = streamDuplex(stream)
    const channel = new FramedChannel(duplex)
    try {
      const key = await channel.read(AbortSignal.timeout(REQUEST_TIMEOUT_MS))
      const record = key.length <= MAX_KEY_BYTES ? this.#records.get(toHex(key)) : undefined
      // No record: the stream just closes; the asker learns no more than "not here".
      if (record !== undefined) await channel.write(record)
      await duplex.close()
    } catch {
      duplex.abort(new Error('advertisement request failed'))
    }
  }
}

/** Asks a connected provider for the record under `key`; undefined when it has none or does not answer in time. */
export async function requestAdvertisement(
  connection: Connection,
  key: Uint8Array,
  signal: AbortSignal
): Promise<Uint8Array | undefined> {
  const stream = await connection.newStream(AD_PROTOCOL, { signal, runOnLimitedConnection: true })
  const channel = new FramedChannel(streamDuplex(stream))
  try {
    await channel.write(key)
    const record = await channel.read(signal)
    return record.length <= MAX_RECORD_BYTES ? record : undefined
  } catch {
    return undefined
  } finally {
    stream.abort(new Error('done'))
  }
}
