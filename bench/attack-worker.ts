// Child process for benchmark 5 (bench/attack.ts): 100 hostile peers, each a
// bare libp2p node with its own identity. Given the target's bare address,
// each stream's dialProtocol opens a fresh connection (libp2p cannot match a
// bare address to the peer it already has, and drops the new connection as a
// duplicate once it is up): a Noise handshake per stream. Given the address
// with /p2p/<id>, each peer keeps one connection (attack.ts --connections one).
// Each runs a closed loop — open a pairing stream, send something wrong, read
// the answer, close, repeat — until told to stop. Kinds, by peer index:
//   wrong-proof   a well-formed Hello for the live session (rendezvous id read
//                 from the DHT, say) with a random proof
//   garbage       random bytes that are not a frame
//   oversized     a frame header announcing 65535 bytes, then bytes
//   stranger      a Hello for a rendezvous id no session has
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { tcp, type TCPOptions } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { randomBytes } from 'node:crypto'
import { PAIR_PROTOCOL } from '../main/engine/node/join-race.ts'
import { streamDuplex } from '../main/engine/node/stream-duplex.ts'
import { FramedChannel } from '../main/engine/protocol/framing.ts'
import { forgedHello } from '../test-support/engine/forged-hello.ts'
import { send, serveRequests } from './lib/child.ts'
import { sleep } from './lib/stats.ts'

const KINDS = ['wrong-proof', 'garbage', 'oversized', 'stranger'] as const
type Kind = (typeof KINDS)[number]

let peers: Libp2p[] = []
let running = false
let rendezvous = ''
let loops: Promise<void>[] = []
const stats = {
  attempts: {} as Record<string, number>,
  outcomes: {} as Record<string, number>,
  connectFailures: 0,
  connected: 0,
  startedAt: 0,
  stoppedAt: 0
}

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1
}

async function oneAttempt(peer: Libp2p, target: ReturnType<typeof multiaddr>, kind: Kind): Promise<void> {
  const stream = await peer.dialProtocol(target, PAIR_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
  const duplex = streamDuplex(stream)
  const channel = new FramedChannel(duplex)
  count(stats.attempts, kind)
  try {
    switch (kind) {
      case 'wrong-proof':
        await channel.write(forgedHello(rendezvous))
        break
      case 'stranger':
        await channel.write(forgedHello())
        break
      case 'garbage':
        await duplex.write(randomBytes(300))
        break
      case 'oversized':
        await duplex.write(Uint8Array.from([0xff, 0xff, ...randomBytes(1000)]))
        break
    }
    const reply = await channel.read(AbortSignal.timeout(10_000))
    const text = new TextDecoder().decode(reply)
    const reason = /"reason":"([a-z-]+)"/.exec(text)?.[1] ?? 'answered'
    count(stats.outcomes, `${kind}: ${reason}`)
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error'
    count(stats.outcomes, `${kind}: stream ended (${code})`)
  } finally {
    stream.abort(new Error('done'))
  }
}

async function loop(peer: Libp2p, target: ReturnType<typeof multiaddr>, kind: Kind): Promise<void> {
  // Connect first (retrying: the target rate-limits new connections per host), then attack back to back.
  for (let tries = 0; running; tries++) {
    try {
      await peer.dial(target, { signal: AbortSignal.timeout(10_000) })
      stats.connected++
      break
    } catch {
      stats.connectFailures++
      await sleep(Math.min(1000, 100 * 2 ** tries))
    }
  }
  while (running) {
    try {
      await oneAttempt(peer, target, kind)
    } catch (err) {
      count(stats.outcomes, `${kind}: could not open a stream`)
      if (process.env.BENCH_VERBOSE !== undefined)
        count(
          stats.outcomes,
          `open error: ${String((err as Error).name)} ${String((err as Error).message).slice(0, 80)}`
        )
      await sleep(50)
    }
  }
}

serveRequests(
  async (msg) => {
    switch (msg.cmd) {
      case 'start': {
        const n = msg.peers as number
        // Where the attack comes from: 'distinct' = each peer on its own host (127.0.1.2, 127.0.1.3, …),
        // 'one' = all from one other host (127.0.0.2), 'joiner' = from the real joiner's own address (127.0.0.1).
        const source = msg.source as 'distinct' | 'one' | 'joiner'
        const localAddress = (i: number): string | undefined =>
          source === 'joiner'
            ? undefined
            : source === 'one'
              ? '127.0.0.2'
              : `127.0.${1 + Math.floor(i / 250)}.${2 + (i % 250)}`
        peers = await Promise.all(
          Array.from({ length: n }, async (_, i) =>
            createLibp2p({
              privateKey: await generateKeyPair('Ed25519'),
              addresses: { listen: [] },
              // @libp2p/tcp spreads dialOpts into net.connect(), so a source address works though its type omits it.
              transports: [
                tcp(
                  localAddress(i) === undefined
                    ? {}
                    : { dialOpts: { localAddress: localAddress(i)! } as TCPOptions['dialOpts'] }
                )
              ],
              connectionEncrypters: [noise()],
              streamMuxers: [yamux()],
              connectionManager: { maxConnections: 10 }
            })
          )
        )
        return { peers: peers.length }
      }
      case 'attack': {
        rendezvous = msg.rendezvous as string
        const target = multiaddr(msg.target as string)
        running = true
        stats.startedAt = Date.now()
        loops = peers.map((peer, i) => loop(peer, target, KINDS[i % KINDS.length]!))
        return { started: true }
      }
      case 'rendezvous':
        rendezvous = msg.rendezvous as string
        return { ok: true }
      case 'stats':
        return { stats }
      case 'stop': {
        running = false
        stats.stoppedAt = Date.now()
        await Promise.race([Promise.allSettled(loops), sleep(15_000)])
        const attempts = Object.values(stats.attempts).reduce((s, x) => s + x, 0)
        return { stats, attempts, perSecond: Math.round(attempts / ((stats.stoppedAt - stats.startedAt) / 1000)) }
      }
      default:
        throw new Error(`unknown command ${String(msg.cmd)}`)
    }
  },
  async () => {
    running = false
    await Promise.all(peers.map(async (p) => p.stop()).map((p) => p.catch(() => undefined)))
  }
)
send({ event: 'ready' })
