import type { Startable } from '@libp2p/interface'
import type { AddressManager } from '@libp2p/interface-internal'
import { classifyAddress } from './address-class.ts'

// A `pairwise node` on a public host must advertise its public listen
// address from the first second: libp2p 3 hides an unverified public
// transport address until AutoNAT confirms it, and on a fresh network there is
// nobody to confirm it (the node would print only 127.0.0.1). The operator
// runs it on a public host on purpose, so its public interface addresses are
// confirmed here, by our classification (which the NAT lab can extend).

export interface PublicAddressComponents {
  addressManager: AddressManager
}

export class PublicListenAddresses implements Startable {
  readonly #components: PublicAddressComponents

  constructor(components: PublicAddressComponents) {
    this.#components = components
  }

  start(): void {}

  afterStart(): void {
    this.confirm()
  }

  stop(): void {}

  /** Confirms every public, unverified listen address; returns how many. */
  confirm(): number {
    let confirmed = 0
    for (const address of this.#components.addressManager.getAddressesWithMetadata()) {
      if (address.verified || address.type !== 'transport' || classifyAddress(address.multiaddr) !== 'public') continue
      this.#components.addressManager.confirmObservedAddr(address.multiaddr, { type: 'transport' })
      confirmed++
    }
    return confirmed
  }
}

export function publicListenAddresses(): (components: PublicAddressComponents) => PublicListenAddresses {
  return (components) => new PublicListenAddresses(components)
}
