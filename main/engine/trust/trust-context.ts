import type { PrivateKey } from '@libp2p/interface'
import type { TrustStore } from './trust-store.ts'

/** What the presence and revocation exchanges need from the engine around them. */
export interface TrustContext {
  readonly localPeerId: string
  readonly privateKey: PrivateKey
  readonly trust: TrustStore
  localAddresses(): string[]
}

export const READ_TIMEOUT_MS = 5_000
