import type { MethodParams, PairingApi } from '../../shared/api.ts'
import { PairwiseError } from '../../shared/errors.ts'
import { dataFiles } from '../engine/service/data-dir.ts'
import { registerThisDevice } from '../engine/service/this-device.ts'
import { deviceView, metricsFrom, thisDeviceView } from '../engine/service/views.ts'
import { Registry } from '../engine/registry/registry.ts'
import { heldBefore } from '../engine/storage/marker.ts'
import { osLabel } from '../engine/identity/host-label.ts'
import type { Output } from './output.ts'

// `pairwise devices`, `metrics` and `rename` when no daemon runs: they only
// read or write the registry, so they open it directly. No libp2p node starts
// — nothing listens, nothing is announced on the LAN (no mDNS) — and the
// command answers in tens of milliseconds. SQLite arbitrates with a process
// that owns the data folder (an in-process `pairwise pair`), so no lock is taken
// except on a first run, when the device key is created.
// Nothing here is online; a rename reaches paired devices with the next
// presence check, i.e. when the daemon or the app runs.

export interface RegistryBackend {
  api: PairingApi
  via: 'registry'
  close(): Promise<void>
}

export async function openRegistryBackend(
  dataDir: string,
  deviceName: string | undefined,
  out: Output
): Promise<RegistryBackend> {
  let registry: Registry
  if (heldBefore(dataDir)) {
    registry = Registry.open(dataFiles(dataDir).registry)
    try {
      const self = registry.getThisDevice()
      if (self !== null && deviceName !== undefined) registerThisDevice(registry, self.peerId, deviceName)
    } catch (err) {
      registry.close()
      throw err
    }
  } else {
    registry = await firstRun(dataDir, deviceName, out)
  }
  return { api: registryApi(registry), via: 'registry', close: async () => registry.close() }
}

/** A fresh data folder: set up exactly as the service would (device key, registry, marker), under its lock. */
async function firstRun(dataDir: string, deviceName: string | undefined, out: Output): Promise<Registry> {
  // Only a first run needs the device key, hence @libp2p/crypto: loaded here, not up front.
  const [{ acquireDataDirLock }, { openSecretStore }, { openDeviceFolder }] = await Promise.all([
    import('../engine/service/data-dir.ts'),
    import('./secret-notice.ts'),
    import('../engine/storage/device-folder.ts')
  ])
  const lock = acquireDataDirLock(dataDir)
  try {
    return (await openDeviceFolder(dataDir, openSecretStore(dataDir, out), deviceName)).registry
  } finally {
    lock.release()
  }
}

function registryApi(registry: Registry): PairingApi {
  const offline = (what: string) => async (): Promise<never> => {
    throw new PairwiseError('internal', `${what} needs the network; this command opened only the device registry.`)
  }
  const thisDevice = () => thisDeviceView(registry, 'file-permissions', [])
  const devices = (includeRevoked = true) =>
    registry.listDevices({ includeRevoked }).map((record) => deviceView(record, false))
  return {
    getState: async () => ({ thisDevice: thisDevice(), session: null, devices: devices() }),
    listDevices: async (params: MethodParams<'listDevices'>) => devices(params.includeRevoked ?? true),
    getMetrics: async () => metricsFrom(registry),
    renameDevice: async (params: MethodParams<'renameDevice'>) => {
      registry.setThisDevice({ peerId: thisDevice().peerId, name: params.name, os: osLabel() })
      return thisDevice()
    },
    listNodes: offline('Listing nodes'),
    startPairing: offline('Pairing'),
    cancelPairing: offline('Pairing'),
    answerApproval: offline('Pairing'),
    join: offline('Joining'),
    cancelJoin: offline('Joining'),
    dismissJoin: async () => ({ dismissed: false }),
    dismissAlarm: async () => ({ dismissed: false }),
    revokeDevice: offline('Revoking'),
    forgetDevice: async (params: MethodParams<'forgetDevice'>) => ({ forgotten: registry.forget(params.peerId) }),
    addNode: offline('Adding a node'),
    removeNode: offline('Removing a node'),
    getPublicNetwork: offline('The public network'),
    setPublicNetwork: offline('The public network switch'),
    on: () => () => undefined
  }
}
