// A joiner asks the devices it knows first (a re-pairing finds its partner at
// once), but never one it revoked: the Hello carries the new code's
// rendezvous id, which a device we stopped trusting has no business seeing.
// Two bare libp2p nodes stand in for a paired and a revoked device; loopback only.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { tcp } from '@libp2p/tcp'
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { createLibp2p, type Libp2p } from 'libp2p'
import { generateCode } from '../../../shared/code/index.ts'
import { startDevice } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'
import { TempDirs } from '../../../test-support/temp-dirs.ts'
import { PAIR_PROTOCOL } from '../node/join-race.ts'
import { Registry } from '../registry/registry.ts'
import { dataFiles } from './data-dir.ts'

const temp = new TempDirs('stored')
const nodes: Libp2p[] = []
after(async () => {
  for (const n of nodes) await n.stop()
  temp.removeAll()
})

/** A node that counts the pairing streams it is asked to open (and answers nothing). */
async function listener(): Promise<{ node: Libp2p; hellos: () => number }> {
  const node = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  nodes.push(node)
  let count = 0
  await node.handle(PAIR_PROTOCOL, (stream) => {
    count++
    stream.abort(new Error('not a device'))
  })
  return { node, hellos: () => count }
}

describe('stored candidates of a join', { timeout: 60_000 }, () => {
  it('a paired device is asked, a revoked one never is', async () => {
    const dataDir = temp.make()
    const joiner = await startDevice('Joiner', { dataDir })
    await joiner.stop()
    const paired = await listener()
    const revoked = await listener()
    const registry = Registry.open(dataFiles(dataDir).registry)
    for (const { node } of [paired, revoked]) {
      registry.recordPairing({
        peerId: node.peerId.toString(),
        name: 'Stand-in',
        os: 'Linux',
        appVersion: '0.1.0',
        addresses: node.getMultiaddrs().map(String),
        pairKeySealed: new Uint8Array(64),
        status: 'paired'
      })
    }
    registry.revoke(revoked.node.peerId.toString())
    registry.close()

    const device = await startDevice('Joiner', {
      dataDir,
      timing: { joinTimeoutMs: 3_000, lanWaitMs: 200, dhtPatienceMs: 500, reconnectMs: 60_000 }
    })
    try {
      // Nobody shows this code: the join tries every path it has, then gives up.
      await assert.rejects(device.service.join({ code: generateCode().words.join(' ') }))
      await eventually('the paired device was asked', () => paired.hellos() > 0, { timeoutMs: 5_000 })
      assert.equal(revoked.hellos(), 0, 'the revoked device never got a Hello')
    } finally {
      await device.stop()
    }
  })
})
