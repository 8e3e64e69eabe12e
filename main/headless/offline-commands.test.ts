// `pairwise devices`, `metrics` and `rename` without a daemon read or write the
// registry and start no libp2p node: nothing listens and nothing is announced.
// Proven through child processes: each is given a --listen port that is already
// taken, so any node it started would fail to bind, and the node's peer store
// file is never created.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runCli } from '../../test-support/cli.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'

const temp = new TempDirs('offline-cli')

const run = (args: string[], ms = 20_000): ReturnType<typeof runCli> => runCli(args, ms)

describe('registry-only commands', { timeout: 60_000 }, () => {
  let busy: Server
  let net: string[]
  before(async () => {
    busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const { port } = busy.address() as { port: number }
    net = ['--listen', `/ip4/127.0.0.1/tcp/${port}`, '--no-mdns', '--loopback']
  })
  after(() => {
    busy.close()
    temp.removeAll()
  })

  it('devices, rename and metrics work on a fresh folder without starting a node', async () => {
    const dir = temp.make('fresh')
    const first = await run(['devices', '--json', '--data-dir', dir, ...net])
    assert.equal(first.code, 0, first.stderr)
    const listed = JSON.parse(first.stdout.trim().split('\n').pop()!) as { devices: unknown[] }
    assert.deepEqual(listed.devices, [])

    const renamed = await run(['rename', 'Quiet', 'box', '--data-dir', dir, ...net])
    assert.equal(renamed.code, 0, renamed.stderr)
    assert.match(renamed.stdout, /now called “Quiet box”\. Paired devices learn it at their next contact/)

    const again = await run(['devices', '--data-dir', dir, ...net])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /^This device: Quiet box \(fingerprint /m)

    const metrics = await run(['metrics', '--json', '--data-dir', dir, ...net])
    assert.equal(metrics.code, 0, metrics.stderr)
    assert.equal((JSON.parse(metrics.stdout.trim()) as { ok: boolean }).ok, true)

    assert.equal(existsSync(join(dir, 'peerstore.db')), false, 'no libp2p peer store was opened')
    assert.equal(existsSync(join(dir, 'pairwise.lock')), false, 'the folder lock is not left behind')
  })
})
