// Availability under floods (issue 10, item 1): during each attack a real
// joiner, through the DHT, pairs with the attacked device, and the attacked
// device's session view counts the strangers it turned away. Real nodes on
// 127.0.0.1; the attackers come from other loopback hosts (127.0.1.x), as other
// machines would. Bounded: every wait has a limit, every flood stops.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FLOODS, type FloodKind } from '../../../test-support/engine/floods.ts'
import { loopbackFleet, startAdvertised, type TestDevice } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'

const FAST = { reconnectMs: 400, joinTimeoutMs: 30_000, lanWaitMs: 500, dhtPatienceMs: 15_000 }

function tcpAddress(device: TestDevice): string {
  const address = device.service.multiaddrs().find((a) => a.startsWith('/ip4/127.0.0.1/tcp/'))
  assert.ok(address !== undefined, 'the device listens on 127.0.0.1')
  return address
}

describe('a real joiner pairs while strangers flood the initiator', { timeout: 240_000 }, () => {
  const fleet = loopbackFleet(3, { timing: FAST })

  for (const kind of Object.keys(FLOODS) as FloodKind[]) {
    it(`during ${FLOODS[kind].label}`, async () => {
      const target = await fleet.device(`Flooded (${kind})`)
      const joiner = await fleet.device(`Joiner (${kind})`)
      const session = await startAdvertised(target)
      const flood = await FLOODS[kind].start(tcpAddress(target))
      try {
        // The flood is at full strength once the target turns strangers away.
        await eventually(
          'the target turns strangers away',
          async () => ((await target.service.getState({})).session?.refused ?? 0) > 0,
          { timeoutMs: 30_000, intervalMs: 100 }
        )
        const joined = await joiner.service.join({ code: session.words.join(' ') })
        assert.equal(joined.peerId, target.service.peerId)
        await eventually(
          'the initiator confirmed',
          async () => (await target.service.getState({})).session?.state === 'paired'
        )
        const view = (await target.service.getState({})).session
        assert.ok((view?.refused ?? 0) > 0, 'the initiator shows how many were refused')
        console.log(`${FLOODS[kind].label}: paired; ${view?.refused} refused; attackers held ${flood.holding()}`)
      } finally {
        await flood.stop()
      }
      const metrics = await target.service.getMetrics({})
      assert.ok(metrics.strangersRefused > 0, 'the refused count reaches the metrics when the session ends')
    })
  }
})
