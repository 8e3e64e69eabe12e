// Devices on different networks need a Pairwise node (issue 11 item 3), and the
// CLI says so instead of waiting silently or blaming the words. Child
// processes on 127.0.0.1 with --no-mdns and no --bootstrap, as a person who
// has not set up a node would run them.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { generateCode } from '../../shared/code/index.ts'
import { LOOPBACK_NET, runCli, startCli } from '../../test-support/cli.ts'
import { addOfflinePeers } from '../../test-support/engine/offline-peers.ts'
import { eventually } from '../../test-support/eventually.ts'
import { TempDirs } from '../../test-support/temp-dirs.ts'

const temp = new TempDirs('no-node')
after(() => temp.removeAll())

describe('without a Pairwise node', { timeout: 90_000 }, () => {
  it('pair says at once that only a device that knows this one can join, and how others can', async () => {
    const pair = startCli(['pair', '--data-dir', temp.make('pair'), ...LOOPBACK_NET])
    try {
      const notice = await eventually(
        () => `the no-node notice:\n${pair.out.stdout}\n${pair.out.stderr}`,
        () => /only a device that already knows this one can join[\s\S]*Pairwise node/.exec(pair.out.stderr)?.[0],
        { timeoutMs: 20_000 }
      )
      assert.match(pair.out.stderr, /Pairwise node both use \(--bootstrap/, notice)
    } finally {
      await pair.stop()
    }
  })

  it('join explains the missing node rather than blaming the words', async () => {
    const dir = temp.make('join')
    assert.equal((await runCli(['devices', '--data-dir', dir, ...LOOPBACK_NET])).code, 0)
    // A paired device that is offline: the only place a join can look without LAN or a node.
    await addOfflinePeers(dir, ['Bob'])
    const r = await runCli(['join', ...generateCode().words, '--data-dir', dir, ...LOOPBACK_NET], 60_000)
    assert.equal(r.code, 4, r.stderr)
    const hint = /^hint: (.*)$/m.exec(r.stderr)?.[1] ?? ''
    assert.match(hint, /different network/, r.stderr)
    assert.match(hint, /pairwise node/)
    assert.doesNotMatch(hint, /^Check the words/)
  })
})
