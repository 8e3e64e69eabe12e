import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PairwiseError } from '../../shared/errors.ts'
import type { NetworkOptions, PairingService } from '../engine/service/types.ts'
import type { CliOptions } from './args.ts'
import type { Output } from './output.ts'

// Starts the engine inside this process. Imported lazily: the libp2p stack
// takes a few hundred milliseconds to load, and --help, --version, a mistyped
// code or a running daemon do not need it.

export function networkOptions(options: CliOptions): Partial<NetworkOptions> {
  return {
    ...(options.listen.length > 0 ? { listen: options.listen } : {}),
    bootstrap: options.bootstrap,
    mdns: options.mdns,
    upnp: options.upnp,
    allowLoopback: options.loopback
  }
}

export async function startService(dataDir: string, options: CliOptions, out: Output): Promise<PairingService> {
  const [{ createPairingService }, { FileSecretStore }] = await Promise.all([
    import('../engine/service/service.ts'),
    import('../engine/identity/file-secret-store.ts')
  ])
  const firstRun = !existsSync(join(dataDir, 'secret.key'))
  const secretStore = FileSecretStore.open(dataDir)
  if (firstRun) {
    out.notice(
      `pairwise: this device's key and pair keys are kept in ${dataDir}, in files only this user account can read. No OS keystore is used when Pairwise runs headless, so protect this account (and its backups) accordingly.`
    )
  }
  let service: PairingService
  try {
    service = await createPairingService({
      dataDir,
      secretStore,
      network: networkOptions(options),
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
