import type { ThisDevice } from '../../../shared/api.ts'
import type { DeviceInfo } from '../../../shared/device.ts'
import { osLabel } from '../identity/identity.ts'
import type { SecretProtection } from '../identity/secret-store.ts'
import { shareableAddresses } from '../node/address-order.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import type { Registry } from '../registry/registry.ts'
import { thisDeviceView } from './views.ts'

export interface LocalDeviceComponents {
  node: PairwiseLibp2p
  registry: Registry
  protection: SecretProtection
  appVersion: string
  /** Keep loopback addresses (tests and benchmarks on 127.0.0.1); a real device never sends them. */
  allowLoopback: boolean
}

/** This device as others see it: its name, OS, version and the addresses it can be reached at. */
export class LocalDevice {
  readonly #c: LocalDeviceComponents

  constructor(components: LocalDeviceComponents) {
    this.#c = components
  }

  /** Where others can reach this device, best first; `maxBytes` caps the JSON size of the list. */
  addresses(maxBytes?: number): string[] {
    const all = this.#c.node.getMultiaddrs().map(String)
    const selfPeerId = this.#c.node.peerId.toString()
    return shareableAddresses(all, {
      selfPeerId,
      allowLoopback: this.#c.allowLoopback,
      ...(maxBytes === undefined ? {} : { maxBytes })
    })
  }

  view(): ThisDevice {
    return thisDeviceView(this.#c.registry, this.#c.protection, this.addresses())
  }

  /** What a pairing sends: read afresh each time (the name may change), libp2p's address list computed once. */
  info(): DeviceInfo {
    const self = this.#c.registry.getThisDevice()
    if (self === null) throw new Error('this device is not registered')
    return { name: self.name, os: osLabel(), appVersion: this.#c.appVersion, addresses: this.addresses() }
  }

  rename(name: string): ThisDevice {
    const self = this.view()
    this.#c.registry.setThisDevice({ peerId: self.peerId, name, os: osLabel() })
    return this.view()
  }
}
