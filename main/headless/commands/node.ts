import { join } from 'node:path'
import type { CliOptions } from '../args.ts'
import { resolveDataDir } from '../backend.ts'
import { onInterrupt } from '../interrupt.ts'
import type { Output } from '../output.ts'

// `pairwise node`: a public rendezvous anyone can host — bootstrap and DHT
// server, circuit-relay-v2 relay and AutoNAT server — for devices that do not
// share a LAN. It keeps no pairings, only a key, so that its address stays the
// same across restarts (devices put it in --bootstrap). It lives in its own
// subfolder with its own lock, so it can run beside a daemon on the same data folder.

export const NODE_SUBDIR = 'dht-node'

export async function runNode(options: CliOptions, out: Output): Promise<number> {
  const dir = join(resolveDataDir(options), NODE_SUBDIR)
  const [
    { acquireDataDirLock },
    { FileSecretStore },
    { loadOrCreateIdentity },
    { createNode },
    { multiaddr },
    { bootstrapAddress }
  ] = await Promise.all([
    import('../../engine/service/data-dir.ts'),
    import('../../engine/identity/file-secret-store.ts'),
    import('../../engine/identity/identity.ts'),
    import('../../engine/node/libp2p-node.ts'),
    import('@multiformats/multiaddr'),
    import('../../engine/node/address-class.ts')
  ])
  const { RELAY_SERVER_DEFAULTS } = await import('../../engine/node/network-constants.ts')
  const { relayReservationGate } = await import('../../engine/node/relay-gate.ts')
  const lock = acquireDataDirLock(dir)
  const cleanups: Array<() => Promise<void> | void> = []
  try {
    const identity = await loadOrCreateIdentity(dir, FileSecretStore.open(dir))
    const maxReservations = options.maxReservations ?? RELAY_SERVER_DEFAULTS.maxReservations
    const metrics = options.metrics === undefined ? undefined : (await import('../node-metrics.ts')).prometheus()
    const { NodeDatastore } = await import('../../engine/node/node-datastore.ts')
    const datastore = new NodeDatastore()
    // The gate needs the node, and the node needs the gate.
    const started: { node?: Awaited<ReturnType<typeof createNode>> } = {}
    // On one machine (--loopback: tests, benchmarks) every device shares 127.0.0.1.
    const perIp = options.loopback ? Number.MAX_SAFE_INTEGER : RELAY_SERVER_DEFAULTS.maxReservationsPerIp
    const gate = relayReservationGate(() => started.node, perIp)
    const node = await createNode({
      privateKey: identity.privateKey,
      role: 'node',
      datastore,
      announce: options.announce,
      relayLimits: { maxReservations },
      ...(metrics === undefined ? {} : { metrics: metrics.factory }),
      network: {
        listen: options.listen.length > 0 ? options.listen : ['/ip4/0.0.0.0/tcp/0'],
        bootstrap: options.bootstrap,
        // A node has nothing to pair; answering LAN pairing queries would only waste joiners' time.
        mdns: false,
        upnp: false,
        dhtMode: 'server',
        allowLoopback: options.loopback
      },
      policy: { isRefused: () => false, denyRelayReservation: gate },
      // Every device of a wider network may come through here.
      inboundLimit: 256
    })
    started.node = node
    cleanups.push(() => node.stop())
    for (const address of options.bootstrap) {
      void node.dial(multiaddr(address), { signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
    }
    let metricsUrl: string | undefined
    if (metrics !== undefined && options.metrics !== undefined) {
      const { registerNodeGauges, serveMetrics } = await import('../node-metrics.ts')
      registerNodeGauges(metrics.registry, () => node, datastore.records, maxReservations)
      const served = await serveMetrics(metrics.registry, options.metrics.host, options.metrics.port)
      cleanups.push(() => new Promise<void>((resolve) => served.server.close(() => resolve())))
      metricsUrl = served.url
    }
    const addrs = node.getMultiaddrs().map(String)
    const bootstrap = bootstrapAddress(addrs)
    out.event('listening', {
      peerId: node.peerId.toString(),
      multiaddrs: addrs,
      bootstrap,
      ...(metricsUrl === undefined ? {} : { metrics: metricsUrl })
    })
    out.text(nodeBanner(node.peerId.toString(), addrs, bootstrap, metricsUrl))

    const stopped = Promise.withResolvers<void>()
    onInterrupt(() => stopped.resolve())
    await stopped.promise
    out.result({ stopped: true }, '')
    return 0
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup()
    lock.release()
  }
}

function nodeBanner(
  peerId: string,
  addrs: string[],
  bootstrap: string | undefined,
  metricsUrl: string | undefined
): string {
  const lines = [
    `Pairwise node ${peerId} is running: bootstrap, DHT server, relay and AutoNAT server.`,
    '',
    'Listening on:'
  ]
  for (const a of addrs) lines.push(`  ${a}`)
  lines.push('')
  if (bootstrap === undefined)
    lines.push('No address others can reach yet. Pass --announce /ip4/<public ip>/tcp/<port> if you know it.')
  else lines.push('On each device, pair with:', `  --bootstrap ${bootstrap}`, `(or PAIRWISE_BOOTSTRAP=${bootstrap})`)
  if (metricsUrl !== undefined) lines.push('', `Metrics: ${metricsUrl}`)
  lines.push('', 'Ctrl-C stops the node.')
  return lines.join('\n')
}
