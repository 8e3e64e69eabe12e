import { defaultDeviceName, osLabel } from '../identity/host-label.ts'
import type { Registry } from '../registry/registry.ts'
import { cleanDeviceName } from '../../../shared/device-name.ts'

/**
 * Makes the registry's "this device" row match the identity key: the name
 * asked for, else the stored one, else the host name. Used by the service at
 * start and by the CLI's registry-only commands (no network), so both agree.
 */
export function registerThisDevice(registry: Registry, peerId: string, deviceName?: string): void {
  const existing = registry.getThisDevice()
  // A name stored by an older version was never checked: made acceptable, not refused.
  const name = deviceName ?? (existing?.peerId === peerId ? cleanDeviceName(existing.name) : defaultDeviceName())
  if (existing?.peerId !== peerId || existing.name !== name) registry.setThisDevice({ peerId, name, os: osLabel() })
}
