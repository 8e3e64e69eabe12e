// The pairing protocol runs over any reliable, ordered, authenticated byte
// stream. libp2p streams are adapted to this in the node layer; tests use the
// in-memory pipe below. Peer identity is NOT part of the stream: the caller
// passes the peer ids that its transport authenticated (Noise for libp2p).

export interface ByteDuplex {
  /** Incoming chunks, ending when the remote closes its write side. */
  readonly source: AsyncIterable<Uint8Array>
  write(chunk: Uint8Array): Promise<void>
  /** Graceful close of both directions. */
  close(): Promise<void>
  /** Immediate teardown; pending reads end with an error. */
  abort(err: Error): void
}

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
