import type { Server } from 'node:http'
import type { PairwiseLibp2p } from '../engine/node/libp2p-node.ts'
import type { DhtRecordStore } from '../engine/node/dht-record-store.ts'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Gauge, Registry } from 'prom-client'

// Not `import { createServer } from 'node:http'`: Node's ESM view of node:http evaluates its lazy
// getters, which loads undici — ~10 MB of RSS and ~12 ms of start-up that this server never uses.
const { createServer } = process.getBuiltinModule('node:http')

// Prometheus text for a `pairwise node`: libp2p's own metrics (connections,
// streams, the relay server's reservations and relayed traffic, kad-dht
// queries) through @libp2p/prometheus-metrics, plus a few of ours that an
// operator asks first. Served on the address the operator chose, GET /metrics only.

export function registerNodeGauges(
  registry: Registry,
  node: () => PairwiseLibp2p | undefined,
  records: DhtRecordStore,
  maxReservations: number
): void {
  new Gauge({
    name: 'pairwise_relay_reservations',
    help: 'Relay reservations held now',
    registers: [registry],
    collect() {
      this.set(node()?.services.relay?.reservations.size ?? 0)
    }
  })
  new Gauge({
    name: 'pairwise_relay_reservations_max',
    help: 'Relay reservations this node allows at once',
    registers: [registry],
    collect() {
      this.set(maxReservations)
    }
  })
  new Gauge({
    name: 'pairwise_connections',
    help: 'Open libp2p connections',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const connections = node()?.getConnections() ?? []
      this.set({ kind: 'direct' }, connections.filter((c) => c.limits === undefined).length)
      this.set({ kind: 'limited' }, connections.filter((c) => c.limits !== undefined).length)
    }
  })
  new Gauge({
    name: 'pairwise_dht_records',
    help: 'DHT records held for others (pairing advertisements)',
    registers: [registry],
    collect() {
      this.set(records.size)
    }
  })
  new Gauge({
    name: 'pairwise_dht_records_refused',
    help: 'DHT records refused since start (store full, too many from one advertiser, provider records)',
    registers: [registry],
    collect() {
      this.set(records.refused)
    }
  })
}

/** Serves `GET /metrics` on host:port; resolves once listening. */
export async function serveMetrics(
  registry: Registry,
  host: string,
  port: number
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found. Metrics are at /metrics.\n')
      return
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics are unavailable.\n')
    )
  })
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  server.maxConnections = 64
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`, server }
}

/**
 * A registry of our own for libp2p's metrics and ours. Imported statically:
 * prom-client is CommonJS, and a dynamic import of it in the bundled CLI
 * yields only a default export.
 */
export function prometheus() {
  const registry = new Registry()
  // preserveExistingMetrics: otherwise the library clears prom-client's global registry (and its metric cache).
  const factory = prometheusMetrics({ registry, collectDefaultMetrics: true, preserveExistingMetrics: true })
  return { registry, factory }
}
