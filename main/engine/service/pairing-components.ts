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

/**
 * Stores a finished pairing: the one commit both sides make. The other device's addresses go into its
 * registry row, and that is where every later dial to it reads them (contacts.ts passes the row's
 * addresses to connectToDevice, and puts them in libp2p's peer store at each start). Writing them to the
 * peer store here as well cost two peer-store writes per pairing on the protocol's critical path; the
 * open connection and its deferred identify tell libp2p the rest.
 */
export async function commitPairing(
  c: Pick<PairingComponents, 'trust'>,
  outcome: PairingOutcome,
  status: 'paired' | 'pending-confirmation'
): Promise<void> {
  await c.trust.recordPairing(outcome, status)
}
