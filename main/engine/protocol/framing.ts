import { PairwiseError } from '../../../shared/errors.ts'
import type { ByteDuplex } from './byte-duplex.ts'

// Frames: a 2-byte big-endian length, then the body. The cap is checked on the
// header, before a single body byte is buffered, so an oversized frame costs
// the sender a closed stream and us nothing (P8).
export const MAX_FRAME_BYTES = 4096
const HEADER_BYTES = 2

export function encodeFrame(body: Uint8Array): Uint8Array {
  if (body.length === 0 || body.length > MAX_FRAME_BYTES) {
    throw new PairwiseError('protocol-error', `A pairing message of ${body.length} bytes is outside the allowed size.`)
  }
  const frame = new Uint8Array(HEADER_BYTES + body.length)
  frame[0] = body.length >>> 8
  frame[1] = body.length & 0xff
  frame.set(body, HEADER_BYTES)
  return frame
}

/** Reads whole frames from a byte stream, never holding more than one frame plus one chunk. */
export class FramedChannel {
  readonly #duplex: ByteDuplex
  readonly #iterator: AsyncIterator<Uint8Array>
  #buffer: Uint8Array = new Uint8Array(0)

  constructor(duplex: ByteDuplex) {
    this.#duplex = duplex
    this.#iterator = duplex.source[Symbol.asyncIterator]()
  }

  async write(body: Uint8Array): Promise<void> {
    await this.#duplex.write(encodeFrame(body))
  }

  /**
   * Resolves with the next frame body. Rejects with a `protocol-error` for an
   * oversized or empty frame or a stream that ends mid-frame, with `timed-out`
   * when `signal` fires first.
   */
  async read(signal: AbortSignal): Promise<Uint8Array> {
    for (;;) {
      const frame = this.#takeFrame()
      if (frame !== undefined) return frame
      const chunk = await this.#nextChunk(signal)
      if (chunk === undefined) {
        throw new PairwiseError(
          'protocol-error',
          this.#buffer.length === 0
            ? 'The other device closed the connection.'
            : 'The other device closed the connection in the middle of a message.'
        )
      }
      if (this.#buffer.length + chunk.length > HEADER_BYTES + MAX_FRAME_BYTES + 65536) {
        throw new PairwiseError('protocol-error', 'The other device sent more data than a pairing message may hold.')
      }
      this.#buffer = concat(this.#buffer, chunk)
    }
  }

  #takeFrame(): Uint8Array | undefined {
    if (this.#buffer.length < HEADER_BYTES) return undefined
    const length = (this.#buffer[0]! << 8) | this.#buffer[1]!
    if (length === 0 || length > MAX_FRAME_BYTES) {
      throw new PairwiseError(
        'protocol-error',
        `The other device sent a ${length}-byte pairing message; the limit is ${MAX_FRAME_BYTES}.`
      )
    }
    if (this.#buffer.length < HEADER_BYTES + length) return undefined
    const body = this.#buffer.slice(HEADER_BYTES, HEADER_BYTES + length)
    this.#buffer = this.#buffer.slice(HEADER_BYTES + length)
    return body
  }

  async #nextChunk(signal: AbortSignal): Promise<Uint8Array | undefined> {
    if (signal.aborted) throw timedOut(signal)
    let onAbort: (() => void) | undefined
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(timedOut(signal))
      signal.addEventListener('abort', onAbort, { once: true })
    })
    try {
      const result = await Promise.race([this.#iterator.next(), aborted])
      return result.done === true ? undefined : result.value
    } catch (err) {
      if (err instanceof PairwiseError) throw err
      throw new PairwiseError('protocol-error', 'The connection to the other device broke.', { cause: err })
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
    }
  }

  async close(): Promise<void> {
    await this.#duplex.close().catch(() => undefined)
  }

  abort(reason: string): void {
    this.#duplex.abort(new Error(reason))
  }
}

function timedOut(signal: AbortSignal): PairwiseError {
  const reason: unknown = signal.reason
  if (reason instanceof PairwiseError) return reason
  return new PairwiseError('timed-out', 'The other device stopped answering.', {
    hint: 'Check that both devices are online and try again.'
  })
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
