import { join } from 'node:path'
import type { CliOptions } from '../args.ts'
import { resolveDataDir } from '../backend.ts'
import { onInterrupt } from '../interrupt.ts'
import type { Output } from '../output.ts'

// `pairwise node`: a plain DHT server for devices that do not share a LAN.
// It keeps no pairings, only a key, so that its address stays the same across
// restarts (others put it in --bootstrap). It lives in its own subfolder with
// its own lock, so it can run beside a daemon on the same data folder.

export const NODE_SUBDIR = 'dht-node'

export async function runNode(options: CliOptions, out: Output): Promise<number> {
  const dir = join(resolveDataDir(options), NODE_SUBDIR)
  const [{ acquireDataDirLock }, { FileSecretStore }, { loadOrCreateIdentity }, { createNode }] = await Promise.all([
    import('../../engine/service/data-dir.ts'),
    import('../../engine/identity/file-secret-store.ts'),
    import('../../engine/identity/identity.ts'),
    import('../../engine/node/libp2p-node.ts')
  ])
  const lock = acquireDataDirLock(dir)
  try {
    const identity = await loadOrCreateIdentity(dir, FileSecretStore.open(dir))
    const node = await createNode({
      privateKey: identity.privateKey,
      network: {
        listen: options.listen.length > 0 ? options.listen : ['/ip4/0.0.0.0/tcp/0'],
        bootstrap: options.bootstrap,
        // A bootstrap node has nothing to pair; answering LAN pairing queries would only waste joiners' time.
        mdns: false,
        dhtMode: 'server',
        allowLoopback: options.loopback
      },
      policy: { isRefused: () => false },
      // Every device of a wider network may come through here.
      inboundLimit: 256
    })
    for (const address of options.bootstrap) {
      const { multiaddr } = await import('@multiformats/multiaddr')
      void node.dial(multiaddr(address), { signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
    }
    const addrs = node.getMultiaddrs().map(String)
    if (out.json) out.event('listening', { peerId: node.peerId.toString(), multiaddrs: addrs })
    else for (const a of addrs) out.text(a)

    const stopped = Promise.withResolvers<void>()
    onInterrupt(() => stopped.resolve())
    await stopped.promise
    await node.stop()
    out.result({ stopped: true }, '')
    return 0
  } finally {
    lock.release()
  }
}
