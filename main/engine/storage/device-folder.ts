import { loadOrCreateIdentity } from '../identity/identity.ts'
import type { LocalIdentity } from '../identity/local-identity.ts'
import type { SecretStore } from '../identity/secret-store.ts'
import { Registry } from '../registry/registry.ts'
import { dataFiles } from '../service/data-dir.ts'
import { registerThisDevice } from '../service/this-device.ts'
import { foreignIdentity, heldBefore, readMarker, requireHeldFiles, writeMarker } from './marker.ts'

/**
 * Opens this device's identity key and registry: creates both on a first
 * start (and then the marker), and refuses to recreate either once the folder
 * has held them (marker.ts) — nothing starts, so no peer hears "unknown". The
 * service and the registry-only CLI commands both come through here, so a
 * folder is never half set up by one of them. The caller holds the folder's lock.
 */
export async function openDeviceFolder(
  dataDir: string,
  secretStore: SecretStore,
  deviceName?: string
): Promise<{ identity: LocalIdentity; registry: Registry }> {
  const marker = readMarker(dataDir)
  const held = heldBefore(dataDir)
  if (held) requireHeldFiles(dataDir, ['identity', 'registry'])
  const identity = await loadOrCreateIdentity(dataDir, secretStore, { mayCreate: !held })
  if (marker !== undefined && marker.peerId !== identity.peerId) throw foreignIdentity(dataDir, marker)
  const registry = Registry.open(dataFiles(dataDir).registry)
  try {
    registerThisDevice(registry, identity.peerId, deviceName)
    // Written once both files exist: from now on their absence is damage, not a first start.
    if (marker === undefined) writeMarker(dataDir, identity.peerId)
  } catch (err) {
    registry.close()
    throw err
  }
  return { identity, registry }
}
