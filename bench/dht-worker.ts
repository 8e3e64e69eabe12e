// Child process for benchmark 2 (bench/dht.ts). One role per process:
//   host       N plain DHT nodes (what `pairwise node` runs), meshed with the others
//   initiator  a full PairingService that shows codes and publishes them in the DHT
//   joiner     for each request, a brand-new PairingService (fresh data folder and
//              identity, so nothing is remembered from the previous run) that
//              looks a code up or joins with it, through the DHT only
// Requests and replies are JSON lines on stdin/stdout; the process ends when stdin closes.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { SingleKadDHT } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { parseCodeOrThrow } from '../shared/code/index.ts'
import { deriveCodeKeys } from '../main/engine/code/derive.ts'
import { advertisementKey, openAdvertisement } from '../main/engine/node/advertisement.ts'
import { createNode, type PairwiseLibp2p } from '../main/engine/node/libp2p-node.ts'
import { LOOPBACK, startDevice, type TestDevice } from '../test-support/engine/loopback-network.ts'
import { removeTempDir } from '../test-support/temp-dirs.ts'
import { eventually } from '../test-support/eventually.ts'
import { send, serveRequests, wallNow } from './lib/child.ts'
import { round, rssOf, sleep } from './lib/stats.ts'

const role = process.argv[2]
const TIMING = { joinTimeoutMs: 15_000, dhtPatienceMs: 10_000, lanWaitMs: 500, reconnectMs: 60_000 }

// kad-dht's KadDHT interface (the type kadDHT() returns) has no way to ask how many peers a node's routing
// table holds, and neither has libp2p. The package's exported SingleKadDHT type describes the single-table DHT
// that kadDHT() creates, with its routing table's size: narrowing to it is the only public route to that figure.
const routingTableSize = (node: PairwiseLibp2p): number => (node.services.dht as SingleKadDHT).routingTable.size
// Waits before a measurement poll often and, on a timeout, measure anyway: a slow machine
// should show in the figures rather than stop the run.
const SETTLE = (timeoutMs: number) => ({ timeoutMs, intervalMs: 20 })
const notSettled = (): void => undefined

function pick<T>(list: readonly T[], n: number, not?: T): T[] {
  const pool = list.filter((x) => x !== not)
  const out: T[] = []
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(Math.random() * pool.length), 1)[0]!)
  return out
}

function cpuMs(): number {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}

function memory(): Record<string, number> {
  const m = process.memoryUsage()
  return { rss: rssOf(process.pid) ?? m.rss, heapUsed: m.heapUsed, external: m.external }
}

// ---- host: plain DHT nodes ------------------------------------------------------------

const nodes: PairwiseLibp2p[] = []
// Each node's datastore, so `holders` can say which nodes store a record (the --diag breakdown).
const stores = new Map<PairwiseLibp2p, MemoryDatastore>()

