import { PairwiseError } from '../../shared/errors.ts'
import type { NetworkOptions, PairingService } from '../engine/service/types.ts'
import type { CliOptions } from './args.ts'
import type { Output } from './output.ts'
import { resolvePublicBootstrap } from '../engine/node/public-bootstrap.ts'
import { openSecretStore } from './secret-notice.ts'

// Starts the engine inside this process. Imported lazily: the libp2p stack
// takes a few hundred milliseconds to load, and --help, --version, a mistyped
// code or a running daemon do not need it.

export function networkOptions(options: CliOptions, shortLived = false): Partial<NetworkOptions> {
  return {
    shortLived,
    ...(options.listen.length > 0 ? { listen: options.listen } : {}),
    bootstrap: options.bootstrap,
    mdns: options.mdns,
    upnp: options.upnp,
    allowLoopback: options.loopback,
    publicBootstrap: resolvePublicBootstrap({ enabled: options.publicNetwork, loopback: options.loopback })
  }
}

/** `shortLived`: the command exits once its one job is done (see NetworkOptions.shortLived). */
export async function startService(
  dataDir: string,
  options: CliOptions,
  out: Output,
  shortLived = false
): Promise<PairingService> {
  const { createPairingService } = await import('../engine/service/service.ts')
  const secretStore = openSecretStore(dataDir, out)
  let service: PairingService
  try {
    service = await createPairingService({
      dataDir,
      secretStore,
      network: networkOptions(options, shortLived),
      ...(options.name === undefined ? {} : { deviceName: options.name }),
      ...(options.ttlMinutes === undefined ? {} : { codeTtlMinutes: options.ttlMinutes })
    })
  } catch (err) {
    if (err instanceof PairwiseError) throw err
    throw new PairwiseError(
      'internal',
      `Could not start the network node: ${err instanceof Error ? err.message : String(err)}`,
      {
        hint: 'Check the --listen and --bootstrap addresses.',
        cause: err
      }
    )
  }
  // What start-up repaired by itself (a damaged peer store rebuilt): said once, on stderr.
  for (const warning of service.warnings) out.notice(`pairwise: warning: ${warning.message}`)
  return service
}
