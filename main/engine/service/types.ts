import type { PairingApi, StorageWarning } from '../../../shared/api.ts'
import { APPROVAL_TIMEOUT_MS } from '../../../shared/limits.ts'
import type { SecretStore } from '../identity/secret-store.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import type { NetworkOptions } from '../node/network-options.ts'

export type { NetworkOptions } from '../node/network-options.ts'

export interface ServiceTiming {
  /** Between reconnection rounds for paired devices and undelivered revocations. */
  reconnectMs: number
  /** Whole join across all discovery paths. */
  joinTimeoutMs: number
  /** How long LAN answers are awaited after the mDNS query. */
  lanWaitMs: number
  /** How long the DHT is asked again while no record for the code is found (the initiator may still be publishing). */
  dhtPatienceMs: number
  /** How long a session that asks its person waits for Allow or Deny (shared/limits.ts). */
  approvalMs: number
}

export const DEFAULT_TIMING: ServiceTiming = {
  reconnectMs: 30_000,
  joinTimeoutMs: 30_000,
  lanWaitMs: 3_000,
  dhtPatienceMs: 10_000,
  approvalMs: APPROVAL_TIMEOUT_MS
}

export interface ServiceOptions {
  dataDir: string
  secretStore: SecretStore
  network?: Partial<NetworkOptions>
  /** Shown to the other device. Default: this computer's host name. */
  deviceName?: string
  appVersion?: string
  /** Lifetime of a new code when the caller does not choose one, in minutes (limits: shared/limits.ts). */
  codeTtlMinutes?: number
  /** Waits and intervals; tests and benchmarks shorten them. */
  timing?: Partial<ServiceTiming>
}

/** The engine's one API (shared/api.ts) plus the lifecycle the hosts need. */
export interface PairingService extends PairingApi {
  readonly peerId: string
  /** What start-up repaired on its own (a rebuilt peer store): front ends show these once. */
  readonly warnings: readonly StorageWarning[]
  /** The libp2p node underneath: for tests and benchmarks that probe the network layer, never for front ends. */
  readonly node: PairwiseLibp2p
  /** Listening multiaddrs, with /p2p/<peer id>. */
  multiaddrs(): string[]
  stop(): Promise<void>
}
