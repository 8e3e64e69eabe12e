import type { PairingApi } from '../../shared/api.ts'
import { defaultDataDir } from '../engine/service/data-dir.ts'
import type { CliOptions } from './args.ts'
import { readDaemonInfo, type DaemonInfo } from './daemon-file.ts'
import type { Output } from './output.ts'

// Where a command's PairingApi comes from: the running daemon when there is
// one (it owns the data folder), otherwise a service started in this process.
// Both are the same contract, so commands do not care which.

export interface Backend {
  api: PairingApi
  /** 'registry': no daemon runs and the command needs no network (see registry-backend.ts). */
  via: 'daemon' | 'in-process' | 'registry'
  /** This device's listening multiaddrs, with /p2p/<peer id>. */
  addresses(): Promise<string[]>
  close(): Promise<void>
}

const DAEMON_CONNECT_TIMEOUT_MS = 3_000

export function resolveDataDir(options: CliOptions): string {
  return options.dataDir ?? defaultDataDir()
}

/**
 * `network: false` is for commands that only read or write the registry
 * (devices, metrics, rename): without a daemon they never start a node.
 * `shortLived`: the command exits once its one job is done (see NetworkOptions.shortLived).
 */
export async function openBackend(
  options: CliOptions,
  out: Output,
  { network = true, shortLived = false }: { network?: boolean; shortLived?: boolean } = {}
): Promise<Backend> {
  const dataDir = resolveDataDir(options)
  const daemon = readDaemonInfo(dataDir)
  if (daemon !== undefined) {
    const remote = await connectDaemon(daemon)
    if (remote !== undefined) {
      if (
        options.listen.length > 0 ||
        options.bootstrap.length > 0 ||
        options.name !== undefined ||
        options.loopback ||
        !options.mdns
      ) {
        out.notice(
          `pairwise: using the running daemon (pid ${daemon.pid}); its own network settings apply, not this command's options.`
        )
      }
      return remote
    }
  }
  if (!network) {
    const [{ openRegistryBackend }, { createInProcessApi }] = await Promise.all([
      import('./registry-backend.ts'),
      import('../rpc/in-process.ts')
    ])
    const local = await openRegistryBackend(dataDir, options.name, out)
    // The same dispatch as every transport, so params and results are checked alike.
    return { api: createInProcessApi(local.api), via: 'registry', addresses: async () => [], close: local.close }
  }
  const [{ startService }, { createInProcessApi }] = await Promise.all([
    import('./service-host.ts'),
    import('../rpc/in-process.ts')
  ])
  const service = await startService(dataDir, options, out, shortLived)
  return {
    // Through the same dispatch as the daemon's WebSocket: a command sees the same checks and errors either way.
    api: createInProcessApi(service),
    via: 'in-process',
    addresses: async () => service.multiaddrs(),
    close: () => service.stop()
  }
}

async function connectDaemon(info: DaemonInfo): Promise<Backend | undefined> {
  const { connectWebSocketApi } = await import('../../shared/rpc/ws-client.ts')
  const url = `ws://127.0.0.1:${info.port}/api?token=${info.token}`
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), DAEMON_CONNECT_TIMEOUT_MS)
  })
  const connecting = connectWebSocketApi(url)
  const api = await Promise.race([connecting.catch(() => undefined), timeout])
  clearTimeout(timer)
  if (api === undefined) {
    // A late success after the timeout must not leave a socket (and its reconnect loop) behind.
    void connecting.then(
      (late) => late.close(),
      () => undefined
    )
    return undefined
  }
  return {
    api,
    via: 'daemon',
    addresses: async () => (await api.getState({})).thisDevice.addresses,
    close: async () => api.close()
  }
}
