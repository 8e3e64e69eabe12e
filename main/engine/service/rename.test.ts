// A rename reaches paired devices: two real services on 127.0.0.1 paired
// through `pairwise node`-role DHT nodes. Rounds are set far apart, so only
// the presence check the rename itself triggers can carry the new name.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { EventPayload } from '../../../shared/api.ts'
import { joinAdvertised, loopbackFleet, type TestDevice } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'

// No reconnection round during the test: a name that arrives came with the rename's own check.
const TIMING = { reconnectMs: 600_000, joinTimeoutMs: 20_000, lanWaitMs: 500, dhtPatienceMs: 10_000 }

async function pair(a: TestDevice, b: TestDevice): Promise<void> {
  await joinAdvertised(a, b)
  await eventually('both see each other paired and online', async () => {
    const [onA, onB] = [await a.service.listDevices({}), await b.service.listDevices({})]
    return onA[0]?.status === 'paired' && onA[0].online && onB[0]?.status === 'paired' && onB[0].online
  })
}

describe('renaming a device', { timeout: 120_000 }, () => {
  const fleet = loopbackFleet(3, { timing: TIMING })

  it('the new name reaches the paired device at once, is announced once with the old name, and is kept', async () => {
    const a = await fleet.device('Alice')
    const b = await fleet.device('Bob')
    await pair(a, b)
    const renamed: Array<EventPayload<'device-renamed'>> = []
    a.service.on('device-renamed', (event) => void renamed.push(event))

    await b.service.renameDevice({ name: 'Bob’s desktop' })
    await eventually(
      'A shows the new name',
      async () => (await a.service.listDevices({}))[0]?.name === 'Bob’s desktop',
      { timeoutMs: 15_000 }
    )
    assert.equal(renamed.length, 1)
    assert.equal(renamed[0]?.previousName, 'Bob')
    assert.equal(renamed[0]?.device.name, 'Bob’s desktop')

    // A later check with the same name announces nothing new.
    await b.service.renameDevice({ name: 'Bob’s desktop' })
    await a.service.renameDevice({ name: 'Alice' })
    await eventually('B still knows A as Alice', async () => (await b.service.listDevices({}))[0]?.name === 'Alice')
    assert.equal(renamed.length, 1)

    // The row itself changed: it survives a restart.
    await a.restart()
    assert.equal((await a.service.listDevices({}))[0]?.name, 'Bob’s desktop')
  })
})
