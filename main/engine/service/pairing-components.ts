import type { LocalIdentity } from '../identity/local-identity.ts'
import type { PairingOutcome } from '../protocol/types.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import type { Registry } from '../registry/registry.ts'
import type { TrustStore } from '../trust/trust-store.ts'
import type { Contacts } from './contacts.ts'
import type { LocalDevice } from './local-device.ts'
import type { ServiceEmitter } from './service-events.ts'

/** What both sides of a pairing (PairingHost, Joining) need from the engine around them. */
export interface PairingComponents {
  node: PairwiseLibp2p
  identity: LocalIdentity
  local: LocalDevice
  trust: TrustStore
  /** For the audit log only; trust changes go through `trust`. */
  registry: Registry
  contacts: Contacts
  events: ServiceEmitter
  /** A pairing ended (deferred identify may run now). */
  onIdle(): void
}

/** Stores a finished pairing and remembers where the other device is: the one commit both sides make. */
export async function commitPairing(
  c: Pick<PairingComponents, 'trust' | 'contacts'>,
  outcome: PairingOutcome,
  status: 'paired' | 'pending-confirmation'
): Promise<void> {
  const { remotePeerId, remoteDevice } = outcome
  await c.trust.recordPairing(outcome, status)
  await c.contacts.rememberAddresses(remotePeerId, remoteDevice.addresses)
}
