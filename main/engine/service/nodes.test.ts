// The Pairwise nodes setting: added in the UI, kept across restarts, used at
// once (dialled, relay reservation held), removable; typed errors for bad input.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { NodeView } from '../../../shared/api.ts'
import { PairwiseError } from '../../../shared/errors.ts'
import { loopbackFleet } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'

describe('Pairwise nodes setting', { timeout: 60_000 }, () => {
  // These devices start with no node: the test adds one.
  const fleet = loopbackFleet(2, { network: { bootstrap: [] } })

  it('a node added at run time is used at once, survives a restart, and can be removed', async () => {
    const device = await fleet.device('Settings')
    const address = fleet.bootstrap()[0]!
    assert.deepEqual(await device.service.listNodes({}), [])
    const changes: NodeView[][] = []
    device.service.on('nodes-changed', (nodes) => changes.push(nodes))

    const added = await device.service.addNode({ address })
    assert.deepEqual(
      added.map((n) => [n.address, n.source]),
      [[address, 'setting']]
    )
    await eventually(
      'connected to the node, with a relay reservation there',
      async () => {
        const [node] = await device.service.listNodes({})
        return node?.connected === true && node.relay
      },
      { timeoutMs: 20_000 }
    )
    assert.ok(changes.length > 0, 'the UI was told')
    assert.equal((await device.service.getState({})).session, null)

    const restarted = await device.restart()
    assert.deepEqual(
      (await restarted.listNodes({})).map((n) => n.address),
      [address],
      'kept across restarts'
    )
    await eventually(
      'connected again after the restart',
      async () => (await restarted.listNodes({}))[0]?.connected === true,
      { timeoutMs: 20_000 }
    )

    assert.deepEqual(await restarted.removeNode({ address }), [])
    const again = await device.restart()
    assert.deepEqual(await again.listNodes({}), [], 'removal is kept too')
  })

  it('refuses its own address and cannot remove a node given at start', async () => {
    const address = fleet.bootstrap()[0]!
    const device = await fleet.device('Startup node', { network: { bootstrap: [address] } })
    assert.deepEqual(
      (await device.service.listNodes({})).map((n) => n.source),
      ['startup']
    )
    await assert.rejects(
      device.service.removeNode({ address }),
      (err: unknown) => err instanceof PairwiseError && err.code === 'invalid-argument'
    )
    const own = device.service.multiaddrs()[0]!
    await assert.rejects(
      device.service.addNode({ address: own }),
      (err: unknown) => err instanceof PairwiseError && err.code === 'invalid-argument'
    )
    assert.equal((await device.service.listNodes({})).length, 1, 'nothing changed')
  })
})
