// Local damage stays local: a data folder that lost or emptied a file it held
// says so with a named error and starts nothing, so the paired device hears
// nothing that looks like a removal. Real services on 127.0.0.1, real files.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { PairwiseError, type ErrorCode } from '../../../shared/errors.ts'
import { loopbackFleet, type TestDevice } from '../../../test-support/engine/loopback-network.ts'
import { eventually } from '../../../test-support/eventually.ts'
import { makeTempDir, removeTempDir } from '../../../test-support/temp-dirs.ts'
import { dataFiles } from '../service/data-dir.ts'
import { MARKER_FILE } from './marker.ts'

const FAST = { reconnectMs: 400, joinTimeoutMs: 20_000, lanWaitMs: 500, dhtPatienceMs: 10_000 }

async function rejectsWith(start: Promise<unknown>, code: ErrorCode, file: string): Promise<PairwiseError> {
  let caught: unknown
  await start.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => (caught = err)
  )
  assert.ok(caught instanceof PairwiseError, String(caught))
  assert.equal(caught.code, code, caught.message)
  assert.equal(caught.details?.file, file)
  assert.ok(caught.message.includes(file), `the message names ${file}: ${caught.message}`)
  assert.ok((caught.hint ?? '').length > 0)
  return caught
}

describe('storage faults on one device change nothing on the other', { timeout: 120_000 }, () => {
  const fleet = loopbackFleet(1, { timing: FAST })
  const statusOf = async (d: TestDevice, peerId: string): Promise<string | undefined> =>
    (await d.service.listDevices({ includeRevoked: true })).find((x) => x.peerId === peerId)?.status

  it('an empty registry, a deleted identity.key or secret.key: storage-missing, and the peer keeps its pairing', async () => {
    const a = await fleet.device('Alice')
    const b = await fleet.device('Bob')
    const session = await a.service.startPairing({})
    await eventually(
      'the code is published',
      async () => ((await a.service.getState({})).session?.advertisedTo ?? 0) > 0,
      {
        timeoutMs: 20_000
      }
    )
    await b.service.join({ code: session.words.join(' ') })
    const alice = a.service.peerId
    await eventually('A stored B as paired', async () => (await statusOf(a, b.service.peerId)) === 'paired', {
      timeoutMs: 15_000
    })
    await a.stop()
    const files = dataFiles(a.dataDir)
    const identityFile = join(a.dataDir, 'identity.key')
    const secretFile = join(a.dataDir, 'secret.key')
    assert.ok(readdirSync(a.dataDir).includes(MARKER_FILE), 'the first start wrote the marker')
    const saved = new Map([files.registry, identityFile, secretFile].map((f) => [f, readFileSync(f)]))
    const restore = (): void => {
      for (const [f, bytes] of saved) writeFileSync(f, bytes, { mode: 0o600 })
    }

    // The registry emptied: not recreated, not touched.
    truncateSync(files.registry, 0)
    await rejectsWith(fleet.device('Alice', { dataDir: a.dataDir }), 'storage-missing', files.registry)
    assert.equal(statSync(files.registry).size, 0, 'the empty file was left as it was')
    restore()

    // The device key deleted: no new identity.
    rmSync(identityFile)
    await rejectsWith(fleet.device('Alice', { dataDir: a.dataDir }), 'storage-missing', identityFile)
    assert.ok(!readdirSync(a.dataDir).includes('identity.key'), 'no new key was made')
    restore()

    // The sealing key deleted: a new one could never open the device key.
    rmSync(secretFile)
    await rejectsWith(fleet.device('Alice', { dataDir: a.dataDir }), 'storage-missing', secretFile)
    restore()

    // Meanwhile B heard nothing that looks like a removal, through several reconnect rounds.
    await new Promise((r) => setTimeout(r, FAST.reconnectMs * 3))
    assert.equal(await statusOf(b, alice), 'paired')

    // Restored, A is the same device and both are still paired.
    const a2 = await fleet.device('Alice', { dataDir: a.dataDir })
    assert.equal(a2.service.peerId, alice)
    await eventually(
      'A and B meet again as paired devices',
      async () =>
        (await a2.service.listDevices({})).some(
          (d) => d.peerId === b.service.peerId && d.online && d.status === 'paired'
        ),
      { timeoutMs: 30_000 }
    )
    assert.equal(await statusOf(b, alice), 'paired')

    // A damaged peer store is only a cache: moved aside, rebuilt, said once; the pairing stays.
    await a2.stop()
    writeFileSync(files.peerStore, Buffer.from('this is not a SQLite database '.repeat(100)))
    const a3 = await fleet.device('Alice', { dataDir: a.dataDir })
    const warnings = (await a3.service.getState({})).warnings ?? []
    assert.equal(warnings[0]?.code, 'peer-store-rebuilt')
    assert.ok(
      readdirSync(a.dataDir).some((f) => f.startsWith('peerstore.db.damaged-')),
      'the damaged file was kept aside'
    )
    assert.equal(statSync(files.peerStore).mode & 0o777, 0o600)
    assert.equal(await statusOf(a3, b.service.peerId), 'paired')
    assert.equal(await statusOf(b, alice), 'paired')
  })

  it("another folder's identity.key is storage-foreign, not a new device", async () => {
    const a = await fleet.device('Carol')
    const other = makeTempDir('other')
    try {
      const o = await fleet.device('Other', { dataDir: other })
      await o.stop()
      await a.stop()
      for (const f of ['identity.key', 'secret.key']) writeFileSync(join(a.dataDir, f), readFileSync(join(other, f)))
      await rejectsWith(
        fleet.device('Carol', { dataDir: a.dataDir }),
        'storage-foreign',
        join(a.dataDir, 'identity.key')
      )
    } finally {
      removeTempDir(other)
    }
  })

  it('a folder from before the marker with an identity but an empty registry is storage-missing too', async () => {
    const a = await fleet.device('Dave')
    await a.stop()
    rmSync(join(a.dataDir, MARKER_FILE))
    truncateSync(dataFiles(a.dataDir).registry, 0)
    await rejectsWith(fleet.device('Dave', { dataDir: a.dataDir }), 'storage-missing', dataFiles(a.dataDir).registry)
  })
})
