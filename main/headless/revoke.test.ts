// `pairwise revoke` as a person meets it: a prefix every peer id shares is
// refused with the devices it matches, a terminal asks before revoking (--yes
// does not), and an unreachable device gets a message at once and a bounded
// wait that ends in "will be told at the next contact". The paired devices are
// written into the registry directly; their addresses are a closed port, so
// they are offline.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { TmuxTerminal } from '../../test-support/tmux-terminal.ts'
import { addOfflinePeers } from '../../test-support/engine/offline-peers.ts'
import { CLI_BIN, CLI_ENV, LOOPBACK_NET, runCli, terminalSuite } from '../../test-support/cli.ts'

const BIN = CLI_BIN
const ENV = CLI_ENV
const NET = LOOPBACK_NET
const { temp, terminals, skip } = terminalSuite('revoke')

const run = (args: string[], ms = 30_000): ReturnType<typeof runCli> => runCli(args, ms)

async function seed(dir: string, names: string[]): Promise<void> {
  const created = await run(['devices', '--data-dir', dir, ...NET])
  assert.equal(created.code, 0, created.stderr)
  await addOfflinePeers(dir, names)
}

async function statuses(dir: string): Promise<Record<string, string>> {
  const r = await run(['devices', '--json', '--data-dir', dir, ...NET])
  const { devices } = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    devices: Array<{ name: string; status: string }>
  }
  return Object.fromEntries(devices.map((d) => [d.name, d.status]))
}

describe('pairwise revoke', { timeout: 180_000 }, () => {
  let dir: string
  before(async () => {
    dir = temp.make('home')
    await seed(dir, ['Bob', 'Carol'])
  })

  it('a prefix every peer id shares is refused, listing the devices it matches', async () => {
    const r = await run(['revoke', '12D3KooW', '--yes', '--data-dir', dir, ...NET])
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /“12D3KooW” is too short to say which device: it matches .*Bob \(12D3KooW.{4}…\)/)
    assert.match(r.stderr, /Carol \(12D3KooW.{4}…\)/)
    assert.deepEqual(await statuses(dir), { Bob: 'paired', Carol: 'paired' })
  })

  it(
    'on a terminal it asks first: "n" revokes nothing, "y" revokes and says the offline device is told later',
    { skip },
    async () => {
      const ask = (): TmuxTerminal => {
        const term = TmuxTerminal.start(
          [process.execPath, BIN, 'revoke', 'Bob', '--data-dir', dir, ...NET],
          { cols: 100, rows: 30 },
          ENV
        )
        terminals.push(term)
        return term
      }
      const no = ask()
      await no.waitFor('the question', (s) => /Revoke Bob .*\[y\/N\]/.test(s))
      no.send('n', true)
      no.send('Enter')
      assert.equal(await no.waitForExit(), 130)
      assert.match(no.screen().join('\n'), /^Nothing was revoked\.$/m)
      assert.equal((await statuses(dir)).Bob, 'paired')

      const yes = ask()
      await yes.waitFor('the question', (s) => /\[y\/N\]/.test(s))
      yes.send('y', true)
      yes.send('Enter')
      assert.equal(await yes.waitForExit(), 0, yes.screen().join('\n'))
      const screen = yes.screen().join('\n')
      assert.match(screen, /^Revoked Bob .* here\. Telling it…$/m, 'says what it is doing while it waits')
      assert.match(screen, /it will be told at the next contact/)
      assert.equal((await statuses(dir)).Bob, 'revoked')
    }
  )

  it('--yes does not ask, even on a terminal', { skip }, async () => {
    const term = TmuxTerminal.start(
      [process.execPath, BIN, 'revoke', 'Carol', '--yes', '--data-dir', dir, ...NET],
      { cols: 100, rows: 30 },
      ENV
    )
    terminals.push(term)
    assert.equal(await term.waitForExit(), 0, term.screen().join('\n'))
    assert.doesNotMatch(term.screen().join('\n'), /\[y\/N\]/)
    assert.equal((await statuses(dir)).Carol, 'revoked')
  })
})
