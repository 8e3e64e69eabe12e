// A read-only data folder and a full disk, for real: a small tmpfs (root only),
// the real `pairwise` CLI as a child process, loopback only, --no-mdns.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { Key } from 'interface-datastore'
import { PairwiseError } from '../../../shared/errors.ts'
import { LOOPBACK_NET, runCli } from '../../../test-support/cli.ts'
import { startDevice } from '../../../test-support/engine/loopback-network.ts'
import { canMount, mountTmpfs, type Tmpfs } from '../../../test-support/tmpfs.ts'
import { SqliteDatastore } from '../node/sqlite-datastore.ts'

const NET = [...LOOPBACK_NET, '--json']

/** One `pairwise …` run, killed after `ms`, with its JSON lines (the last is its result). */
async function cli(
  args: string[],
  ms = 30_000
): Promise<{ code: number | null; lines: Array<Record<string, unknown>> }> {
  const { code, stdout } = await runCli(args, ms)
  const lines = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
  return { code, lines }
}

const skip = canMount() ? false : 'needs root to mount a small tmpfs'

describe('a read-only data folder and a full disk', { timeout: 120_000, skip }, () => {
  const mounts: Tmpfs[] = []
  after(() => {
    for (const m of mounts) m.unmount()
  })

  it('read-only: storage-read-only (exit 9) naming the folder, not internal', async () => {
    const fs = mountTmpfs(8192)
    mounts.push(fs)
    const dataDir = join(fs.dir, 'data')
    const first = await cli(['devices', '--data-dir', dataDir, ...NET])
    assert.equal(first.code, 0, JSON.stringify(first.lines))
    fs.remountReadOnly()
    const run = await cli(['devices', '--data-dir', dataDir, ...NET])
    const result = run.lines.at(-1) as { error?: { code: string; message: string; details?: { file?: string } } }
    assert.equal(run.code, 9, JSON.stringify(result))
    assert.equal(result.error?.code, 'storage-read-only')
    assert.ok(result.error?.details?.file?.startsWith(dataDir), JSON.stringify(result.error))
    assert.match(result.error?.message ?? '', /read-only/)
  })

  it('full: no code is shown on a disk that cannot keep it; the error says the disk is full', async () => {
    const fs = mountTmpfs(8192)
    mounts.push(fs)
    const dataDir = join(fs.dir, 'data')
    const device = await startDevice('Full disk', { dataDir })
    try {
      fs.fill()
      let caught: unknown
      await device.service.startPairing({}).then(
        () => assert.fail('a code was shown on a full disk'),
        (err: unknown) => (caught = err)
      )
      assert.ok(caught instanceof PairwiseError)
      assert.equal(caught.code, 'storage-full', caught.message)
      assert.match(caught.message, /could not be published/)
      assert.equal((await device.service.getState({})).session, null, 'no session was left behind')
    } finally {
      await device.stop()
    }
    // The CLI on the same full disk: exit 9, storage-full, and no words printed.
    const run = await cli(['pair', '--data-dir', dataDir, ...NET])
    const result = run.lines.at(-1) as { error?: { code: string } }
    assert.equal(run.code, 9, JSON.stringify(run.lines))
    assert.equal(result.error?.code, 'storage-full')
    assert.ok(!run.lines.some((l) => l.type === 'session'), 'no code was shown')
  })

  it('full while running: the peer store keeps refused writes in memory and says so once, libp2p never sees SQLITE_FULL', async () => {
    const fs = mountTmpfs(512)
    mounts.push(fs)
    const warnings: string[] = []
    const ds = new SqliteDatastore(join(fs.dir, 'peerstore.db'), {
      maxStoredPeers: 100_000,
      onWarning: (w) => warnings.push(w.code)
    })
    try {
      const value = new Uint8Array(4096).fill(7)
      let i = 0
      // 512 KiB cannot hold 256 records of 4 KiB (plus the WAL): the disk refuses one of them.
      for (; i < 256 && ds.writeFault === undefined; i++) ds.put(new Key(`/peers/p${i}`), value)
      assert.deepEqual(warnings, ['peer-store-full'])
      assert.deepEqual(ds.get(new Key(`/peers/p${i - 1}`)), value, 'the refused write is still readable')
      for (let j = 0; j < 5; j++) ds.put(new Key(`/peers/q${j}`), value)
      assert.equal(warnings.length, 1, 'said once')
    } finally {
      ds.close()
    }
  })
})
