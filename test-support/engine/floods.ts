// The floods of issue 10 (1), aimed at one device on 127.0.0.1, for the
// availability tests and bench/floods.ts. Attackers come from other loopback
// hosts (127.0.<n>.x), as other machines would; every loop stops on stop().
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import type { Stream } from '@libp2p/interface'
import { tcp, type TCPOptions } from '@libp2p/tcp'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { PAIR_PROTOCOL } from '../../main/engine/node/join-race.ts'
import { encodeFrame } from '../../main/engine/protocol/framing.ts'
import { forgedHello } from './forged-hello.ts'

export type FloodKind = 'raw-sockets' | 'dripping-hellos' | 'idle-streams' | 'connections'

export interface Flood {
  kind: FloodKind
  /** What the attackers hold now (sockets, streams or connections). */
  holding(): number
  stop(): Promise<void>
}

/** The attacks as the issue measured them. */
export const FLOODS: Record<FloodKind, { label: string; start: (target: string) => Promise<Flood> }> = {
  'raw-sockets': { label: '64 raw TCP sockets that never finish the handshake', start: (t) => rawSockets(t, 64) },
  'dripping-hellos': {
    label: '80 pairing streams dripping a Hello at 1 byte / 250 ms',
    start: (t) => drippingHellos(t, 40, 2)
  },
  'idle-streams': {
    label: '200 connections each holding 2 idle pairing streams',
    start: (t) => idleStreams(t, 200, 2)
  },
  connections: { label: '320 connections (libp2p allows 300)', start: (t) => connections(t, 320) }
}

/** The n-th attacker host: 127.0.1.2, 127.0.1.3, … (a few hosts, many peers on each). */
function attackerHost(n: number, hosts = 4): string {
  return `127.0.1.${2 + (n % hosts)}`
}

/** Sockets that connect and never speak; each is reopened when the target drops it. */
async function rawSockets(target: string, count: number): Promise<Flood> {
  const { host, port } = tcpTarget(target)
  let running = true
  const open = new Set<net.Socket>()
  const hold = (i: number): void => {
    if (!running) return
    const socket = net.connect({ host, port, localAddress: attackerHost(i) })
    socket.on('error', () => undefined)
    open.add(socket)
    socket.on('close', () => {
      open.delete(socket)
      if (running) setTimeout(() => hold(i), 50).unref()
    })
  }
  for (let i = 0; i < count; i++) hold(i)
  return {
    kind: 'raw-sockets',
    holding: () => open.size,
    stop: async () => {
      running = false
      for (const s of open) s.destroy()
    }
  }
}

/** Peers that open pairing streams and send a well-formed Hello one byte every 250 ms. */
async function drippingHellos(target: string, peerCount: number, streamsEach: number): Promise<Flood> {
  const peers = await attackers(peerCount)
  const ma = multiaddr(target)
  let running = true
  let holding = 0
  const drip = async (peer: Libp2p): Promise<void> => {
    // Bounded: the stream ends within the target's Hello deadline; the loop ends on stop().
    while (running) {
      let stream: Stream | undefined
      try {
        stream = await peer.dialProtocol(ma, PAIR_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
        holding++
        const hello = encodeFrame(forgedHello())
        for (let i = 0; i < hello.length && running && stream.status === 'open'; i++) {
          if (!stream.send(hello.subarray(i, i + 1))) await sleep(10)
          await sleep(250)
        }
      } catch {
        await sleep(50)
      } finally {
        if (stream !== undefined) holding--
        stream?.abort(new Error('done'))
      }
    }
  }
  const loops = peers.flatMap((p) => Array.from({ length: streamsEach }, () => drip(p)))
  return flood(
    'dripping-hellos',
    peers,
    () => holding,
    () => (running = false),
    loops
  )
}

/** Connections that each open pairing streams and never write to them; streams are reopened when closed. */
async function idleStreams(target: string, connectionCount: number, streamsEach: number): Promise<Flood> {
  const peers = await attackers(connectionCount)
  const ma = multiaddr(target)
  let running = true
  let holding = 0
  const hold = async (peer: Libp2p): Promise<void> => {
    while (running) {
      try {
        const connection = await peer.dial(ma, { signal: AbortSignal.timeout(5_000) })
        const streams = async (): Promise<void> => {
          while (running && connection.status === 'open') {
            let stream: Stream | undefined
            try {
              stream = await connection.newStream(PAIR_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
              holding++
              await streamClosed(stream, () => running)
            } catch {
              await sleep(50)
            } finally {
              if (stream !== undefined) holding--
            }
          }
        }
        await Promise.all(Array.from({ length: streamsEach }, streams))
      } catch {
        await sleep(100)
      }
    }
  }
  const loops = Array.from({ length: connectionCount }, (_, i) => hold(peers[i % peers.length]!))
  return flood(
    'idle-streams',
    peers,
    () => holding,
    () => (running = false),
    loops
  )
}

/** Plain connections, held; each is reopened when the target closes it. */
async function connections(target: string, count: number): Promise<Flood> {
  const peers = await attackers(count)
  const ma = multiaddr(target)
  let running = true
  const hold = async (peer: Libp2p): Promise<void> => {
    while (running) {
      try {
        const connection = await peer.dial(ma, { signal: AbortSignal.timeout(5_000) })
        while (running && connection.status === 'open') await sleep(100)
      } catch {
        await sleep(100)
      }
    }
  }
  const loops = Array.from({ length: count }, (_, i) => hold(peers[i % peers.length]!))
  const holding = (): number => peers.reduce((n, p) => n + p.getConnections().length, 0)
  return flood('connections', peers, holding, () => (running = false), loops)
}

function flood(
  kind: FloodKind,
  peers: Libp2p[],
  holding: () => number,
  halt: () => void,
  loops: Promise<void>[]
): Flood {
  return {
    kind,
    holding,
    stop: async () => {
      halt()
      await Promise.all(peers.map(async (p) => p.stop()).map((p) => p.catch(() => undefined)))
      await Promise.race([Promise.allSettled(loops), sleep(10_000)])
    }
  }
}

async function attackers(count: number): Promise<Libp2p[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) =>
      createLibp2p({
        privateKey: await generateKeyPair('Ed25519'),
        addresses: { listen: [] },
        // @libp2p/tcp spreads dialOpts into net.connect(), so a source address works though its type omits it.
        transports: [tcp({ dialOpts: { localAddress: attackerHost(i) } as TCPOptions['dialOpts'] })],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        connectionManager: { maxConnections: 1000 },
        // Answers identify like any peer, so the target keeps the connection as it would a real one.
        services: { identify: identify() }
      })
    )
  )
}

async function streamClosed(stream: Stream, running: () => boolean): Promise<void> {
  // Bounded by the target's Hello deadline (it closes idle streams) and by stop().
  while (running() && stream.status === 'open' && stream.readStatus === 'readable') await sleep(100)
  stream.abort(new Error('done'))
}

function tcpTarget(target: string): { host: string; port: number } {
  const parts = (multiaddr(target) as Multiaddr).getComponents()
  return { host: parts[0]!.value!, port: Number(parts[1]!.value) }
}