async function host(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
  switch (msg.cmd) {
    case 'start': {
      const count = msg.count as number
      const bootstrap = (msg.bootstrap as string[] | undefined) ?? []
      const before = memory()
      const one = async (): Promise<PairwiseLibp2p> => {
        const datastore = new MemoryDatastore()
        const node = await createNode({
          privateKey: await generateKeyPair('Ed25519'),
          network: { ...LOOPBACK, bootstrap: [] },
          policy: { isRefused: () => false },
          inboundLimit: 10_000,
          datastore
        })
        stores.set(node, datastore)
        return node
      }
      if (bootstrap.length === 0) nodes.push(await one())
      const target = bootstrap[0] ?? nodes[0]!.getMultiaddrs()[0]!.toString()
      // Everyone knows the bootstrap node (the first node of the first host), like `pairwise node --bootstrap`.
      // A few at a time: starting them one by one takes ~1 s each while the bootstrap node is busy.
      let left = count - nodes.length
      const worker = async (): Promise<void> => {
        while (left > 0) {
          left--
          const node = await one()
          nodes.push(node)
          await node.dial(multiaddr(target), { signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
        }
      }
      await Promise.all([worker(), worker(), worker(), worker()])
      return { addrs: nodes.map((n) => n.getMultiaddrs()[0]!.toString()), before, after: memory() }
    }
    case 'mesh': {
      // Each node also dials a few random others, so routing tables look like a network that has been up a while.
      const all = msg.addrs as string[]
      const links = msg.links as number
      const mine = new Set(nodes.map((n) => n.getMultiaddrs()[0]!.toString()))
      let i = 0
      const worker = async (): Promise<void> => {
        while (i < nodes.length) {
          const node = nodes[i++]!
          const self = node.getMultiaddrs()[0]!.toString()
          for (const addr of pick(all, links, self)) {
            if (mine.has(addr) && Math.random() < 0.5) continue
            await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
          }
        }
      }
      await Promise.all([worker(), worker(), worker(), worker()])
      return stats()
    }
    case 'refresh': {
      // One self-lookup per node fills its buckets from its neighbours' knowledge.
      let i = 0
      const worker = async (): Promise<void> => {
        while (i < nodes.length) {
          const node = nodes[i++]!
          try {
            for await (const _ of node.peerRouting.getClosestPeers(node.peerId.toMultihash().bytes, {
              signal: AbortSignal.timeout(10_000)
            })) {
              // drain
            }
          } catch {
            // A slow lookup only leaves this node with fewer contacts.
          }
        }
      }
      await Promise.all([worker(), worker(), worker()])
      return stats()
    }
    case 'stats':
      return stats()
    case 'holders': {
      // Which of this host's nodes store the record under `key` (hex), as kad-dht files it.
      const key = new Key(`/dht/record/${uint8ArrayToString(Buffer.from(msg.key as string, 'hex'), 'base32')}`, false)
      const out: Array<{ peerId: string; has: boolean; rt: number }> = []
      for (const node of nodes)
        out.push({ peerId: node.peerId.toString(), has: await stores.get(node)!.has(key), rt: routingTableSize(node) })
      return { nodes: out }
    }
    default:
      throw new Error(`host: unknown command ${String(msg.cmd)}`)
  }
}

// Event-loop delay of this process (a host's 25+ nodes share one loop): what a slow answer from a node waits on.
const loopDelay = monitorEventLoopDelay({ resolution: 20 })
loopDelay.enable()

function stats(): Record<string, unknown> {
  const delay = { p99Ms: round(loopDelay.percentile(99) / 1e6, 1), maxMs: round(loopDelay.max / 1e6, 1) }
  loopDelay.reset()
  const rt = nodes.map(routingTableSize)
  const conns = nodes.map((n) => n.getConnections().length)
  return {
    nodes: nodes.length,
    routingTable: { min: Math.min(...rt), avg: rt.reduce((s, x) => s + x, 0) / rt.length, max: Math.max(...rt) },
    connections: { avg: conns.reduce((s, x) => s + x, 0) / conns.length },
    memory: memory(),
    cpuMs: cpuMs(),
    loopDelay: delay,
    firstNodeConnections: nodes[0]?.getConnections().length ?? 0
  }
}

// ---- initiator ----------------------------------------------------------------------

let initiator: TestDevice | undefined

async function initiatorRole(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
  switch (msg.cmd) {
    case 'start': {
      initiator = await startDevice('Initiator', { network: { bootstrap: msg.bootstrap as string[] }, timing: TIMING })
      initiator.service.on('session', (view) => {
        if (view?.state === 'paired') send({ event: 'paired', at: wallNow(), joiner: view.joiner?.peerId })
      })
      const { node } = initiator.service
      const connected = () => initiator!.service.multiaddrs().length > 0 && routingTableSize(node) > 0
      await eventually('the initiator has addresses and DHT peers', connected, SETTLE(10_000)).catch(notSettled)
      return { peerId: initiator.service.peerId }
    }
    case 'pair': {
      const t0 = wallNow()
      const session = await initiator!.service.startPairing({})
      // The person reads 12 words aloud meanwhile: wait until the put has finished (the count stops growing).
      let last = -1
      let stableSince = Date.now()
      const putFinished = async (): Promise<boolean> => {
        const advertisedTo = (await initiator!.service.getState({})).session?.advertisedTo ?? 0
        if (advertisedTo === last) return advertisedTo > 0 && Date.now() - stableSince > 1_000
        last = advertisedTo
        stableSince = Date.now()
        return false
      }
      const putLimits = { timeoutMs: 20_000, intervalMs: 50 }
      await eventually('the advertisement put has finished', putFinished, putLimits).catch(notSettled)
      const rt = routingTableSize(initiator!.service.node)
      return { words: session.words, advertisedTo: last, publishMs: wallNow() - t0 - 1_000, rt }
    }
    default:
      throw new Error(`initiator: unknown command ${String(msg.cmd)}`)
  }
}

// ---- joiner ---------------------------------------------------------------------------

async function freshJoiner(
  bootstrap: string[],
  warm: boolean
): Promise<{ device: TestDevice; node: PairwiseLibp2p; settledMs: number }> {
  const t0 = Date.now()
  // A cold joiner is what `pairwise join` runs: a short-lived node (see NetworkOptions.shortLived).
  const device = await startDevice('Joiner', { network: { bootstrap, shortLived: !warm }, timing: TIMING })
  const { node } = device.service
  if (warm) {
    // A device that has been running a while: connected, routing table filled by its first self-lookup.
    const selfQueryDone = new Promise<void>((resolve) =>
      node.addEventListener('kad-dht:query:self' as never, () => resolve(), { once: true })
    )
    await Promise.race([selfQueryDone, sleep(5_000)])
    await eventually('the joiner has DHT peers', () => routingTableSize(node) > 0, SETTLE(5_000)).catch(notSettled)
    await sleep(100)
  }
  return { device, node, settledMs: Date.now() - t0 }
}

async function stopDevice(device: TestDevice): Promise<void> {
  await device.stop().catch(() => undefined)
  removeTempDir(device.dataDir)
}

async function joinerRole(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
  const bootstrap = msg.bootstrap as string[]
  const words = msg.words as string[]
  switch (msg.cmd) {
    case 'lookup': {
      const { device, node } = await freshJoiner(bootstrap, true)
      try {
        const keys = deriveCodeKeys(parseCodeOrThrow(words.join(' ')).entropy)
        const t0 = wallNow()
        const dhtKey = advertisementKey(keys)
        let foundMs: number | undefined
        let responses = 0
        const queried: string[] = []
        const failed: string[] = []
        const startRt = routingTableSize(node)
        const abort = new AbortController()
        try {
          for await (const event of node.services.dht.get(dhtKey, {
            signal: AbortSignal.any([abort.signal, AbortSignal.timeout(5_000)])
          })) {
            if (event.name === 'PEER_RESPONSE') {
              responses++
              queried.push(event.from.toString())
            }
            if (event.name === 'QUERY_ERROR') failed.push(event.from.toString())
            const value =
              event.name === 'PEER_RESPONSE' ? event.record?.value : event.name === 'VALUE' ? event.value : undefined
            if (value === undefined) continue
            if ((await openAdvertisement(value, keys)) !== undefined) {
              foundMs = wallNow() - t0
              abort.abort()
              break
            }
          }
        } catch {
          // Timed out or aborted after the find.
        }
        return {
          ok: foundMs !== undefined,
          ms: foundMs ?? null,
          responses,
          routingTable: routingTableSize(node),
          startRt,
          key: Buffer.from(dhtKey).toString('hex'),
          queried,
          failed
        }
      } finally {
        await stopDevice(device)
      }
    }
    case 'join': {
      const { device, settledMs } = await freshJoiner(bootstrap, msg.warm === true)
      const paths = new Set<string>()
      const steps: Record<string, number> = {}
      let start = 0
      device.service.on('join-progress', (p) => {
        if (p.step === 'verifying' && p.path !== undefined) paths.add(p.path)
        const key = `${p.step}${p.path === undefined ? '' : ':' + p.path}`
        steps[key] ??= round(wallNow() - start, 1)
        if (p.message.includes('asking again')) steps['again'] ??= round(wallNow() - start, 1)
      })
      start = wallNow()
      try {
        await device.service.join({ code: words.join(' ') })
        const end = wallNow()
        return {
          ok: true,
          peerId: device.service.peerId,
          start,
          end,
          ms: end - start,
          paths: [...paths],
          steps,
          settledMs,
          rss: memory().rss
        }
      } catch (err) {
        return {
          ok: false,
          start,
          end: wallNow(),
          ms: wallNow() - start,
          failure:
            err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err),
          paths: [...paths]
        }
      } finally {
        await stopDevice(device)
      }
    }
    default:
      throw new Error(`joiner: unknown command ${String(msg.cmd)}`)
  }
}

const handlers: Record<string, (msg: Record<string, unknown>) => Promise<Record<string, unknown>>> = {
  host,
  initiator: initiatorRole,
  joiner: joinerRole
}
const handler = handlers[role ?? '']
if (handler === undefined) {
  console.error(`usage: dht-worker.ts host|initiator|joiner`)
  process.exit(2)
}
serveRequests(handler, async () => {
  if (initiator !== undefined) await stopDevice(initiator)
  await Promise.all(nodes.map(async (n) => n.stop()).map((p) => p.catch(() => undefined)))
})
send({ event: 'ready', role, pid: process.pid, memory: memory() })
