// The pairing protocol runs over any reliable, ordered, authenticated byte
// stream. libp2p streams are adapted to this in the node layer; tests use the
// in-memory pipe in test-support/engine/memory-pipe.ts. Peer identity is NOT
// part of the stream: the caller passes the peer ids that its transport
// authenticated (Noise for libp2p).

export interface ByteDuplex {
  /** Incoming chunks, ending when the remote closes its write side. */
  readonly source: AsyncIterable<Uint8Array>
  write(chunk: Uint8Array): Promise<void>
  /** Graceful close of both directions. */
  close(): Promise<void>
  /** Immediate teardown; pending reads end with an error. */
  abort(err: Error): void
}
