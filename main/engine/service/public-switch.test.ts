import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { JoinProgress, PublicNetworkView } from '../../../shared/api.ts'
import { isPairwiseError } from '../../../shared/errors.ts'
import { CHECK_HELD_MS } from '../node/relay-reservations.ts'
import { aminoNode, startAminoNetwork, type AminoNode } from '../../../test-support/engine/amino-network.ts'
import { startDevice, statusOf, type TestDevice } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'
import { removeTempDir } from '../../../test-support/temp-dirs.ts'

// The person's public network switch (Settings), with real nodes on a
// simulated public network on 127.0.0.1 (real kad-dht servers speaking
// Amino): off, a device neither dials nor provides there and a join skips
// the public path; the setting survives a restart; switched on live, the
// device pairs through the public network again.

describe('the public network switch', () => {
  let net: Awaited<ReturnType<typeof startAminoNetwork>>
  const devices: TestDevice[] = []
  const relays: AminoNode[] = []
  // Short patience: a join that has no path to the other device should say so soon.
  const timing = { lanWaitMs: 500, dhtPatienceMs: 5_000, joinTimeoutMs: 20_000 }
  const device = async (name: string): Promise<TestDevice> => {
    const d = await startDevice(name, { network: { publicBootstrap: net.bootstrap.slice(0, 2) }, timing })
    devices.push(d)
    return d
  }
  /** Amino servers holding a connection to the device now. */
  const publicConnections = (d: TestDevice): number =>
    net.nodes.reduce((n, server) => n + server.getConnections(d.service.node.peerId).length, 0)
  const view = (d: TestDevice): Promise<PublicNetworkView> => d.service.getPublicNetwork({})
  /** Joins and returns the progress and the error (the joins below are expected to find nobody). */
  const failedJoin = async (d: TestDevice, words: string[]): Promise<{ progress: JoinProgress[]; code: string }> => {
    const progress: JoinProgress[] = []
    const off = d.service.on('join-progress', (p) => progress.push(p))
    try {
      await d.service.join({ code: words.join(' ') })
    } catch (err) {
      assert.ok(isPairwiseError(err), `expected a typed error, got ${String(err)}`)
      return { progress, code: err.code }
    } finally {
      off()
    }
    assert.fail('the join succeeded although no path should reach the other device')
  }

  before(async () => {
    net = await startAminoNetwork(3)
  })
  after(async () => {
    for (const d of devices) await d.stop().catch(() => undefined)
    for (const d of devices) removeTempDir(d.dataDir)
    for (const r of relays) await r.stop()
    await net.stop()
  })

  let alice: TestDevice
  let bob: TestDevice

  it('off on the showing device: its public peers are hung up on and its code is not provided there', async () => {
    alice = await device('Alice switch')
    bob = await device('Bob switch')
    await eventually('Alice is on the public network', async () => (await view(alice)).connected, { timeoutMs: 20_000 })
    const events: PublicNetworkView[] = []
    const stopListening = alice.service.on('public-network-changed', (v) => events.push(v))
    assert.deepEqual(await alice.service.setPublicNetwork({ enabled: false }), {
      available: true,
      enabled: false,
      connected: false
    })
    stopListening()
    assert.ok(
      events.some((v) => !v.enabled && !v.connected),
      'the change was announced'
    )
    await eventually('no Amino server holds a connection to Alice', async () => publicConnections(alice) === 0)

    const session = await alice.service.startPairing({})
    const { progress, code } = await failedJoin(bob, session.words)
    assert.equal(code, 'no-device-waiting')
    assert.ok(
      progress.some((p) => p.path === 'public'),
      `Bob, switched on, searched the public network: ${JSON.stringify(progress)}`
    )
    assert.ok(!progress.some((p) => p.path === 'public' && p.step === 'found'), 'nobody provided the code there')
    assert.equal(publicConnections(alice), 0, 'Alice, switched off, dialled no public peer meanwhile')
    await alice.service.cancelPairing({})
  })

  it('off: the public relay holding this device’s reservation is hung up on and not asked again', async () => {
    const relay = await aminoNode(true, true)
    relays.push(relay)
    const carol = await startDevice('Carol switch', {
      network: { publicBootstrap: [relay.getMultiaddrs()[0]!.toString()] },
      timing
    })
    devices.push(carol)
    const relayId = relay.peerId.toString()
    const held = (): string[] => carol.service.node.services.reservations?.held() ?? []
    await eventually('Carol holds a reservation on the public relay', async () => held().includes(relayId), {
      timeoutMs: 20_000
    })
    await carol.service.setPublicNetwork({ enabled: false })
    await eventually('the reservation is gone', async () => !held().includes(relayId))
    // A lost reservation is noticed at the next check and taken again a second later: let that pass.
    await sleep(CHECK_HELD_MS + 3_000)
    assert.ok(!held().includes(relayId), 'reserved again although the switch is off')
    assert.equal(relay.getConnections(carol.service.node.peerId).length, 0, 'the relay was dialled again')
  })

  it('off on the joiner: kept across a restart, its join skips the public path; on again, it pairs through it', async () => {
    await alice.service.setPublicNetwork({ enabled: true })
    await eventually('Alice is back on the public network', async () => (await view(alice)).connected, {
      timeoutMs: 20_000
    })
    await bob.service.setPublicNetwork({ enabled: false })
    await bob.restart()
    assert.deepEqual(await view(bob), { available: true, enabled: false, connected: false }, 'kept across the restart')

    const session = await alice.service.startPairing({})
    await eventually(
      'Alice provided the code on the public network',
      async () => ((await alice.service.getState({})).session?.advertisedTo ?? 0) > 0,
      { timeoutMs: 20_000 }
    )
    const { progress, code } = await failedJoin(bob, session.words)
    assert.equal(code, 'no-device-waiting')
    assert.ok(!progress.some((p) => p.path === 'public'), `the public path ran: ${JSON.stringify(progress)}`)
    assert.equal(publicConnections(bob), 0, 'Bob, switched off since its start, never reached the public network')

    const on = await bob.service.setPublicNetwork({ enabled: true })
    assert.equal(on.enabled, true)
    const joined: JoinProgress[] = []
    const off = bob.service.on('join-progress', (p) => joined.push(p))
    const device = await bob.service.join({ code: session.words.join(' ') })
    off()
    assert.equal(device.name, 'Alice switch')
    assert.ok(
      joined.some((p) => p.path === 'public' && p.step === 'found'),
      `found through the public network: ${JSON.stringify(joined.map((p) => [p.path, p.step]))}`
    )
    await eventually('Alice has Bob as paired', async () => (await statusOf(alice, bob.service.peerId)) === 'paired', {
      timeoutMs: 10_000
    })
    assert.equal((await view(bob)).connected, true)
  })
})
