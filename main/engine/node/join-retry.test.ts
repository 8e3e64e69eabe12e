// A LAN or stored candidate whose dial fails is dialled again (join-race.ts worthRetrying): a flooded
// initiator refuses new connections for moments at a time, and the joiner used to wait out its whole
// join timeout. Real nodes and sockets: the candidate's address is a TCP relay in front of the
// initiator that drops the first two connections, as a flooded initiator's gate would.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import assert from 'node:assert/strict'
import net from 'node:net'
import { after, describe, it } from 'node:test'
import { parseCodeOrThrow } from '../../../shared/code/index.ts'
import { deviceNamed } from '../../../test-support/engine/in-memory-pairing.ts'
import { LOOPBACK, startDevice, type TestDevice } from '../../../test-support/engine/loopback-network.ts'
import { removeTempDir } from '../../../test-support/temp-dirs.ts'
import { raceJoin } from './join-race.ts'
import { createNode } from './libp2p-node.ts'

/** A TCP relay to `port` that drops the first `drop` connections it accepts. */
async function droppingRelay(
  port: number,
  drop: number
): Promise<{ port: number; dropped: () => number; close(): void }> {
  let dropped = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    if (dropped < drop) {
      dropped++
      socket.destroy()
      return
    }
    const upstream = net.connect({ host: '127.0.0.1', port })
    sockets.add(upstream)
    upstream.on('error', () => socket.destroy())
    socket.on('close', () => upstream.destroy())
    socket.pipe(upstream).pipe(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    dropped: () => dropped,
    close() {
      for (const s of sockets) s.destroy()
      server.close()
    }
  }
}

describe('a joiner whose dial to a LAN or stored candidate fails', { timeout: 60_000 }, () => {
  const devices: TestDevice[] = []
  after(async () => {
    for (const d of devices) await d.stop().catch(() => undefined)
    for (const d of devices) removeTempDir(d.dataDir)
  })

  for (const path of ['lan', 'stored'] as const) {
    it(`dials the ${path} candidate again and pairs`, async () => {
      const initiator = await startDevice(`Initiator (${path})`)
      devices.push(initiator)
      const session = await initiator.service.startPairing({})
      const listen = initiator.service.multiaddrs().find((a) => a.startsWith('/ip4/127.0.0.1/tcp/'))!
      const relay = await droppingRelay(Number(listen.split('/')[4]), 2)
      const key = await generateKeyPair('Ed25519')
      const node = await createNode({
        privateKey: key,
        network: { ...LOOPBACK, bootstrap: [] },
        policy: { isRefused: () => false }
      })
      try {
        const candidate = { peerId: initiator.service.peerId, addrs: [`/ip4/127.0.0.1/tcp/${relay.port}`], path }
        const outcome = await raceJoin({
          node,
          entropy: parseCodeOrThrow(session.words.join(' ')).entropy,
          identity: { privateKey: key, peerId: peerIdFromPrivateKey(key).toString() },
          device: deviceNamed('Joiner'),
          commit: async () => undefined,
          progress: () => undefined,
          timeoutMs: 20_000,
          useDht: false,
          allowLoopback: true,
          ...(path === 'lan'
            ? { lan: { query: () => undefined, known: () => [candidate], subscribe: () => () => undefined } }
            : { stored: () => [candidate] })
        })
        assert.equal(outcome.remotePeerId, initiator.service.peerId)
        assert.equal(relay.dropped(), 2, 'the first two dials were dropped')
      } finally {
        await node.stop()
        relay.close()
      }
    })
  }
})
