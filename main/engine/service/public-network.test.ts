import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { JoinProgress } from '../../../shared/api.ts'
import { describeCorrection, generateCode, nearMisses, parseCodeOrThrow } from '../../../shared/code/index.ts'
import { isPairwiseError } from '../../../shared/errors.ts'
import { aminoNode, startAminoNetwork, type AminoNode } from '../../../test-support/engine/amino-network.ts'
import { startDevice, statusOf, type TestDevice } from '../../../test-support/engine/loopback-network.ts'
import { removeTempDir } from '../../../test-support/temp-dirs.ts'
import { eventually } from '../../../test-support/eventually.ts'
import { codeKeyFromSeed } from '../code/code-key.ts'
import { deriveCodeKeys } from '../code/derive.ts'
import { AD_PROTOCOL } from '../node/advertisement-server.ts'
import { PAIR_PROTOCOL } from '../node/join-race.ts'
import { codeRendezvousCid } from '../node/public-network.ts'
import { probeNearMisses } from './near-miss-probe.ts'

// Pairing through a simulated public libp2p network on 127.0.0.1 (real kad-dht
// servers speaking Amino): no --bootstrap, no mDNS, only the public network's
// bootstrap list. The NAT lab (e2e/netns/nat-public.test.ts) does the same
// across NATs and relays.

describe('pairing over the public libp2p network (simulated on loopback)', () => {
  let net: Awaited<ReturnType<typeof startAminoNetwork>>
  const devices: TestDevice[] = []
  const strangers: AminoNode[] = []
  const device = async (name: string): Promise<TestDevice> => {
    const d = await startDevice(name, { network: { publicBootstrap: net.bootstrap.slice(0, 2) } })
    devices.push(d)
    return d
  }
  /** Someone who provides a code's CID without holding the code: it counts every pairing stream it gets. */
  const stranger = async (words: string[]): Promise<{ pairStreams: () => number; adRequests: () => number }> => {
    const node = await aminoNode(false)
    strangers.push(node)
    let pairStreams = 0
    let adRequests = 0
    await node.handle(PAIR_PROTOCOL, (stream) => {
      pairStreams++
      stream.abort(new Error('stranger'))
    })
    await node.handle(AD_PROTOCOL, (stream) => {
      adRequests++
      stream.abort(new Error('no record: the stranger does not hold the code'))
    })
    await node.dial(net.nodes[0]!.getMultiaddrs()[0]!)
    const keys = deriveCodeKeys(parseCodeOrThrow(words.join(' ')).entropy)
    const cid = codeRendezvousCid(codeKeyFromSeed(keys.adSeed).publicKey)
    await eventually(
      'the stranger provided the CID',
      async () => {
        let acknowledged = 0
        for await (const e of node.services.dht.provide(cid, { signal: AbortSignal.timeout(5_000) }))
          if (e.name === 'PEER_RESPONSE' && e.messageName === 'ADD_PROVIDER') acknowledged++
        return acknowledged > 0
      },
      { timeoutMs: 20_000 }
    )
    return { pairStreams: () => pairStreams, adRequests: () => adRequests }
  }

  before(async () => {
    net = await startAminoNetwork(3)
  })
  after(async () => {
    for (const d of devices) await d.stop().catch(() => undefined)
    for (const d of devices) removeTempDir(d.dataDir)
    for (const s of strangers) await Promise.resolve(s.stop()).catch(() => undefined)
    await net.stop()
  })

  it('pairs with no node and no LAN discovery, found through the public network, even with a stranger providing the same CID', async () => {
    const alice = await device('Alice public')
    const bob = await device('Bob public')
    const session = await alice.service.startPairing({})
    await eventually(
      'the code is provided on the public network',
      async () => ((await alice.service.getState({})).session?.advertisedTo ?? 0) > 0,
      { timeoutMs: 20_000 }
    )
    // A stranger who saw the CID on a DHT server provides it too: it must cost a lookup slot, never a pairing.
    const planted = await stranger(session.words)
    const progress: JoinProgress[] = []
    const off = bob.service.on('join-progress', (p) => progress.push(p))
    const joined = await bob.service.join({ code: session.words.join(' ') })
    off()
    assert.equal(joined.name, 'Alice public')
    assert.ok(
      progress.some((p) => p.path === 'public' && p.step === 'found'),
      `the public path found no record: ${JSON.stringify(progress.map((p) => [p.path, p.message]))}`
    )
    await eventually('Alice has Bob as paired', async () => (await statusOf(alice, bob.service.peerId)) === 'paired', {
      timeoutMs: 10_000
    })
    // No proof, not even a Hello, went to the stranger: its record did not open, so it was never a candidate (P2).
    assert.equal(planted.pairStreams(), 0)
  })

  it('corrects two swapped words through the public network, with no node to ask', async () => {
    const dana = await device('Dana public')
    const eve = await device('Evan public')
    const session = await dana.service.startPairing({})
    await eventually(
      'the code is provided on the public network',
      async () => ((await dana.service.getState({})).session?.advertisedTo ?? 0) > 0,
      { timeoutMs: 20_000 }
    )
    const swapped = [...session.words]
    ;[swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!]
    // The probe over the public network alone (our DHT left out) finds exactly the swap.
    const publicDht = eve.service.node.services.publicDht
    assert.ok(publicDht !== undefined)
    const found = await probeNearMisses(
      { node: eve.service.node, dht: false, publicDht, allowLoopback: true },
      nearMisses(swapped),
      AbortSignal.timeout(30_000)
    )
    assert.deepEqual(
      found.map((f) => describeCorrection(f.correction)),
      ['words 3 and 4 were swapped']
    )
    const progress: JoinProgress[] = []
    const off = eve.service.on('join-progress', (p) => progress.push(p))
    const joined = await eve.service.join({ code: swapped.join(' ') })
    off()
    assert.equal(joined.name, 'Dana public')
    assert.ok(
      // Told on whichever path found it first (once the two devices met, our own DHT may answer too).
      progress.some((p) => /^Corrected: words 3 and 4 were swapped/.test(p.message)),
      `no correction reported: ${JSON.stringify(progress.map((p) => [p.path, p.message]))}`
    )
  })

  it('a stranger alone providing a code’s CID gets asked for the record, never sent a pairing message', async () => {
    const carol = await device('Carol public')
    // A valid code nobody shows.
    const { words, entropy } = generateCode()
    entropy.fill(0)
    const planted = await stranger(words)
    let error: unknown
    try {
      await carol.service.join({ code: words.join(' ') })
    } catch (err) {
      error = err
    }
    assert.ok(isPairwiseError(error), `expected a typed error, got ${String(error)}`)
    assert.equal(error.code, 'no-device-waiting')
    assert.ok(planted.adRequests() > 0, 'the stranger was never even asked: the public path did not run')
    assert.equal(planted.pairStreams(), 0)
  })
})
