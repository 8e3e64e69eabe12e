import type { PrivateKey } from '@libp2p/interface'
import type { CodeAlarm } from './messages.ts'
import type { TrustStore } from './trust-store.ts'

/** What the presence and revocation exchanges need from the engine around them. */
export interface TrustContext {
  readonly localPeerId: string
  readonly privateKey: PrivateKey
  readonly trust: TrustStore
  localAddresses(): string[]
  /** This device's current name: every presence message carries it, so a rename reaches paired devices. */
  localName(): string
  /** Overheard-code alarms carried by presence requests (service/code-alarms.ts). */
  alarms?: {
    outgoing(peerId: string): CodeAlarm | undefined
    delivered(peerId: string, alarm: CodeAlarm): void
    received(peerId: string, alarm: CodeAlarm): void
  }
}

export const READ_TIMEOUT_MS = 5_000
