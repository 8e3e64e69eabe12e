import type { ThisDevice } from '../../../shared/api.ts'
import type { DeviceInfo } from '../../../shared/device.ts'
import { osLabel } from '../identity/identity.ts'
import type { SecretProtection } from '../identity/secret-store.ts'
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

const MAX_ADVERTISED_ADDRESSES = 16
const LOOPBACK = /\/ip4\/127\.|\/ip6\/::1\//

/** This device as others see it: its name, OS, version and the addresses it can be reached at. */
export class LocalDevice {
  readonly #c: LocalDeviceComponents

  constructor(components: LocalDeviceComponents) {
    this.#c = components
  }

  addresses(): string[] {
    return this.#c.node
      .getMultiaddrs()
      .map((ma) => ma.toString())
      .filter((a) => this.#c.allowLoopback || !LOOPBACK.test(a))
      .slice(0, MAX_ADVERTISED_ADDRESSES)
  }

  view(): ThisDevice {
    return thisDeviceView(this.#c.registry, this.#c.protection, this.addresses())
  }

  info(): DeviceInfo {
    return { name: this.view().name, os: osLabel(), appVersion: this.#c.appVersion, addresses: this.addresses() }
  }

  rename(name: string): ThisDevice {
    const self = this.view()
    this.#c.registry.setThisDevice({ peerId: self.peerId, name, os: osLabel() })
    return this.view()
  }
}
