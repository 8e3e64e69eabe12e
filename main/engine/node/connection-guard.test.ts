import type { Connection, MultiaddrConnection } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConnectionGuard } from './connection-guard.ts'

// The guard's host blocking on its own; hostile-hosts.test.ts runs it with real nodes. Only the
// fields the guard reads are given: a connection's direction, remote address and peer, and a raw
// connection's remote address.

const inbound = (address: string): Connection =>
  ({
    direction: 'inbound',
    remoteAddr: multiaddr(address),
    remotePeer: { toString: () => '12D3KooWStranger' }
  }) as unknown as Connection

const socketFrom = (address: string): MultiaddrConnection =>
  ({ remoteAddr: multiaddr(address), status: 'open', abort: () => undefined }) as unknown as MultiaddrConnection

function struckThrice(guard: ConnectionGuard, address: string): void {
  for (let i = 0; i < 3; i++) guard.strike(inbound(address))
}

describe('ConnectionGuard host blocking', () => {
  it('refuses a failing host before Noise, but never one where a paired device or node was last seen', () => {
    const guard = new ConnectionGuard()
    guard.trustAddresses(['/ip4/192.0.2.10/tcp/4001/p2p/12D3KooWPaired', 'not an address'])
    struckThrice(guard, '/ip4/192.0.2.10/tcp/50000')
    struckThrice(guard, '/ip4/192.0.2.20/tcp/50000')
    assert.equal(guard.denyInboundConnection(socketFrom('/ip4/192.0.2.10/tcp/50001')), false, 'trusted host admitted')
    assert.equal(guard.denyInboundConnection(socketFrom('/ip4/192.0.2.20/tcp/50001')), true, 'failing host refused')
  })

  it('never trusts or blocks a relay by a relayed address', () => {
    const guard = new ConnectionGuard()
    const viaRelay = '/ip4/192.0.2.30/tcp/4001/p2p/12D3KooWRelay/p2p-circuit'
    guard.trustAddresses([`${viaRelay}/p2p/12D3KooWPaired`])
    struckThrice(guard, viaRelay)
    assert.equal(
      guard.denyInboundConnection(socketFrom('/ip4/192.0.2.30/tcp/50001')),
      false,
      'relayed failures strike no one'
    )
    struckThrice(guard, '/ip4/192.0.2.30/tcp/50000')
    assert.equal(
      guard.denyInboundConnection(socketFrom('/ip4/192.0.2.30/tcp/50001')),
      true,
      'not trusted by a relayed address'
    )
  })
})
