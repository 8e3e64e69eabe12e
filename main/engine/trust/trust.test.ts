// Presence and revocation exchanges between two real registries over an
// in-memory pipe: the proofs must bite, not just the happy path.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { ephemeralIdentity } from '../identity/identity.ts'
import { MemorySecretStore } from '../identity/file-secret-store.ts'
import { memoryPipe } from '../../../test-support/engine/memory-pipe.ts'
import { TempDirs } from '../../../test-support/temp-dirs.ts'
import { FramedChannel } from '../protocol/framing.ts'
import { toHex } from '../util/bytes.ts'
import type { LocalIdentity } from '../protocol/types.ts'
import { Registry } from '../registry/registry.ts'
import { presenceReplyMac, presenceRequestMac, revocationBytes, revocationMac } from './messages.ts'
import { checkPresence, servePresence } from './presence.ts'
import { buildNotice, serveRevocation } from './revocation.ts'
import type { TrustContext } from './trust-context.ts'
import { TrustStore, type TrustChange } from './trust-store.ts'
import { decodeJson, encodeJson } from './wire.ts'
import { z } from 'zod'

const temp = new TempDirs('trust')

interface Side extends TrustContext {
  registry: Registry
  identity: LocalIdentity
  store: MemorySecretStore
  changes: Array<[string, TrustChange]>
}

async function side(name = 'Device'): Promise<Side> {
  const dir = temp.make()
  const identity = await ephemeralIdentity()
  const store = new MemorySecretStore()
  const registry = Registry.open(join(dir, 'pairwise.db'))
  const changes: Array<[string, TrustChange]> = []
  const trust = new TrustStore(registry, store)
  trust.events.on('change', ({ peerId, change }) => void changes.push([peerId, change]))
  return {
    identity,
    store,
    changes,
    localPeerId: identity.peerId,
    privateKey: identity.privateKey,
    registry,
    trust,
    localAddresses: () => [],
    localName: () => name
  }
}

async function pairBoth(
  a: Side,
  b: Side,
  pairKey: Uint8Array,
  status: { a?: 'paired' | 'pending-confirmation'; b?: 'paired' | 'pending-confirmation' } = {}
): Promise<void> {
  const record = (peerId: string, name: string, sealed: Uint8Array, s: 'paired' | 'pending-confirmation') => ({
    peerId,
    name,
    os: 'Linux',
    appVersion: '0.1.0',
    addresses: [],
    pairKeySealed: sealed,
    status: s
  })
  a.registry.recordPairing(record(b.localPeerId, 'B', await a.store.seal(pairKey), status.a ?? 'paired'))
  b.registry.recordPairing(record(a.localPeerId, 'A', await b.store.seal(pairKey), status.b ?? 'paired'))
}

/** Sends one message to `serve` as `from`, returns what came back (raw frames). */
async function exchange(serve: (channel: FramedChannel) => Promise<unknown>, messages: unknown[]): Promise<unknown[]> {
  const [mine, theirs] = memoryPipe()
  const served = serve(new FramedChannel(theirs))
  const channel = new FramedChannel(mine)
  for (const m of messages) await channel.write(encodeJson(m))
  const replies: unknown[] = []
  try {
    for (;;) replies.push(decodeJson(await channel.read(AbortSignal.timeout(1000)), z.unknown()))
  } catch {
    // closed
  }
  await served.catch(() => undefined)
  return replies
}

