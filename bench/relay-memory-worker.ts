// Child process for benchmark 7 (bench/relay-memory.ts): many light libp2p
// clients, each with its own identity and one connection to the relay, each
// holding one relay reservation on it. A client is createLibp2p with TCP, Noise,
// yamux, identify and the circuit-relay transport, listening on
// `<relay>/p2p-circuit`: start() returns once the relay granted the reservation.
// No DHT, no AutoNAT, no own TCP listener: the relay's cost per reservation is
// measured, not what a full device adds on top (a DHT client, AutoNAT probes).
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { serveRequests } from './lib/child.ts'
import { rssOf, sleep } from './lib/stats.ts'

const clients: Libp2p[] = []
const ATTEMPTS = 5

async function reserve(relay: string, timeoutMs: number): Promise<Libp2p> {
  const client = await createLibp2p({
    addresses: { listen: [`${relay}/p2p-circuit`] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
    start: false
  })
  try {
    await Promise.race([
      client.start(),
      sleep(timeoutMs).then(() => {
        throw new Error(`no reservation within ${timeoutMs} ms`)
      })
    ])
    return client
  } catch (err) {
    await Promise.resolve(client.stop()).catch(() => undefined)
    throw err
  }
}

async function start(
  relay: string,
  count: number,
  concurrency: number,
  timeoutMs: number
): Promise<Record<string, unknown>> {
  const started = performance.now()
  const errors = new Map<string, number>()
  let failed = 0
  let retries = 0
  let next = 0
  const lane = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      for (let attempt = 1; ; attempt++) {
        try {
          clients.push(await reserve(relay, timeoutMs))
          break
        } catch (err) {
          const text = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 160) : String(err)
          errors.set(text, (errors.get(text) ?? 0) + 1)
          if (attempt >= ATTEMPTS) {
            failed++
            break
          }
          retries++
          await sleep(200 * 2 ** attempt)
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane))
  return {
    held: clients.length,
    failed,
    retries,
    errors: [...errors.entries()].slice(0, 5),
    ms: Math.round(performance.now() - started),
    rss: rssOf(process.pid) ?? null
  }
}

serveRequests(
  async (msg) => {
    if (msg.cmd === 'start')
      return start(String(msg.relay), Number(msg.count), Number(msg.concurrency), Number(msg.timeoutMs ?? 20_000))
    if (msg.cmd === 'rss') return { rss: rssOf(process.pid) ?? null, clients: clients.length }
    throw new Error(`unknown command ${String(msg.cmd)}`)
  },
  async () => {
    await Promise.all(clients.splice(0).map((c) => Promise.resolve(c.stop()).catch(() => undefined)))
  }
)
