// `pairwise pair --approve` in a real terminal (tmux, 100×30): when a device
// proved the code, the person sees its name, OS, fingerprint and the six check
// digits the joiner shows too, and answers y/N. y pairs both; N stores nothing
// on either side. Without a terminal, --approve is a clear usage error.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { JoinProgress } from '../../shared/api.ts'
import { PairwiseError } from '../../shared/errors.ts'
import { CLI_BIN, CLI_ENV, LOOPBACK_NET, runCli, terminalSuite } from '../../test-support/cli.ts'
import { startDevice, startDhtNodes, type TestDevice } from '../../test-support/engine/loopback-network.ts'
import { TmuxTerminal } from '../../test-support/tmux-terminal.ts'
import { eventually } from '../../test-support/eventually.ts'
import { removeTempDir } from '../../test-support/temp-dirs.ts'

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
const SIZE = { cols: 100, rows: 30 }
const FAST = { reconnectMs: 400, joinTimeoutMs: 30_000, lanWaitMs: 500, dhtPatienceMs: 5_000 }
const { temp, terminals, skip } = terminalSuite('pair-approve')

describe('pairwise pair --approve', { timeout: 120_000, skip }, () => {
  let dht: Awaited<ReturnType<typeof startDhtNodes>>
  const joiners: TestDevice[] = []
  before(async () => {
    dht = await startDhtNodes(1)
  })
  after(async () => {
    for (const j of joiners) {
      await j.stop().catch(() => undefined)
      removeTempDir(j.dataDir)
    }
    await dht.stop()
  })

  /** Starts `pair --approve` in tmux and a joiner device; returns both once the question is on screen. */
  async function askedOnTerminal(joinerName: string) {
    const term = TmuxTerminal.start(
      [
        process.execPath,
        CLI_BIN,
        'pair',
        '--approve',
        '--no-qr',
        '--data-dir',
        temp.make(),
        ...LOOPBACK_NET,
        '--bootstrap',
        dht.bootstrap[0]!
      ],
      SIZE,
      CLI_ENV
    )
    terminals.push(term)
    const shown = await term.waitFor('the link', (s) => /code=([a-z-]+)&/.test(s))
    const words = /code=([a-z-]+)&/.exec(shown)![1]!.split('-')
    await term.waitFor('the code is published', (s) => /published to \d+ node/.test(s))
    const joiner = await startDevice(joinerName, { timing: FAST, network: { bootstrap: dht.bootstrap } })
    joiners.push(joiner)
    const waits: JoinProgress[] = []
    joiner.service.on('join-progress', (p) => {
      if (p.step === 'awaiting-approval') waits.push(p)
    })
    const joined = joiner.service.join({ code: words.join(' ') })
    joined.catch(() => undefined)
    const screen = await term.waitFor('the question', (s) => s.includes('[y/N]'))
    return { term, joiner, joined, waits, screen }
  }

  it('shows who asks with the check string the joiner shows; y pairs both', async () => {
    const { term, joiner, joined, waits, screen } = await askedOnTerminal('Laptop on the desk')
    const state = await joiner.service.getState({})
    assert.match(screen, /Name: +Laptop on the desk/)
    assert.ok(screen.includes(`Fingerprint:  ${state.thisDevice.fingerprint}`), screen)
    const check = /Check: +(\d{3} \d{3})/.exec(screen)?.[1]
    assert.ok(check !== undefined, screen)
    await eventually('the joiner shows its digits', () => waits.length > 0)
    assert.equal(waits[0]?.check, check, 'both screens show the same six digits')
    mkdirSync(ARTIFACTS, { recursive: true })
    writeFileSync(join(ARTIFACTS, 'pair-approve-question.txt'), `${term.rows().join('\n')}\n`)
    term.send('y', true)
    term.send('Enter')
    const device = await joined
    assert.equal(device.status, 'paired')
    assert.equal(await term.waitForExit(), 0, term.screen().join('\n'))
    assert.match(term.screen().join('\n'), /Paired with Laptop on the desk/)
  })

  it('N (or just Enter) declines: the joiner is told, nothing is stored, the code keeps waiting', async () => {
    const { term, joiner, joined } = await askedOnTerminal('Someone else')
    term.send('Enter')
    await assert.rejects(joined, (err: unknown) => err instanceof PairwiseError && err.code === 'denied')
    await term.waitFor('the outcome', (s) => s.includes('was not paired: you said no'))
    assert.deepEqual(await joiner.service.listDevices({}), [])
    term.send('C-c')
    assert.equal(await term.waitForExit(), 5, 'the code is cancelled on Ctrl-C; nothing was paired')
  })
})

describe('pairwise pair --approve without a terminal', { timeout: 60_000 }, () => {
  it('is a usage error that says why, before any code is shown', async () => {
    const dir = temp.make()
    const { code, stdout, stderr } = await runCli(['pair', '--approve', '--data-dir', dir, ...LOOPBACK_NET])
    assert.equal(code, 2, stderr)
    assert.match(stderr, /--approve asks y\/N on the terminal, and this is not a terminal/)
    assert.doesNotMatch(stdout, /pairwise:\/\//, 'no code was shown')
  })
})
