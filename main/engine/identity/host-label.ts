import { hostname, platform } from 'node:os'
import { cleanDeviceName } from '../../../shared/device-name.ts'

// What this computer calls itself, for the registry's "this device" row. Kept
// apart from identity.ts (the device key) so the registry-only CLI commands
// (`pairwise devices`) do not load @libp2p/crypto and multiformats: ~16 ms of
// module evaluation they never use.

export function defaultDeviceName(): string {
  return cleanDeviceName(hostname().replace(/\.local$/i, ''))
}

export function osLabel(p: NodeJS.Platform = platform()): string {
  switch (p) {
    case 'darwin':
      return 'macOS'
    case 'win32':
      return 'Windows'
    case 'linux':
      return 'Linux'
    default:
      return p
  }
}
