// Paired devices find each other again after both restarted on new ports: the
// stored address is stale, the local peer store would repeat it, so the
// network is asked (the node that holds each device's relay reservation knows
// where it is now). Real services and `pairwise node`-role DHT nodes on 127.0.0.1.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loseAckAfterCommit } from '../../../test-support/engine/faults.ts'
import { joinAdvertised, loopbackFleet, type TestDevice } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'

const FAST = { reconnectMs: 400, joinTimeoutMs: 20_000, lanWaitMs: 500, dhtPatienceMs: 10_000 }

describe('paired devices after both restarted on new ports', { timeout: 120_000 }, () => {
  const fleet = loopbackFleet(3, { timing: FAST })
  const device = (name: string, dataDir?: string): Promise<TestDevice> =>
    fleet.device(name, dataDir === undefined ? {} : { dataDir })
  const statusOf = async (d: TestDevice, peerId: string): Promise<string | undefined> =>
    (await d.service.listDevices({ includeRevoked: true })).find((x) => x.peerId === peerId)?.status
  const portsOf = (d: TestDevice): string[] =>
    d.service.multiaddrs().map((a) => a.split('/tcp/')[1]?.split('/')[0] ?? '')

  it('a pending pairing settles, and a revocation sent while the other was away arrives', async () => {
    const a = await device('Alice')
    const b = await device('Bob')
    loseAckAfterCommit(b, a.service.peerId)
    await joinAdvertised(a, b)
    await eventually(
      'A is left pending',
      async () => (await statusOf(a, b.service.peerId)) === 'pending-confirmation',
      { timeoutMs: 15_000 }
    )

    // Both go away before the presence check could settle it, and come back on new ports.
    const oldPorts = [...portsOf(a), ...portsOf(b)]
    await a.stop()
    await b.stop()
    const a2 = await device('Alice', a.dataDir)
    const b2 = await device('Bob', b.dataDir)
    assert.ok(![...portsOf(a2), ...portsOf(b2)].some((p) => oldPorts.includes(p)), 'both listen on new ports')
    await eventually(
      'the pending pairing settled as paired on A',
      async () => (await statusOf(a2, b2.service.peerId)) === 'paired',
      { timeoutMs: 30_000 }
    )
    assert.equal(await statusOf(b2, a2.service.peerId), 'paired')

    // B is away while A revokes it; B comes back on yet another port and still learns it.
    await b2.stop()
    await a2.service.revokeDevice({ peerId: b2.service.peerId })
    const b3 = await device('Bob', b.dataDir)
    await eventually(
      'B learned that A removed it',
      async () => (await statusOf(b3, a2.service.peerId)) === 'removed-by-peer',
      { timeoutMs: 30_000 }
    )
    // B acknowledges after applying the notice; A settles it when the acknowledgement arrives.
    await eventually(
      'the notice is settled on A',
      async () => (await a2.service.getMetrics({})).revocationsPending === 0
    )
  })
})
