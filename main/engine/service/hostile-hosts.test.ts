// A host whose pairing streams keep failing is refused before Noise (connection-guard.ts,
// host-strikes.ts), with real nodes: the attacker's connection is closed, its host's new
// connections are dropped before a handshake byte is read, and an honest joiner from another
// address still pairs. The attacker is a bare libp2p node on 127.0.1.77, as another machine would be.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { tcp, type TCPOptions } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { describe, it } from 'node:test'
import { hostOf } from '../node/connection-guard.ts'
import { PAIR_PROTOCOL } from '../node/join-race.ts'
import { streamDuplex } from '../node/stream-duplex.ts'
import { FramedChannel } from '../protocol/framing.ts'
import { PROTOCOL_VERSION } from '../protocol/messages.ts'
import { forgedHello } from '../../../test-support/engine/forged-hello.ts'
import { bareNodeOptions } from '../../../test-support/engine/bare-node-options.ts'
import { loopbackFleet, startAdvertised } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'

const ATTACKER_HOST = '127.0.1.77'
const OTHER_HOST = '127.0.1.78'
const FAST = { reconnectMs: 400, joinTimeoutMs: 30_000, lanWaitMs: 500, dhtPatienceMs: 15_000 }

/** Connects a raw socket from `localAddress` and resolves true if the target closes it within `ms` while it sends nothing. */
async function closedUnprompted(host: string, port: number, localAddress: string, ms: number): Promise<boolean> {
  const socket = net.connect({ host, port, localAddress })
  socket.on('error', () => undefined)
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms)
      socket.once('close', () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  } finally {
    socket.destroy()
  }
}

/** What each hostile stream sends: bytes that are no frame, or a well-formed Hello claiming another protocol version. */
const KINDS = {
  garbage: (channel: FramedChannel, duplex: ReturnType<typeof streamDuplex>) => duplex.write(randomBytes(300)),
  'another version': (channel: FramedChannel) => channel.write(forgedHello(undefined, PROTOCOL_VERSION + 1))
} as const

describe('a host whose pairing streams keep failing', { timeout: 240_000 }, () => {
  const fleet = loopbackFleet(1, { timing: FAST })

  for (const [kind, send] of Object.entries(KINDS))
    it(`(${kind}) is closed and refused before Noise, while an honest joiner from another address pairs`, async () => {
      const target = await fleet.device('Target')
      const joiner = await fleet.device('Joiner')
      const session = await startAdvertised(target)
      const address = target.service.multiaddrs().find((a) => a.startsWith('/ip4/127.0.0.1/tcp/'))!
      const [ip, tcpPort] = multiaddr(address).getComponents()
      const host = ip!.value!
      const port = Number(tcpPort!.value)
      const fromAttacker: string[] = []
      target.service.node.addEventListener('connection:open', (e) => {
        if (hostOf(e.detail.remoteAddr) === ATTACKER_HOST) fromAttacker.push(e.detail.id)
      })
      const attacker = await createLibp2p({
        ...(await bareNodeOptions()),
        privateKey: await generateKeyPair('Ed25519'),
        addresses: { listen: [] },
        // @libp2p/tcp spreads dialOpts into net.connect(), so a source address works though its type omits it.
        transports: [tcp({ dialOpts: { localAddress: ATTACKER_HOST } as TCPOptions['dialOpts'] })]
      })
      try {
        const connection = await attacker.dial(multiaddr(address))
        await eventually('the target sees the connection', async () => fromAttacker.length === 1)
        // Hostile pairing streams over that one connection, until the target closes it.
        await eventually(
          'the target closes the attacker connection',
          async () => {
            if (connection.status !== 'open') return true
            const stream = await connection.newStream(PAIR_PROTOCOL).catch(() => undefined)
            if (stream === undefined) return connection.status !== 'open'
            const duplex = streamDuplex(stream)
            const channel = new FramedChannel(duplex)
            await send(channel, duplex).catch(() => undefined)
            await channel.read(AbortSignal.timeout(2_000)).catch(() => undefined)
            stream.abort(new Error('done'))
            return false
          },
          { timeoutMs: 20_000, intervalMs: 50 }
        )
        // Back again: refused before any handshake, so the target never sees a connection from that host…
        await assert.rejects(attacker.dial(multiaddr(address), { signal: AbortSignal.timeout(5_000) }))
        assert.equal(fromAttacker.length, 1, 'no connection from the blocked host got through')
        // …and a socket from it is closed before it sends a byte, while one from another host is left to its handshake.
        assert.equal(await closedUnprompted(host, port, ATTACKER_HOST, 500), true, 'the blocked host is dropped')
        assert.equal(await closedUnprompted(host, port, OTHER_HOST, 500), false, 'another host may start Noise')

        const joined = await joiner.service.join({ code: session.words.join(' ') })
        assert.equal(joined.peerId, target.service.peerId)
        await eventually(
          'the initiator confirmed',
          async () => (await target.service.getState({})).session?.state === 'paired'
        )
        assert.ok(((await target.service.getState({})).session?.refused ?? 0) > 0, 'the refusals are counted')
      } finally {
        await attacker.stop()
      }
    })
})
