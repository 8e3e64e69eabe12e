import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PairwiseLibp2p } from '../node/libp2p-node.ts'
import { Reachability } from './reachability.ts'

// Only the two things Reachability reads from a node: its addresses and the event that says they changed.
class AddressesOnly extends EventTarget {
  addrs: Multiaddr[] = [multiaddr('/ip4/192.168.1.20/tcp/4001')]
  reads = 0
  getMultiaddrs(): Multiaddr[] {
    this.reads++
    return this.addrs
  }
}

test('reach is reused between address changes and follows a change at once', () => {
  const node = new AddressesOnly()
  const reachability = new Reachability({ node: node as unknown as PairwiseLibp2p, followDhtMode: () => false })
  reachability.start()
  try {
    assert.equal(reachability.reach, 'local')
    assert.equal(reachability.reach, 'local')
    assert.equal(node.reads, 1, 'the second read reused the first')
    node.addrs = [
      ...node.addrs,
      multiaddr('/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK/p2p-circuit')
    ]
    node.dispatchEvent(new Event('self:peer:update'))
    assert.equal(reachability.reach, 'relay')
    node.addrs = [multiaddr('/ip4/8.8.4.4/tcp/4001')]
    node.dispatchEvent(new Event('self:peer:update'))
    assert.equal(reachability.reach, 'public')
  } finally {
    reachability.stop()
  }
})
