// The protocol and trust tests run real protocol code over this pipe instead
// of libp2p streams: same ByteDuplex contract, no sockets, deterministic order.
import type { ByteDuplex } from '../../main/engine/protocol/byte-duplex.ts'

/** Two connected in-memory ends: what one writes, the other reads. */
export function memoryPipe(): [ByteDuplex, ByteDuplex] {
  const a = new MemoryEnd()
  const b = new MemoryEnd()
  a.peer = b
  b.peer = a
  return [a, b]
}

class MemoryEnd implements ByteDuplex {
  peer!: MemoryEnd
  #queue: Uint8Array[] = []
  #ended = false
  #error: Error | undefined
  #wake: (() => void) | undefined

  readonly source: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        for (;;) {
          if (this.#error !== undefined) throw this.#error
          const chunk = this.#queue.shift()
          if (chunk !== undefined) return { value: chunk, done: false }
          if (this.#ended) return { value: undefined, done: true }
          await new Promise<void>((resolve) => {
            this.#wake = resolve
          })
        }
      },
      return: async (): Promise<IteratorResult<Uint8Array>> => ({ value: undefined, done: true })
    })
  }

  deliver(chunk: Uint8Array): void {
    if (this.#ended || this.#error !== undefined) return
    this.#queue.push(new Uint8Array(chunk))
    this.#notify()
  }

  end(err?: Error): void {
    if (err !== undefined && this.#error === undefined) this.#error = err
    this.#ended = true
    this.#notify()
  }

  #notify(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#error !== undefined) throw this.#error
    this.peer.deliver(chunk)
  }

  async close(): Promise<void> {
    this.peer.end()
  }

  abort(err: Error): void {
    this.end(err)
    this.peer.end(new Error('stream reset by remote'))
  }
}
