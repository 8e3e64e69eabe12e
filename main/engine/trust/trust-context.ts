import type { PrivateKey } from '@libp2p/interface'
import type { Registry } from '../registry/registry.ts'
import type { DeviceRecord } from '../registry/types.ts'

/** What the presence and revocation exchanges need from the service around them. */
export interface TrustContext {
  readonly localPeerId: string
  readonly privateKey: PrivateKey
  readonly registry: Registry
  openPairKey(record: DeviceRecord): Promise<Uint8Array>
  localAddresses(): string[]
  /** Something about this peer's trust changed: refresh the gater, tell the UI. */
  trustChanged(peerId: string, change: TrustChange): void
}

export type TrustChange = 'confirmed' | 'pending-dropped' | 'removed-by-peer' | 'revocation-delivered' | 'presence'

export const READ_TIMEOUT_MS = 5_000
