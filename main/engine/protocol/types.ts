import type { DeviceInfo } from '../../../shared/device.ts'

export type { LocalIdentity } from '../identity/local-identity.ts'

/** What both sides hold after a successful exchange. `pairKey` is secret. */
export interface PairingOutcome {
  remotePeerId: string
  remoteDevice: DeviceInfo
  pairKey: Uint8Array
  transcriptHash: Uint8Array
  role: 'initiator' | 'joiner'
}

export interface ProtocolTimeouts {
  /** Longest wait for any one message from the other side. */
  readMs: number
  /** Longest wait for the final Ack before the pairing is left pending. */
  ackMs: number
}

export const DEFAULT_TIMEOUTS: ProtocolTimeouts = { readMs: 10_000, ackMs: 10_000 }
