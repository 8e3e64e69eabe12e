import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { bareNode } from '../../../test-support/engine/loopback-network.ts'
import { MAX_FRAME_BYTES } from '../protocol/framing.ts'
import { AD_PROTOCOL, AdvertisementServer, requestAdvertisement } from './advertisement-server.ts'

// The record server a public-network joiner asks (P8: unknown keys and oversized
// requests cost nothing and get nothing), with two real libp2p nodes on 127.0.0.1.

const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes)

describe('advertisement server', () => {
  let host: Awaited<ReturnType<typeof bareNode>>
  let asker: Awaited<ReturnType<typeof bareNode>>
  let server: AdvertisementServer
  const key = new TextEncoder().encode(`/pairwise/${'ab'.repeat(32)}`)
  const record = new TextEncoder().encode('{"the":"sealed record"}')

  before(async () => {
    host = await bareNode()
    asker = await bareNode()
    server = new AdvertisementServer(host)
    await server.start()
  })
  after(async () => {
    await server.stop()
    await Promise.all([host.stop(), asker.stop()])
  })

  const connect = () => asker.dial(host.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(5_000) })

  it('hands the record to whoever names its key, and nothing for any other key', async () => {
    server.offer(key, record)
    const connection = await connect()
    assert.equal(text(await requestAdvertisement(connection, key, AbortSignal.timeout(5_000))), text(record))
    const other = new TextEncoder().encode(`/pairwise/${'cd'.repeat(32)}`)
    assert.equal(await requestAdvertisement(connection, other, AbortSignal.timeout(5_000)), undefined)
    server.withdraw(key)
    assert.equal(await requestAdvertisement(connection, key, AbortSignal.timeout(5_000)), undefined)
  })

  it('answers an oversized request with a closed stream, never the record', async () => {
    server.offer(key, record)
    const connection = await connect()
    const stream = await connection.newStream(AD_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
    // A header announcing more than a frame may hold: refused before any body byte is read.
    stream.send(Uint8Array.of(0xff, 0xff, ...new Uint8Array(64)))
    const received: Uint8Array[] = []
    try {
      for await (const chunk of stream) received.push(chunk instanceof Uint8Array ? chunk : chunk.subarray())
    } catch {
      // Reset by the server: the same answer as a close.
    }
    assert.equal(received.length, 0)
    assert.ok(MAX_FRAME_BYTES < 0xffff)
    // The server still answers properly afterwards.
    assert.equal(text(await requestAdvertisement(connection, key, AbortSignal.timeout(5_000))), text(record))
  })
})
