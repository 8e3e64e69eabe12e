import type { PairingApi } from '../../../shared/api.ts'
import type { SecretStore } from '../identity/secret-store.ts'

export interface NetworkOptions {
  /** Multiaddrs to listen on. Default: all interfaces, a random TCP port. */
  listen: string[]
  /** Multiaddrs (with /p2p/<id>) of DHT nodes to join. */
  bootstrap: string[]
  /** LAN discovery. Off in tests outside network namespaces. */
  mdns: boolean
  /** 'server' answers DHT queries (desktop on a home LAN); 'client' only asks. */
  dhtMode: 'server' | 'client'
  /** Keep loopback addresses in the DHT (tests and benchmarks on 127.0.0.1). */
  allowLoopback: boolean
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
  /** Test-only fault injection (P7 tests): the joiner's final Ack never reaches the wire. */
  faults?: { loseAck?: boolean }
}

/** The engine's one API (shared/api.ts) plus the lifecycle the hosts need. */
export interface PairingService extends PairingApi {
  readonly peerId: string
  /** Listening multiaddrs, with /p2p/<peer id>. */
  multiaddrs(): string[]
  stop(): Promise<void>
}
