import type { Stream } from '@libp2p/interface'
import type { ByteDuplex } from '../protocol/byte-duplex.ts'

/** Adapts a libp2p v3 stream to the protocol's byte duplex. */
export function streamDuplex(stream: Stream, writeTimeoutMs = 10_000): ByteDuplex {
  return {
    source: (async function* () {
      for await (const chunk of stream) yield chunk instanceof Uint8Array ? chunk : chunk.subarray()
    })(),
    async write(chunk) {
      if (!stream.send(chunk)) await stream.onDrain({ signal: AbortSignal.timeout(writeTimeoutMs) })
    },
    async close() {
      await stream.close({ signal: AbortSignal.timeout(writeTimeoutMs) })
    },
    abort(err) {
      stream.abort(err)
    }
  }
}
