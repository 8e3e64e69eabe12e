import type { PrivateKey } from '@libp2p/interface'
import type { TrustStore } from './trust-store.ts'

/** What the presence and revocation exchanges need from the engine around them. */
export interface TrustContext {
  readonly localPeerId: string
  readonly privateKey: PrivateKey
  readonly trust: TrustStore
  localAddresses(): string[]
  /** This device's current name: every presence message carries it, so a rename reaches paired devices. */
  localName(): string
}

export const READ_TIMEOUT_MS = 5_000