describe('revocation notices and presence proofs', () => {
  after(temp.removeAll)

  it('a genuine notice removes the pairing and is acknowledged (control)', async () => {
    const a = await side()
    const b = await side()
    await pairBoth(a, b, randomBytes(32))
    a.registry.revoke(b.localPeerId)
    const notice = await buildNotice(a, a.registry.getDevice(b.localPeerId)!)
    const replies = await exchange((c) => serveRevocation(b, c, a.localPeerId), [notice])
    assert.deepEqual(replies, [{ t: 'revoke-ack' }])
    assert.equal(b.registry.getDevice(a.localPeerId)?.status, 'removed-by-peer')
  })

  it('a notice with a wrong MAC, a foreign signature, or from an earlier pairing changes nothing and gets no ack', async () => {
    const a = await side()
    const b = await side()
    const oldKey = randomBytes(32)
    await pairBoth(a, b, oldKey)
    const at = Date.now()
    const sig = toHex(await a.privateKey.sign(revocationBytes(a.localPeerId, b.localPeerId, at)))
    const wrongMac = { t: 'revoke', at, mac: toHex(randomBytes(32)), sig }
    const stranger = await ephemeralIdentity()
    const foreignSig = {
      t: 'revoke',
      at,
      mac: toHex(revocationMac(oldKey, a.localPeerId, b.localPeerId, at)),
      sig: toHex(await stranger.privateKey.sign(revocationBytes(a.localPeerId, b.localPeerId, at)))
    }
    const recorded = { t: 'revoke', at, mac: toHex(revocationMac(oldKey, a.localPeerId, b.localPeerId, at)), sig }
    for (const notice of [wrongMac, foreignSig]) {
      assert.deepEqual(await exchange((c) => serveRevocation(b, c, a.localPeerId), [notice]), [])
      assert.equal(b.registry.getDevice(a.localPeerId)?.status, 'paired')
    }
    // Re-paired with a fresh code: a notice recorded under the old pair key is worthless.
    b.registry.recordPairing({
      peerId: a.localPeerId,
      name: 'A',
      os: 'Linux',
      appVersion: '0.1.0',
      addresses: [],
      pairKeySealed: await b.store.seal(randomBytes(32)),
      status: 'paired'
    })
    assert.deepEqual(await exchange((c) => serveRevocation(b, c, a.localPeerId), [recorded]), [])
    assert.equal(b.registry.getDevice(a.localPeerId)?.status, 'paired')
    // The same notice from a connection authenticated as someone else is refused too.
    assert.deepEqual(
      await exchange((c) => serveRevocation(b, c, stranger.peerId), [recorded]),
      [{ t: 'revoke-ack' }],
      'unknown peers are told there is nothing to revoke'
    )
    assert.equal(b.registry.getDevice(a.localPeerId)?.status, 'paired')
  })

  it('a presence request with a wrong MAC does not confirm a pending pairing', async () => {
    const a = await side()
    const b = await side()
    await pairBoth(a, b, randomBytes(32), { a: 'pending-confirmation' })
    const replies = await exchange(
      (c) => servePresence(a, c, b.localPeerId),
      [
        {
          t: 'presence',
          nonce: toHex(randomBytes(32)),
          status: 'paired',
          name: 'B',
          addrs: [],
          mac: toHex(randomBytes(32))
        }
      ]
    )
    assert.deepEqual(replies, [{ t: 'unknown' }])
    assert.equal(a.registry.getDevice(b.localPeerId)?.status, 'pending-confirmation')
  })

  it('a presence reply with a wrong MAC does not confirm a pending pairing; a right one does', async () => {
    const a = await side()
    const b = await side()
    const pairKey = randomBytes(32)
    await pairBoth(a, b, pairKey, { a: 'pending-confirmation' })
    const fakeServer = async (channel: FramedChannel, good: boolean): Promise<void> => {
      const request = decodeJson(
        await channel.read(AbortSignal.timeout(1000)),
        z.object({ nonce: z.string() }).loose()
      )!
      const nonce = randomBytes(32)
      const mac = good
        ? presenceReplyMac(
            pairKey,
            b.localPeerId,
            a.localPeerId,
            Buffer.from(request.nonce, 'hex'),
            nonce,
            'paired',
            'B'
          )
        : randomBytes(32)
      await channel.write(
        encodeJson({ t: 'presence-ok', nonce: toHex(nonce), status: 'paired', name: 'B', addrs: [], mac: toHex(mac) })
      )
      await channel.close()
    }
    for (const good of [false, true]) {
      const [mine, theirs] = memoryPipe()
      const serving = fakeServer(new FramedChannel(theirs), good)
      const result = await checkPresence(a, new FramedChannel(mine), a.registry.getDevice(b.localPeerId)!)
      await serving
      assert.equal(result, good ? 'confirmed' : 'failed')
      assert.equal(a.registry.getDevice(b.localPeerId)?.status, good ? 'paired' : 'pending-confirmation')
    }
  })

  it('an "unknown" answer about a pairing that was replaced meanwhile changes nothing', async () => {
    const a = await side()
    const b = await side()
    await pairBoth(a, b, randomBytes(32))
    const stale = a.registry.getDevice(b.localPeerId)!
    // A fresh pairing replaces the record while the presence check is on the wire.
    a.registry.recordPairing({
      peerId: b.localPeerId,
      name: 'B',
      os: 'Linux',
      appVersion: '0.1.0',
      addresses: [],
      pairKeySealed: await a.store.seal(randomBytes(32)),
      status: 'pending-confirmation'
    })
    const [mine, theirs] = memoryPipe()
    const serving = (async () => {
      const channel = new FramedChannel(theirs)
      await channel.read(AbortSignal.timeout(1000))
      await channel.write(encodeJson({ t: 'unknown' }))
      await channel.close()
    })()
    assert.equal(await checkPresence(a, new FramedChannel(mine), stale), 'failed')
    await serving
    assert.equal(a.registry.getDevice(b.localPeerId)?.status, 'pending-confirmation')
  })

  it("a presence check carries each side's current name under the MAC; both rows follow a rename", async () => {
    const a = await side('Alice')
    const b = await side('Bob renamed')
    await pairBoth(a, b, randomBytes(32))
    const renames: string[] = []
    a.trust.events.on('renamed', ({ previousName }) => void renames.push(previousName))
    const [mine, theirs] = memoryPipe()
    const serving = servePresence(a, new FramedChannel(theirs), b.localPeerId)
    assert.equal(await checkPresence(b, new FramedChannel(mine), b.registry.getDevice(a.localPeerId)!), 'online')
    assert.equal(await serving, 'online')
    assert.equal(a.registry.getDevice(b.localPeerId)?.name, 'Bob renamed')
    assert.equal(b.registry.getDevice(a.localPeerId)?.name, 'Alice')
    assert.deepEqual(renames, ['B'], 'announced once, with the name shown before')
    assert.ok(a.changes.some(([, change]) => change === 'renamed'))
  })

  it('a name changed on the wire breaks the MAC; a name against the device-name rules is not taken', async () => {
    const a = await side('Alice')
    const b = await side('Bob')
    const pairKey = randomBytes(32)
    await pairBoth(a, b, pairKey)
    // A man in the middle swaps the name in B's request: the MAC, made over "Bob", no longer matches.
    const nonce = randomBytes(32)
    const mac = presenceRequestMac(pairKey, b.localPeerId, a.localPeerId, nonce, 'paired', 'Bob')
    const [mine, theirs] = memoryPipe()
    const serving = servePresence(a, new FramedChannel(theirs), b.localPeerId)
    await new FramedChannel(mine).write(
      encodeJson({ t: 'presence', nonce: toHex(nonce), status: 'paired', name: 'Eve', addrs: [], mac: toHex(mac) })
    )
    assert.equal(await serving, 'failed')
    assert.equal(a.registry.getDevice(b.localPeerId)?.name, 'B')

    // A correctly MACed name that is blank after trimming is ignored (the row keeps its name).
    const blank = await side('   ')
    await pairBoth(a, blank, randomBytes(32))
    const [m2, t2] = memoryPipe()
    const serving2 = servePresence(a, new FramedChannel(t2), blank.localPeerId)
    assert.equal(await checkPresence(blank, new FramedChannel(m2), blank.registry.getDevice(a.localPeerId)!), 'online')
    await serving2
    assert.equal(a.registry.getDevice(blank.localPeerId)?.name, 'B')
  })

  it('an overheard-code alarm rides a presence request under the MAC: delivered once verified, forged ones dropped', async () => {
    const a = await side('Alice')
    const b = await side('Bob')
    const pairKey = randomBytes(32)
    await pairBoth(a, b, pairKey)
    const alarm = { claimant: (await ephemeralIdentity()).peerId, after: 7, path: 'relay' as const }
    const delivered: unknown[] = []
    const received: unknown[] = []
    const initiator: TrustContext = {
      ...a,
      alarms: {
        outgoing: () => alarm,
        delivered: (_peer, sent) => void delivered.push(sent),
        received: () => assert.fail('the sender hears nothing back')
      }
    }
    const joiner: TrustContext = {
      ...b,
      alarms: {
        outgoing: () => undefined,
        delivered: () => undefined,
        received: (peer, got) => void received.push([peer, got])
      }
    }
    const [mine, theirs] = memoryPipe()
    const serving = servePresence(joiner, new FramedChannel(theirs), a.localPeerId)
    assert.equal(
      await checkPresence(initiator, new FramedChannel(mine), a.registry.getDevice(b.localPeerId)!),
      'online'
    )
    assert.equal(await serving, 'online')
    assert.deepEqual(received, [[a.localPeerId, alarm]])
    assert.deepEqual(delivered, [alarm], 'delivered only once the reply verified')

    // Someone in between swaps the claimant (or adds an alarm to a request without one): the MAC fails.
    received.length = 0
    const nonce = randomBytes(32)
    const mac = presenceRequestMac(pairKey, a.localPeerId, b.localPeerId, nonce, 'paired', 'Alice')
    const forged = { ...alarm, claimant: b.localPeerId }
    const [m2, t2] = memoryPipe()
    const serving2 = servePresence(joiner, new FramedChannel(t2), a.localPeerId)
    await new FramedChannel(m2).write(
      encodeJson({
        t: 'presence',
        nonce: toHex(nonce),
        status: 'paired',
        name: 'Alice',
        addrs: [],
        alarm: forged,
        mac: toHex(mac)
      })
    )
    assert.equal(await serving2, 'failed')
    assert.deepEqual(received, [])
  })
})
