import type { Startable } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { NodeView } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import type { Registry } from '../registry/registry.ts'
import type { ServiceEmitter } from './service-events.ts'

// The `pairwise node`s this device uses to reach devices on other networks:
// the ones given at start (--bootstrap, PAIRWISE_BOOTSTRAP) and the ones the
// person added in Settings (kept in the registry). Adding one dials it and
// keeps a relay reservation there; removing one stops renewing it.

export interface NodeDirectoryComponents {
  node: PairwiseLibp2p
  registry: Registry
  events: ServiceEmitter
  /** From the command line or the environment, for this run only. */
  startup: string[]
}

const DIAL_TIMEOUT_MS = 10_000

export class NodeDirectory implements Startable {
  readonly #c: NodeDirectoryComponents
  readonly #onPeer = (event: CustomEvent<{ toString(): string }>): void => {
    if (this.#peerIds().has(event.detail.toString())) this.#emit()
  }

  constructor(components: NodeDirectoryComponents) {
    this.#c = components
  }

  /** Every node address, startup ones first. */
  addresses(): string[] {
    return [...new Set([...this.#c.startup, ...this.#stored()])]
  }

  /** One of the nodes this device uses (the connection guard never pushes it out). */
  isNode(peerId: string): boolean {
    return this.#peerIds().has(peerId)
  }

  start(): void {
    const { node } = this.#c
    node.addEventListener('peer:connect', this.#onPeer)
    node.addEventListener('peer:disconnect', this.#onPeer)
    node.addEventListener('self:peer:update', this.#onSelf)
    for (const address of this.addresses()) this.#dial(address)
  }

  stop(): void {
    const { node } = this.#c
    node.removeEventListener('peer:connect', this.#onPeer)
    node.removeEventListener('peer:disconnect', this.#onPeer)
    node.removeEventListener('self:peer:update', this.#onSelf)
  }

  list(): NodeView[] {
    const { node } = this.#c
    const held = new Set(node.services.reservations?.held() ?? [])
    const stored = new Set(this.#stored())
    return this.addresses().map((address) => {
      const peerId = peerIdOf(address)
      return {
        address,
        peerId,
        source: stored.has(address) && !this.#c.startup.includes(address) ? 'setting' : 'startup',
        connected: node.getConnections().some((c) => c.status === 'open' && c.remotePeer.toString() === peerId),
        relay: held.has(peerId)
      }
    })
  }

  add(address: string): NodeView[] {
    let peerId: string
    try {
      multiaddr(address)
      peerId = peerIdOf(address)
    } catch {
      throw new PairwiseError('invalid-argument', 'That is not a node address.', {
        hint: 'Paste the --bootstrap value that `pairwise node` printed.'
      })
    }
    if (peerId === this.#c.node.peerId.toString())
      throw new PairwiseError('invalid-argument', 'That is this device’s own address.')
    if (this.#c.registry.nodes.add(address)) {
      this.#c.node.services.reservations?.add(address)
      this.#dial(address)
    }
    return this.#emit()
  }

  remove(address: string): NodeView[] {
    if (this.#c.startup.includes(address)) {
      throw new PairwiseError('invalid-argument', 'This node was given at start (--bootstrap or PAIRWISE_BOOTSTRAP).', {
        hint: 'Restart Pairwise without it to stop using it.'
      })
    }
    if (this.#c.registry.nodes.remove(address)) this.#c.node.services.reservations?.remove(address)
    return this.#emit()
  }

  readonly #onSelf = (): void => void this.#emit()

  #stored(): string[] {
    return this.#c.registry.nodes.list().map((n) => n.address)
  }

  #peerIds(): Set<string> {
    return new Set(this.addresses().map(peerIdOf))
  }

  #dial(address: string): void {
    void this.#c.node.dial(multiaddr(address), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) }).catch(() => undefined)
  }

  #emit(): NodeView[] {
    const nodes = this.list()
    this.#c.events.emit('nodes-changed', nodes)
    return nodes
  }
}

function peerIdOf(address: string): string {
  const id = multiaddr(address)
    .getComponents()
    .findLast((c) => c.name === 'p2p')?.value
  if (id === undefined) throw new Error('no /p2p/ part')
  return id
}
